from . import snn_copy_wizard
