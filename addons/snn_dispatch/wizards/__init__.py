from . import snn_reason_wizard
