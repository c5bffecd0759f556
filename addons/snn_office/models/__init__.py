from . import snn_document
from . import snn_document_attachment
from . import snn_document_attachments
from . import snn_signature
from . import snn_delivery
