"""Tiny PDFs made in memory for bridge tests (no files committed)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def one_page_pdf(text: str = "Công văn thử nghiệm") -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawString(72, 760, text.encode("ascii", "replace").decode())
    pdf.showPage()
    pdf.save()
    return out.getvalue()
