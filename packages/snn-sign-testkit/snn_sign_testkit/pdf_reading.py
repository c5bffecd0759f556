"""What a reader of a signed PDF sees, read with tools that are not ours: the words poppler's
pdftotext finds inside a signature field's box on its page (the field found with pypdf)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

from pypdf import PdfReader

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def field_box(pdf: bytes, field: str) -> tuple[int, tuple[float, float, float, float]]:
    """(0-based page, box in PDF points) of the widget of signature field ``field``."""
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for ref in page.get("/Annots") or ():
            annot = ref.get_object()
            if str(annot.get("/T")) == field:
                return index, tuple(float(v) for v in annot["/Rect"])
    raise LookupError(f"no field {field!r}")


def words_in_field(pdf: bytes, field: str) -> list[str]:
    """The words pdftotext reads inside the box of ``field``, in reading order."""
    page, (x1, y1, x2, y2) = field_box(pdf, field)
    reader = PdfReader(io.BytesIO(pdf))
    height = float(reader.pages[page].mediabox.top)
    tool = shutil.which("pdftotext")
    if tool is None:
        raise RuntimeError("pdftotext not found: install poppler-utils")
    xml = subprocess.run(  # noqa: S603 - poppler's tool on a PDF the test made
        [tool, "-f", str(page + 1), "-l", str(page + 1), "-bbox", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    found = []
    for left, top, right, bottom, word in _WORD.findall(xml):
        # pdftotext counts from the top of the page, PDF from its bottom
        if x1 <= float(left) and float(right) <= x2 and y1 <= height - float(bottom):
            if height - float(top) <= y2:
                found.append(word)
    return found
