from . import test_dispatch_internal
from . import test_dispatch_exchange
from . import test_ui_dispatch
from . import test_dispatch_email_secret
from . import test_recall
from . import test_dispatch_committed
from . import test_dispatch_rpc
