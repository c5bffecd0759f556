from . import test_copies
from . import test_ui_copy
