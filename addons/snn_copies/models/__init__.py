from . import snn_document_copy, snn_copy_source, snn_document, snn_incoming_document
