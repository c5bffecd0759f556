from . import test_office_draft
from . import test_attachment_office
from . import test_hostile_uploads
from . import test_ui_preview_docx
