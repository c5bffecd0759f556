from . import ir_actions_report
from . import snn_approval
from . import snn_document
from . import snn_document_search
from . import snn_incoming_document_search
from . import snn_document_register
from . import snn_register
from . import snn_document_report
