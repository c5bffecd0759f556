from . import test_workflow
from . import test_access_matrix
from . import test_record_rules
from . import test_trail
from . import test_numbering
from . import test_bad_input
from . import test_concurrency
from . import test_ui_tour
