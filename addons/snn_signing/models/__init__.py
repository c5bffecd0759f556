from . import snn_sign_bridge
from . import res_users
from . import res_company
from . import snn_signature
from . import snn_trail_anchor
from . import snn_document
from . import snn_document_issue
