from . import snn_document
from . import snn_document_attachment
