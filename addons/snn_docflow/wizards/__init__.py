from . import snn_wizard_guard
from . import snn_document_reason_wizard
