from . import models
from . import wizards


def _index_existing_pdfs(env):
    """PDFs stored before this module came with attachment_indexation have no indexed text:
    index them once, so the search by text finds old documents too."""
    env["ir.attachment"]._reindex_pdf_text()
