from . import test_copies
from . import test_copy_send
from . import test_ui_copy
from . import test_backup_restore
from . import test_upgrade
