from . import test_copies
from . import test_copy_send
from . import test_ui_copy
