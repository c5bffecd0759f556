from . import test_office_draft
from . import test_attachments
from . import test_hostile_uploads
from . import test_attachment_parts
from . import test_ui_preview_docx
