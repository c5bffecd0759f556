from . import test_dispatch_internal
from . import test_dispatch_exchange
from . import test_ui_dispatch
