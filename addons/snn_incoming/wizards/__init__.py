from . import snn_own_form
from . import snn_document_reason_wizard, snn_incoming_assign_wizard
from . import snn_incoming_register_print, snn_incoming_register_print_report
