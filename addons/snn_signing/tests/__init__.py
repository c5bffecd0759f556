from . import test_issue_sign
