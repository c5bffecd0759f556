"""Check that bytes are a PDF we can work on, before any stamping or signing.

Every failure is a BadInputError with a Vietnamese and an English message, so the clerk learns
what is wrong with the file instead of seeing a parser traceback.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader

from .errors import BadInputError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Point = tuple[int, float, float]  # (page, x, y): 1-based page, x and y in points
# How far into a file its "%PDF-" header may be: readers tolerate a few junk bytes before it
# (PDF 1.7, 7.5.2; Acrobat looks within the first 1024 bytes).
HEADER_WINDOW = 1024


def looks_like_pdf(data: bytes | None) -> bool:
    """Whether ``data`` starts as a PDF does: its header within the first KiB (white space or
    a few junk bytes may come first). The one "is it a PDF" test of the engine and the add-ons;
    whether the file can be read is open_pdf's question."""
    return bool(data) and b"%PDF-" in data[:HEADER_WINDOW]


def open_pdf(data: bytes) -> PdfFileReader:
    """A pyHanko reader over ``data``, or BadInputError for empty, non-PDF, encrypted, broken."""
    if not data:
        raise BadInputError("Tệp rỗng.", "The file is empty.")
    if not looks_like_pdf(data):
        raise BadInputError("Tệp không phải PDF.", "The file is not a PDF.")
    if b"%%EOF" not in data[-4096:]:  # some producers append a little padding
        raise BadInputError(
            "Tệp PDF bị cắt cụt hoặc hỏng (không có dấu kết thúc %%EOF).",
            "The PDF is truncated or damaged (no %%EOF end marker).",
        )
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        encrypted = reader.encrypted
        if not encrypted:
            # Touch the page tree: a broken xref or object stream shows up here, not later.
            _ = reader.root["/Pages"]
            if len(reader.root["/Pages"]["/Kids"]) == 0:
                raise BadInputError("Tệp PDF không có trang nào.", "The PDF has no pages.")
    except BadInputError:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise BadInputError(
            f"Không đọc được tệp PDF (hỏng hoặc bị cắt cụt): {exc}",
            f"The PDF cannot be read (damaged or truncated): {exc}",
        ) from exc
    if encrypted:
        raise BadInputError(
            "Tệp PDF được mã hóa (có mật khẩu); hãy gửi bản không mã hóa.",
            "The PDF is encrypted (password protected); send an unencrypted copy.",
        )
    return reader


def check_png(data: bytes | None, what: str = "image") -> bytes | None:
    """``data`` unchanged when it is a PNG (or None); BadInputError otherwise."""
    if data is None:
        return None
    if not data.startswith(PNG_MAGIC):
        raise BadInputError(
            "Tệp ảnh (chữ ký/con dấu) không phải PNG.",
            f"The {what} is not a PNG file.",
        )
    try:
        with Image.open(BytesIO(data)) as img:
            img.verify()
    except Exception as exc:  # Pillow raises many kinds for a broken image
        raise BadInputError(
            f"Tệp ảnh PNG bị hỏng: {exc}",
            f"The PNG {what} is damaged: {exc}",
        ) from exc
    return data


def page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def media_box(page) -> tuple[float, float, float, float]:
    """The page's MediaBox, which a page may inherit from its parents in the page tree (PDF
    7.7.3.4); A4 when none says (a broken file pyHanko still opened)."""
    node = page
    while node is not None:
        if "/MediaBox" in node:
            x0, y0, x1, y1 = (float(v) for v in node["/MediaBox"])
            return x0, y0, x1, y1
        node = node.get("/Parent")
    return 0.0, 0.0, 595.28, 841.89


def zero_based_point(point, reader: PdfFileReader, what: str = "") -> Point:
    """A user's (1-based page, x, y) as (0-based page index, x, y); BadInputError when it is
    not three numbers or the page does not exist. ``what`` names the option in the message."""
    try:
        page, x, y = point
        page, x, y = int(page), float(x), float(y)
    except (TypeError, ValueError):
        label = f" {what}" if what else ""
        raise BadInputError(
            f"Vị trí{label} không hợp lệ: {point!r} (cần TRANG,X,Y)",
            f"Invalid{label} position: {point!r} (expected PAGE,X,Y)",
        ) from None
    count = page_count(reader)
    if not 1 <= page <= count:
        raise BadInputError(
            f"Trang {page} không có (tệp có {count} trang).",
            f"There is no page {page} (the file has {count} pages).",
        )
    return page - 1, x, y
