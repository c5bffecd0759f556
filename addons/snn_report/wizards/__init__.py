from . import snn_paper_print
from . import snn_register_print
from . import snn_period_report
from . import snn_metadata_export
