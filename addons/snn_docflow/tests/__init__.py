from . import (
    test_access_matrix,
    test_bad_input,
    test_concurrency,
    test_numbering,
    test_record_rules,
    test_trail,
    test_workflow,
)
from . import test_ui_tour
