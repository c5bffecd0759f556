"""Office drafts to PDF with LibreOffice headless (``snn_office_convert.convert``)::

to_pdf(data, *, timeout=60.0, soffice=None) -> bytes
             a .docx/.doc/.odt draft as PDF by LibreOffice headless (its own process and
             temporary directory); a PDF comes back as is
sniff(data) -> "pdf" | "docx" | "odt" | "doc"   by content; BadInputError for anything else
"""

from __future__ import annotations

from .convert import sniff, to_pdf

__all__ = ["sniff", "to_pdf"]
