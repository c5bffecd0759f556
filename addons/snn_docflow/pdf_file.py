"""What the chain asks of a PDF before it is a draft: does it show pages (whether it is a PDF
at all is the engine's one test, snn_sign.pdfinput.looks_like_pdf)."""

import io
import re

from odoo.tools.pdf import PdfFileReader

# A page object (not the /Pages tree node) in a PDF's body.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(data: bytes) -> int:
    """Pages of a PDF as a viewer would show them; 0 for one it would show empty."""
    try:
        return len(PdfFileReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # pypdf raises many kinds for a damaged file: all mean "unreadable"
        # Viewers (the browser's pdf.js) rebuild a missing cross-reference table from the
        # objects themselves: a file whose page objects are there still shows its pages.
        return len(PAGE_OBJECT.findall(data))
