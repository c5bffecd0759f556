from . import res_company
from . import hr_department
from . import snn_document_type
from . import snn_register
from . import snn_approval
from . import snn_document_recipient
from . import snn_document
from . import snn_document_demo
