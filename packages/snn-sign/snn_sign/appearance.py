"""Where a visible signature goes and what it looks like (Decree 30, Annex I; see LEGAL.md).

- signer: the blue handwritten-signature PNG, centred between the signer's title lines and
  full name, in the last signature block whose name line is the certificate's CN (an appendix
  or a sentence naming the signer does not count; with no such block, the name's last line);
- seal: the red seal PNG at real size (36 mm unless told), over the left third of the signer's
  signature, with the organisation's name and the signing time (ISO 8601, +07:00) under it;
- attachment: no image, top right of page 1, the main document's code and the signing time in
  Liberation Serif 10 pt, upright, black;
- copy (an electronic copy, Decree 30 Art. 25-27): no image, top right of page 1, the form of
  copy (SAO Y, SAO LỤC, TRÍCH SAO), the copying organisation and the signing time, as the
  attachment's text.

Each appearance is drawn with reportlab into a one-page PDF the size of the field and used as a
pyHanko static stamp, so text is exact Vietnamese and images keep their transparency.
"""

from __future__ import annotations

import binascii
import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.stamp import StaticStampStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from . import fonts
from .errors import BadInputError, NotFoundError
from .pdfinput import media_box, page_count
from .stamp import PageReader, TextLine

MM = 72 / 25.4
SIGNER_FIELD = "SignerSignature"
SEAL_FIELD = "SealSignature"
ATTACHMENT_FIELD = "AttachmentSignature"
COPY_FIELD = "CopySignature"
# The form of an electronic copy, as its signature shows it (Decree 30 Art. 25).
COPY_FORMS = {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}
COPY_MAX_W = 90 * MM  # a long organisation name wraps within this width
SIGNER_MAX_W = 60 * MM  # a handwritten signature is rarely wider than 6 cm
SIGNER_DEFAULT_H = 22 * MM  # height used with an explicit position
SEAL_TEXT_SIZE = 6.5
ATTACHMENT_SIZE = 10
ATTACHMENT_MARGIN = (20 * MM, 6 * MM)  # from the right and top edges

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in points


@dataclass
class Placement:
    """A field to create: 0-based page, its box, and the one-page PDF drawn in it."""

    page_ix: int
    box: Box
    drawing: bytes

    def stamp_style(self) -> StaticStampStyle:
        return StaticStampStyle(
            background=_ImportedPdfBytes(self.drawing),
            border_width=0,
            background_opacity=1.0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        )


class _ImportedPdfBytes(ImportedPdfPage):
    """pyHanko's ImportedPdfPage reads a file; this one reads bytes (no temporary files)."""

    def __init__(self, data: bytes):
        super().__init__(file_name=None, page_ix=0)
        self.data = data

    def render(self) -> bytes:
        xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(BytesIO(self.data)))
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


# ---------------------------------------------------------------- positions


def _norm(text: str) -> str:
    """Case- and accent-insensitive form: certificates often carry the name without diacritics
    or in capitals ("NGUYEN CONG HAM"), the document has "Nguyễn Công Hàm"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def find_signer_box(
    pdf: bytes, reader: PdfFileReader, signer_name: str, image_size: tuple[int, int]
) -> tuple[int, Box]:
    """Page and box for the signature image: between the title lines and the name line.

    Every line holding the name (accent- and case-insensitive) is a candidate; a signature
    block's name line wins: the name alone (perhaps after a short title, "Thượng tá", "TS."),
    with an authority or position line above it in its column ("KT. GIÁM ĐỐC", "PHÓ CHỦ TỊCH",
    "TM. ỦY BAN NHÂN DÂN", …). The last such block in reading order is taken (pages read from
    the last one back, the first that has one, its lowest); so an appendix after the block, or
    the name in a sentence of the body, does not draw the image. With no block anywhere, the
    last line holding the name, as before."""
    count = page_count(reader)
    wanted = _norm(signer_name)
    pages = PageReader(pdf)  # document and fonts parsed once for all the pages looked at
    fallback: tuple[int, list[TextLine], TextLine] | None = None
    chosen = None
    for page_ix in range(count - 1, -1, -1):  # the signer block is near the end
        lines = pages.lines(page_ix)
        names = [ln for ln in lines if wanted and wanted in _norm(ln.text)]
        if not names:
            continue
        blocks = [ln for ln in names if _is_block_name_line(lines, ln, wanted)]
        if blocks:
            chosen = (page_ix, lines, min(blocks, key=lambda ln: ln.baseline))
            break
        if fallback is None:
            fallback = (page_ix, lines, names[-1])
    chosen = chosen or fallback
    if chosen is None:
        raise NotFoundError(
            f'Không tìm thấy tên người ký "{signer_name}" trong văn bản; hãy chỉ vị trí (--at).',
            f'The signer\'s name "{signer_name}" is not in the document; give a position (--at).',
        )
    page_ix, lines, name = chosen
    x1, y1, x2, y2 = _between_title_and_name(lines, name, image_size)
    # pdfminer measures from the MediaBox corner; fields live in user space
    page = reader.find_page_for_modification(page_ix)[0].get_object()
    ox, oy = media_box(page)[:2]
    return page_ix, (x1 + ox, y1 + oy, x2 + ox, y2 + oy)


# A signature block's authority or position line (Decree 30, Annex I): "TM."/"KT."/"Q."/"TL."/
# "TUQ." and whatever follows, or a position, with "PHÓ" or not; read on the _norm form.
_AUTHORITY_PREFIX_RE = re.compile(r"^(?:(?:tm|kt|q|tl|tuq)\s*\.|(?:tm|kt|tl|tuq)\s)")
_POSITION_RE = re.compile(
    r"^(?:pho\s+)?(?:tong\s+)?(?:giam doc|chu tich|bo truong|thu truong|chanh van phong"
    r"|truong phong|truong ban|(?:chi )?cuc truong|vu truong|vien truong|hieu truong"
    r"|chanh an|chanh thanh tra|bi thu|truong khoa)\b"
)
BLOCK_TITLE_REACH = 60 * MM  # from the name line's top up to the title's last line
_NAME_PREFIX_MAX = (2, 16)  # a title before the name: at most 2 words, 16 characters


def _is_block_name_line(lines: list[TextLine], name: TextLine, wanted: str) -> bool:
    """``name`` is the name line of a signature block: the name alone, or after a short title,
    with an uppercase authority/position line above it in its column within 60 mm."""
    text = _norm(name.text).strip(" .,;:-()")
    if text != wanted:
        if not text.endswith(" " + wanted):
            return False
        prefix = text[: -len(wanted)].strip()
        words, chars = _NAME_PREFIX_MAX
        if len(prefix.split()) > words or len(prefix) > chars:
            return False
    return any(
        0 < ln.y0 - name.y1 <= BLOCK_TITLE_REACH
        and ln.x0 < name.x1 + 40
        and ln.x1 > name.x0 - 40
        and _is_authority_line(ln.text)
        for ln in lines
    )


def _is_authority_line(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 2 or any(ch.islower() for ch in letters):
        return False
    norm = _norm(text)
    return bool(_AUTHORITY_PREFIX_RE.match(norm) or _POSITION_RE.match(norm))


def _between_title_and_name(lines: list[TextLine], name: TextLine, image_size) -> Box:
    above = [
        ln for ln in lines if ln.y0 > name.y1 and ln.x0 < name.x1 + 40 and ln.x1 > name.x0 - 40
    ]
    # the title's last line: the lowest line above the name in the same column
    title_bottom = min((ln.y0 for ln in above), default=name.y1 + 30 * MM)
    gap_bottom, gap_top = name.y1 + 2, title_bottom - 2
    height = max(gap_top - gap_bottom, 10 * MM)
    width, height = _fit(image_size, SIGNER_MAX_W, height)
    cx, cy = (name.x0 + name.x1) / 2, (gap_bottom + gap_top) / 2
    return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def _fit(image_size: tuple[int, int], max_w: float, max_h: float) -> tuple[float, float]:
    iw, ih = image_size
    scale = min(max_w / iw, max_h / ih)
    return iw * scale, ih * scale


def find_signer_field(reader: PdfFileReader) -> tuple[int, Box]:
    """Page and rectangle of the (last) signer signature already in the document."""
    found = None
    for name, _value, ref in enumerate_sig_fields(reader, filled_status=True):
        field = ref.get_object()
        rect = field.get("/Rect")
        if rect is None or not _visible(rect):
            continue
        if name.startswith(SIGNER_FIELD) or found is None or not found[0].startswith(SIGNER_FIELD):
            found = (name, ref, tuple(float(v) for v in rect))
    if found is None:
        raise NotFoundError(
            "Chưa có chữ ký của người ký (hiển thị) để đóng dấu lên; hãy ký trước hoặc chỉ vị trí.",
            "There is no visible signer signature to put the seal on; sign first or give --at.",
        )
    _name, ref, rect = found
    return _page_of_widget(reader, ref), (
        min(rect[0], rect[2]),
        min(rect[1], rect[3]),
        max(rect[0], rect[2]),
        max(rect[1], rect[3]),
    )


def _visible(rect) -> bool:
    x1, y1, x2, y2 = (float(v) for v in rect)
    return abs(x2 - x1) > 1 and abs(y2 - y1) > 1


def _page_of_widget(reader: PdfFileReader, ref) -> int:
    count = page_count(reader)
    for page_ix in range(count - 1, -1, -1):
        page_obj = reader.find_page_for_modification(page_ix)[0].get_object()
        # An /Annots array can itself be an indirect object (wkhtmltopdf writes it so): its
        # items stay references, whose object numbers are compared.
        annots = page_obj.get("/Annots")
        for annot in annots.get_object() if annots is not None else ():
            if getattr(annot, "idnum", None) == ref.idnum:
                return page_ix
    return count - 1


# ---------------------------------------------------------------- drawings


def image_size(png: bytes) -> tuple[int, int]:
    return ImageReader(BytesIO(png)).getSize()


def _canvas(width: float, height: float) -> tuple[Canvas, BytesIO]:
    fonts.register_reportlab_fonts()
    out = BytesIO()
    return Canvas(out, pagesize=(width, height), invariant=1), out


def _finish(c: Canvas, out: BytesIO) -> bytes:
    c.showPage()
    c.save()
    return out.getvalue()


def signer_placement(
    pdf: bytes, reader: PdfFileReader, signer_name: str, png: bytes, at=None
) -> Placement:
    """The blue signature image, between title and name, or at ``at`` (page, x, y lower left)."""
    size = image_size(png)
    if at is not None:
        page_ix, x, y = at
        w, h = _fit(size, SIGNER_MAX_W, SIGNER_DEFAULT_H)
        box = (x, y, x + w, y + h)
    else:
        page_ix, box = find_signer_box(pdf, reader, signer_name, size)
    return Placement(page_ix, box, _image_drawing(bytes(png), box[2] - box[0], box[3] - box[1]))


@functools.lru_cache(maxsize=16)
def _image_drawing(png: bytes, width: float, height: float) -> bytes:
    """A one-page PDF of ``width`` x ``height`` points filled with the image. The canvas is
    invariant, so the same arguments give the same bytes: the last few are kept, as a signer's
    image at a template's size comes again for every letter (reportlab encodes images in pure
    Python, several milliseconds each)."""
    c, out = _canvas(width, height)
    c.drawImage(ImageReader(BytesIO(png)), 0, 0, width, height, mask="auto")
    return _finish(c, out)


def seal_placement(
    reader: PdfFileReader,
    png: bytes,
    org_name: str,
    when_iso: str,
    *,
    size_mm: float = 36,
    at=None,
) -> Placement:
    """The red seal at real size over the left third of the signer's signature, text under it."""
    side = size_mm * MM
    text_h = 2 * (SEAL_TEXT_SIZE + 1.5) + 2
    lines = [org_name, when_iso]
    width = max(side, *(fonts.text_width(t, SEAL_TEXT_SIZE) + 2 for t in lines))
    height = side + text_h
    if at is not None:
        page_ix, x, y = at
    else:
        page_ix, (sx1, sy1, sx2, sy2) = find_signer_field(reader)
        # the seal image's right edge a third of the way into the signature, centred vertically
        right = sx1 + (sx2 - sx1) / 3
        x = right - side - (width - side) / 2
        y = (sy1 + sy2) / 2 - side / 2 - text_h
    c, out = _canvas(width, height)
    c.drawImage(ImageReader(BytesIO(png)), (width - side) / 2, text_h, side, side, mask="auto")
    c.setFillColorRGB(0, 0, 0)
    c.setFont(fonts.FONT, SEAL_TEXT_SIZE)
    for i, text in enumerate(lines):
        c.drawCentredString(width / 2, text_h - (i + 1) * (SEAL_TEXT_SIZE + 1.5), text)
    return Placement(page_ix, (x, y, x + width, y + height), _finish(c, out))


def attachment_placement(reader: PdfFileReader, code: str, when_iso: str, at=None) -> Placement:
    """No image: the main document's code and the signing time, top right of page 1."""
    if not code:
        raise BadInputError(
            "Chữ ký phụ lục cần số và ký hiệu của văn bản chính (--code).",
            "An attachment signature needs the main document's number and notation (--code).",
        )
    return _top_right_text(reader, [code, when_iso], at)


def copy_placement(
    reader: PdfFileReader, form: str, org_name: str, when_iso: str, at=None
) -> Placement:
    """No image: the form of copy, the copying organisation and the signing time, top right
    of page 1."""
    if form not in COPY_FORMS:
        raise BadInputError(
            f"Hình thức sao không hợp lệ: {form!r} ({', '.join(COPY_FORMS)}).",
            f"Invalid form of copy: {form!r} ({', '.join(COPY_FORMS)}).",
        )
    if not (org_name or "").strip():
        raise BadInputError(
            "Chữ ký bản sao cần tên cơ quan sao (--org).",
            "A copy's signature needs the copying organisation's name (--org).",
        )
    lines = [COPY_FORMS[form], *_wrapped(org_name.strip(), COPY_MAX_W), when_iso]
    return _top_right_text(reader, lines, at)


def _wrapped(text: str, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at the attachment's size (by words)."""
    lines: list[str] = []
    for word in text.split():
        if lines and fonts.text_width(f"{lines[-1]} {word}", ATTACHMENT_SIZE) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _top_right_text(reader: PdfFileReader, lines: list[str], at=None) -> Placement:
    """Lines of black text, no image, top right of page 1 (or at ``at``)."""
    pad = 2
    width = max(fonts.text_width(t, ATTACHMENT_SIZE) for t in lines) + 2 * pad
    height = len(lines) * (ATTACHMENT_SIZE + 2) + 2 * pad
    if at is not None:
        page_ix, x, y = at
    else:
        page_ix = 0
        page = reader.find_page_for_modification(0)[0].get_object()
        _mx1, _my1, mx2, my2 = media_box(page)
        x = mx2 - ATTACHMENT_MARGIN[0] - width
        y = my2 - ATTACHMENT_MARGIN[1] - height
    c, out = _canvas(width, height)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(fonts.FONT, ATTACHMENT_SIZE)
    for i, text in enumerate(lines):
        c.drawString(pad, height - pad - (i + 1) * (ATTACHMENT_SIZE + 2) + 2.5, text)
    return Placement(page_ix, (x, y, x + width, y + height), _finish(c, out))
