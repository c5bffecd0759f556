from . import snn_paper_print
from . import snn_register_print
from . import snn_period_report
