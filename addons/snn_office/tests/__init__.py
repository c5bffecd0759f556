from . import test_office_draft
from . import test_attachments
