"""An extract of a PDF: the pages a "trích sao" (extract copy, Decree 30 Art. 25) keeps.

The new file holds only the chosen pages, in their order; the original's signatures do not
come along (an extract is sealed anew by the copying organisation, :mod:`snn_sign.signing`'s
``copy`` appearance), nor its form fields. pypdf copies the pages with what they draw.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, NameObject

from .errors import BadInputError
from .pdfinput import open_pdf


def parse_pages(text: str, count: int) -> list[int]:
    """1-based page numbers from "1-3, 5" (in the order given, each once), within ``count``;
    BadInputError, in both languages, for anything else."""
    pages: list[int] = []
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        try:
            start, end = int(first), int(last if dash else first)
        except ValueError:
            raise _bad_pages(text, count) from None
        if not 1 <= start <= end <= count:
            raise _bad_pages(text, count)
        pages += [page for page in range(start, end + 1) if page not in pages]
    if not pages:
        raise _bad_pages(text, count)
    return pages


def _bad_pages(text: str, count: int) -> BadInputError:
    return BadInputError(
        f"Trang cần trích không hợp lệ: {text!r} (ví dụ “1-3, 5”; văn bản có {count} trang).",
        f"Invalid pages to extract: {text!r} (e.g. “1-3, 5”; the document has {count} pages).",
    )


def pdf_page_count(pdf: bytes) -> int:
    return len(_reader(pdf).pages)


def extract_pages(pdf: bytes, pages: list[int]) -> bytes:
    """A new PDF with the 1-based ``pages`` of ``pdf``, in that order. BadInputError
    (Vietnamese / English) for a file that is not a readable PDF or a page it does not have."""
    reader = _reader(pdf)
    if not pages or any(not 1 <= page <= len(reader.pages) for page in pages):
        raise _bad_pages(", ".join(map(str, pages)), len(reader.pages))
    try:
        writer = PdfWriter()
        for page in pages:
            added = writer.add_page(reader.pages[page - 1])
            # No widget of the original's signatures or fields: they belong to the original.
            if "/Annots" in added:
                kept = [a for a in added["/Annots"] if a.get_object().get("/Subtype") != "/Widget"]
                if kept:
                    added[NameObject("/Annots")] = ArrayObject(kept)
                else:
                    del added["/Annots"]
        out = BytesIO()
        writer.write(out)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise _unreadable(exc) from exc
    return out.getvalue()


def _reader(pdf: bytes) -> PdfReader:
    open_pdf(pdf)  # the same checks and words as signing: empty, not a PDF, broken, encrypted
    try:
        reader = PdfReader(BytesIO(pdf), strict=False)
        reader.pages[0]
    except (PyPdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise _unreadable(exc) from exc
    return reader


def _unreadable(exc: Exception) -> BadInputError:
    return BadInputError(
        f"Không đọc được tệp PDF (hỏng hoặc bị cắt cụt): {exc}",
        f"The PDF cannot be read (damaged or truncated): {exc}",
    )
