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


def open_pdf(data: bytes) -> PdfFileReader:
    """A pyHanko reader over ``data``, or BadInputError for empty, non-PDF, encrypted, broken."""
    if not data:
        raise BadInputError("Tệp rỗng.", "The file is empty.")
    # The header may follow a few junk bytes (PDF 1.7, 7.5.2 tolerates them); not at all is no PDF.
    if b"%PDF-" not in data[:1024]:
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
