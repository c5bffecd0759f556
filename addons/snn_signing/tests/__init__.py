from . import test_issue_sign
from . import test_issue_failures
from . import test_esign_period
from . import test_signing_config
from . import test_concurrent_signing
from . import test_ui_issue
from . import test_org_settings
from . import test_planted_files
