"""Write "Trang 3/150" at the bottom centre of every page of a finished PDF.

Odoo prints its QWeb reports with wkhtmltopdf and puts the page numbers in the report's
header/footer HTML, which only a wkhtmltopdf built on its patched Qt honours. Debian's package
is built on the distribution's Qt, so the footer is dropped and long registers come out without
page numbers. The Odoo module therefore numbers the pages afterwards, with this function.

The numbers are drawn with reportlab in Liberation Serif (snn_sign.fonts), so Vietnamese
templates render and the text reads back exactly (subset font with a ToUnicode map). Each
distinct text is drawn once, at the origin, and becomes a form XObject; every page then gets a
short content stream that places it at its visual bottom centre with one ``cm`` matrix, taken
from that page's own MediaBox and /Rotate. The page's own content streams are left as they are
(still compressed, never parsed), its resources are copied rather than edited in place (pages
often share one dictionary), and the single font subset serves every page, which keeps a
150-page register well under a second.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)
from reportlab.pdfgen.canvas import Canvas

from . import fonts
from .errors import BadInputError
from .pdfinput import open_pdf

__all__ = ["number_pages"]

MM = 72 / 25.4
DEFAULT_TEMPLATE = "Trang {page}/{pages}"
_XOBJECT_NAME = "/SnnPageNumber"

Matrix = tuple[float, float, float, float, float, float]


def number_pages(
    pdf: bytes,
    template: str = DEFAULT_TEMPLATE,
    *,
    size: float = 9.0,
    bottom_mm: float = 8.0,
) -> bytes:
    """A copy of ``pdf`` with ``template.format(page=N, pages=M)`` centred at the bottom of
    each page, its baseline ``bottom_mm`` above the page's visual bottom edge (the MediaBox
    edge that /Rotate turns to the bottom), set in Liberation Serif at ``size`` points.

    BadInputError (Vietnamese / English) when ``pdf`` is empty, not a PDF, damaged or
    encrypted, or when the template or size cannot be used.
    """
    if isinstance(pdf, (bytearray, memoryview)):
        pdf = bytes(pdf)
    if not isinstance(pdf, bytes):
        raise BadInputError("Dữ liệu vào không phải tệp PDF.", "The input is not PDF bytes.")
    if not size > 0:
        raise BadInputError(
            f"Cỡ chữ số trang phải lớn hơn 0 (nhận {size!r}).",
            f"The page number font size must be greater than 0 (got {size!r}).",
        )
    _page_text(template, 1, 1)  # a template mistake is told before any parsing
    # Same checks and wording as stamping and signing: empty, not a PDF, truncated, encrypted.
    open_pdf(pdf)
    try:
        reader = PdfReader(BytesIO(pdf), strict=False)
        count = len(reader.pages)
        writer = PdfWriter(clone_from=reader)
        texts = [_page_text(template, n, count) for n in range(1, count + 1)]
        forms = _text_forms(writer, texts, size)
        # pypdf has no public call that makes a new indirect object (content streams must be).
        q_open = writer._add_object(_stream(b"q\n"))
        bottom = bottom_mm * MM
        for page, text in zip(writer.pages, texts, strict=True):
            matrix = _placement(page, bottom)
            _draw_on(writer, page, forms[text], matrix, q_open)
        out = BytesIO()
        writer.write(out)
    except BadInputError:
        raise
    except (PyPdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise BadInputError(
            f"Không đọc được tệp PDF (hỏng hoặc bị cắt cụt): {exc}",
            f"The PDF cannot be read (damaged or truncated): {exc}",
        ) from exc
    return out.getvalue()


def _page_text(template: str, page: int, pages: int) -> str:
    try:
        return template.format(page=page, pages=pages)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise BadInputError(
            f"Mẫu số trang {template!r} không dùng được ({exc}); chỉ có {{page}} và {{pages}}.",
            f"The page number template {template!r} cannot be used ({exc}); "
            "only {page} and {pages} are known.",
        ) from exc


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _text_forms(writer: PdfWriter, texts: list[str], size: float) -> dict[str, IndirectObject]:
    """One form XObject per distinct text, all from one reportlab document so the font subset
    is embedded once for the whole file."""
    font = fonts.register_reportlab_fonts()
    distinct = list(dict.fromkeys(texts))
    buf = BytesIO()
    # Overlay pages are a few dozen bytes of content each: compressing them costs more than it
    # saves, and it lets their content be copied into the forms as is.
    canvas = Canvas(buf, pageCompression=0, invariant=1)
    widths = []
    for text in distinct:
        width = fonts.text_width(text, size, font)
        widths.append(width)
        canvas.setFont(font, size)
        canvas.drawString(-width / 2, 0, text)
        canvas.showPage()
    canvas.save()
    overlay = PdfReader(BytesIO(buf.getvalue()))
    forms = {}
    for text, width, page in zip(distinct, widths, overlay.pages, strict=True):
        form = _stream(page.get_contents().get_data())
        # Generous box: Vietnamese capitals stack their marks above the ascender.
        pad = size
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    FloatObject(v) for v in (-width / 2 - pad, -pad, width / 2 + pad, 2 * pad)
                ),
                # clone() maps each overlay object once, so all forms share one font object.
                NameObject("/Resources"): page["/Resources"].clone(writer),
            }
        )
        forms[text] = writer._add_object(form)
    return forms


def _placement(page: DictionaryObject, bottom: float) -> Matrix:
    """The ``cm`` matrix that puts text drawn at the origin on the page's visual bottom centre,
    upright as the page is displayed."""
    box = [float(v) for v in page.get_inherited("/MediaBox", [0, 0, 595.28, 841.89])]
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    # /Rotate is clockwise in multiples of 90 (PDF 1.7, 7.7.3.3); anything else is rounded.
    rotate = (round(float(page.get_inherited("/Rotate", 0)) / 90) % 4) * 90
    if rotate == 90:  # the right edge is shown at the bottom
        return (0.0, 1.0, -1.0, 0.0, x1 - bottom, cy)
    if rotate == 180:  # the top edge is
        return (-1.0, 0.0, 0.0, -1.0, cx, y1 - bottom)
    if rotate == 270:  # the left edge is
        return (0.0, -1.0, 1.0, 0.0, x0 + bottom, cy)
    return (1.0, 0.0, 0.0, 1.0, cx, y0 + bottom)


def _draw_on(
    writer: PdfWriter,
    page: DictionaryObject,
    form: IndirectObject,
    matrix: Matrix,
    q_open: IndirectObject,
) -> None:
    resources = page.get_inherited("/Resources", DictionaryObject())
    # Copies: wkhtmltopdf and others share one resource dictionary between pages.
    resources = DictionaryObject(resources)
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()))
    name = _XOBJECT_NAME
    while name in xobjects:
        name += "_"
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources

    # The page's content may leave a changed CTM or colour behind; q ... Q around it undoes
    # that, so the number lands where computed, in black.
    numbers = " ".join(_num(v) for v in matrix)
    tail = writer._add_object(_stream(f"Q q {numbers} cm {name} Do Q\n".encode()))
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    if contents is None:
        parts = []
    elif isinstance(contents.get_object(), ArrayObject):
        parts = list(contents.get_object())
    elif isinstance(contents, IndirectObject):
        parts = [contents]
    else:  # a direct stream (against the spec, but seen): an array may only refer to streams
        parts = [writer._add_object(contents)]
    page[NameObject("/Contents")] = ArrayObject([q_open, *parts, tail])


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
