from . import test_register
from . import test_paper_print
from . import test_period_report
from . import test_ui_report
from . import test_search
from . import test_report_rpc
from . import test_register_layout
from . import test_report_side_doors
