from . import snn_document
