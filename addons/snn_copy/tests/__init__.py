from . import test_copies, test_ui_copy
