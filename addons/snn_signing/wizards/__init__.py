from . import snn_document_reason_wizard
