from . import snn_copy_send_wizard
from . import snn_copy_wizard
from . import snn_period_report
