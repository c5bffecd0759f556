"""Stamp the number ("Số: 05/SNN-VP") and the date line onto page 1, as an incremental update.

The approved bytes stay a byte prefix of the result, so anyone can check that only number and
date were added. The lines are located with pdfminer.six (positions, font size and face of every
glyph); the new text is drawn with reportlab in Liberation Serif into a small in-memory PDF and
imported as a form XObject, which gives exact Vietnamese text with a ToUnicode map. The template's
blank lines are covered with white and their text is taken out of a copy of the page content
(snn_sign.erase), so search, copy-paste and screen readers get each stamped line once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import statistics
import threading
import unicodedata
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from io import BytesIO

from pdfminer.cmapdb import FileUnicodeMap
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextLineHorizontal
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import literal_name
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.pdfgen.canvas import Canvas

from . import erase, fonts
from .errors import BadInputError, NotFoundError
from .pdfinput import Point, media_box, open_pdf, zero_based_point
from .vntime import date_phrase

NUMBER_RE = re.compile(r"^\s*Số\s*:")
DATE_RE = re.compile(r"ngày\b.*tháng\b.*năm\b")
PLACE_RE = re.compile(r"^\s*(.+?)\s*,\s*ngày\b")
CODE_RE = re.compile(r"^\d{2,}/\S+$")
DEFAULT_SIZE = 13.0

log = logging.getLogger(__name__)


@dataclass
class TextLine:
    """A line of text found on a page: its box, baseline, size and face."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    size: float
    bold: bool
    italic: bool


@dataclass
class _Draw:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    italic: bool
    centre: bool = False
    cover: tuple[float, float, float, float] | None = None


def page_lines(pdf: bytes, page_ix: int) -> list[TextLine]:
    """Lines of text on page ``page_ix`` (0-based), top to bottom, MediaBox coordinates."""
    return PageReader(pdf).lines(page_ix)


class _UnicodeMaps:
    """ToUnicode CMaps that pdfminer has parsed, by the SHA-256 of the CMap's bytes: the most
    recently used, up to ``entries`` code-to-text entries in all. The same bytes always parse
    to the same map, which pdfminer only reads afterwards; parsing is the dearest part of
    reading a page (pdfminer's PostScript parser is pure Python), and stamp_pdf, then sign_pdf
    on the stamped file, meet the same fonts. Shared by all threads."""

    def __init__(self, entries: int):
        self._limit = entries
        self._total = 0
        self._maps: OrderedDict[bytes, tuple[FileUnicodeMap, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> FileUnicodeMap | None:
        with self._lock:
            found = self._maps.get(key)
            if found is None:
                return None
            self._maps.move_to_end(key)
            return found[0]

    def put(self, key: bytes, unicode_map: FileUnicodeMap) -> None:
        size = len(unicode_map.cid2unichr) + 1
        if size > self._limit:
            return
        with self._lock:
            if key in self._maps:
                return
            self._maps[key] = (unicode_map, size)
            self._total += size
            while self._total > self._limit:
                _key, (_map, dropped) = self._maps.popitem(last=False)
                self._total -= dropped

    def clear(self) -> None:
        with self._lock:
            self._maps.clear()
            self._total = 0


_UNICODE_MAPS = _UnicodeMaps(50_000)  # ~6 MB at most; a subset font has ~100-300 entries
# font subtypes whose ToUnicode pdfminer reads as a stream, resolved (pdffont.PDFSimpleFont;
# PDFCIDFont through the Type0 font that names it)
_TO_UNICODE_STREAM_SUBTYPES = {"Type1", "MMType1", "TrueType", "Type3", "Type0"}


class _ResourceManager(PDFResourceManager):
    """pdfminer's resource manager (fonts kept per document), whose fonts take their ToUnicode
    map from _UNICODE_MAPS when the same CMap bytes were parsed before: such a font is built as
    pdfminer builds it, with an empty CMap in place of the known one, then given the known map.
    Fonts of other kinds, and everything else, are pdfminer's own."""

    def __init__(self):
        super().__init__(caching=True)
        self._seen: set = set()  # font objects met: after the first, pdfminer's cache answers

    def get_font(self, objid, spec):
        stream = _to_unicode_stream(spec) if objid and objid not in self._seen else None
        if stream is None:
            return super().get_font(objid, spec)
        self._seen.add(objid)
        try:
            key = hashlib.sha256(stream.get_data()).digest()
        except Exception:  # a broken stream: pdfminer meets it and says so, as without us
            return super().get_font(objid, spec)
        known = _UNICODE_MAPS.get(key)
        if known is None:
            font = super().get_font(objid, spec)
            if type(font.unicode_map) is FileUnicodeMap:  # parsed from this very stream
                _UNICODE_MAPS.put(key, font.unicode_map)
            return font
        font = super().get_font(objid, {**spec, "ToUnicode": PDFStream({}, b"")})
        font.unicode_map = known
        return font


def _to_unicode_stream(spec) -> PDFStream | None:
    """The font's ToUnicode stream, for the font types where pdfminer reads it as such."""
    try:
        subtype = literal_name(spec["Subtype"]) if "Subtype" in spec else "Type1"
        if subtype not in _TO_UNICODE_STREAM_SUBTYPES or "ToUnicode" not in spec:
            return None
        stream = resolve1(spec["ToUnicode"])
    except Exception:
        return None
    return stream if isinstance(stream, PDFStream) else None


class PageReader:
    """pdfminer.six over one PDF: the document, its page tree and its fonts (with their CMaps)
    are parsed once, however many of its pages are read (pdfminer's extract_pages parses them
    all again on every call)."""

    def __init__(self, pdf: bytes):
        self._fp = BytesIO(pdf)
        self._rsrcmgr = _ResourceManager()
        self._pages: list[PDFPage] | None = None

    def _page(self, page_ix: int) -> PDFPage | None:
        if self._pages is None:
            # as extract_pages: the same parsing, and its warning for a "no extraction" flag
            self._pages = list(PDFPage.get_pages(self._fp))
        return self._pages[page_ix] if 0 <= page_ix < len(self._pages) else None

    def lines(self, page_ix: int) -> list[TextLine]:
        """Lines of text on page ``page_ix`` (0-based), as :func:`page_lines`."""
        page = self._page(page_ix)
        if page is None:
            return []
        device = PDFPageAggregator(self._rsrcmgr, laparams=_laparams())
        PDFPageInterpreter(self._rsrcmgr, device).process_page(page)
        return _lines_of(device.get_result())

    def lines_and_glyphs(self, page_ix: int) -> tuple[list[TextLine], erase.Recording | None]:
        """The page's lines, and from the same pdfminer run what erasing text from the page
        needs (None: no such page)."""
        page = self._page(page_ix)
        if page is None:
            return [], None
        layout, recording = erase.record_page(page, self._rsrcmgr, _laparams())
        return _lines_of(layout), recording


def _laparams() -> LAParams:
    # line_overlap/char_margin: keep the number and the date line (same baseline) apart
    # all_texts: also lay out text inside form XObjects (figures), where some producers put it
    return LAParams(char_margin=3.0, line_margin=0.2, boxes_flow=None, all_texts=True)


def _lines_of(layout: LTPage) -> list[TextLine]:
    lines: list[TextLine] = []

    def walk(item):
        if isinstance(item, LTTextLineHorizontal):
            chars = [ch for ch in item if isinstance(ch, LTChar)]
            if chars:
                lines.append(_line_of(item.get_text(), chars))
            return
        for child in getattr(item, "_objs", ()):
            walk(child)

    walk(layout)
    lines.sort(key=lambda ln: (-ln.baseline, ln.x0))
    return _join_fragments(lines)


def _join_fragments(lines: list[TextLine]) -> list[TextLine]:
    """Join pieces of one line that a producer placed apart ("Số:" … "/SNN-VP", "ngày" …
    "tháng" … "năm"): same baseline, same face, gap under four font sizes, not overlapping.
    Lines further apart (the number and the date line share a baseline) stay separate, and so
    do two columns closer than that in different faces: the upright "V/v …" subject on the left
    and the italic date line on the right share a baseline in many office templates."""
    joined: list[TextLine] = []
    for ln in lines:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and abs(prev.baseline - ln.baseline) < 1.5
            and (prev.bold, prev.italic) == (ln.bold, ln.italic)
            and prev.x1 - 0.5 <= ln.x0 <= prev.x1 + 4 * max(prev.size, ln.size)
        ):
            gap = " " * max(1, round((ln.x0 - prev.x1) / (0.25 * prev.size)))
            joined[-1] = TextLine(
                text=prev.text + gap + ln.text,
                x0=prev.x0,
                y0=min(prev.y0, ln.y0),
                x1=ln.x1,
                y1=max(prev.y1, ln.y1),
                baseline=prev.baseline,
                size=prev.size,
                bold=prev.bold,
                italic=prev.italic,
            )
        else:
            joined.append(ln)
    return joined


def _line_of(text: str, chars) -> TextLine:
    faces = " ".join(ch.fontname for ch in chars).lower()
    return TextLine(
        text=unicodedata.normalize("NFC", text.strip()),
        x0=min(ch.x0 for ch in chars),
        y0=min(ch.y0 for ch in chars),
        x1=max(ch.x1 for ch in chars),
        y1=max(ch.y1 for ch in chars),
        baseline=statistics.median(ch.matrix[5] for ch in chars),
        size=round(statistics.median(ch.size for ch in chars) * 2) / 2,
        bold="bold" in faces,
        italic="italic" in faces or "oblique" in faces,
    )


def find_line(lines: list[TextLine], pattern: re.Pattern) -> TextLine | None:
    """The top-most line matching ``pattern``."""
    return next((ln for ln in lines if pattern.search(ln.text)), None)


def stamp_pdf(
    pdf: bytes,
    code: str,
    date: dt.date,
    *,
    place: str | None = None,
    number_at: Point | None = None,
    date_at: Point | None = None,
    font_size: float | None = None,
) -> bytes:
    """Write "Số: <code>" and "<place>, ngày DD tháng MM năm YYYY"; returns the updated PDF.

    The lines are found on page 1 ("Số:" and "ngày … tháng … năm"), covered with white, taken
    out of the page's text and rewritten in their own size and face; ``number_at``/``date_at``
    = (page, x, y) (1-based page, left end of the baseline, points) place a line instead.
    ``place`` defaults to the place written on the template's date line. NotFoundError when a
    line is neither found nor given; BadInputError for a bad file or code.
    """
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise BadInputError(
            f"Số và ký hiệu không hợp lệ: {code!r} (ví dụ 05/SNN-VP)",
            f"Invalid number and notation: {code!r} (e.g. 05/SNN-VP)",
        )
    reader = open_pdf(pdf)
    # page 1 is read once, for its lines and for taking the template's text out (_erased)
    lines, recording = (
        PageReader(pdf).lines_and_glyphs(0) if number_at is None or date_at is None else ([], None)
    )
    draws: dict[int, list[_Draw]] = {}

    number_text = f"Số: {code}"
    if number_at is not None:
        page, x, y = zero_based_point(number_at, reader, "number_at")
        draws.setdefault(page, []).append(
            _Draw(number_text, x, y, font_size or DEFAULT_SIZE, False, False)
        )
    else:
        found = find_line(lines, NUMBER_RE)
        if found is None:
            raise NotFoundError(
                'Không tìm thấy dòng số "Số:" ở trang 1; hãy chỉ vị trí (--number-at TRANG,X,Y).',
                'No number line "Số:" on page 1; give its position (--number-at PAGE,X,Y).',
            )
        draws.setdefault(0, []).append(_replace(found, number_text, font_size, centre=False))

    if date_at is not None:
        page, x, y = zero_based_point(date_at, reader, "date_at")
        draws.setdefault(page, []).append(
            _Draw(date_phrase(date, place), x, y, font_size or DEFAULT_SIZE, False, True)
        )
    else:
        found = find_line(lines, DATE_RE)
        if found is None:
            raise NotFoundError(
                'Không tìm thấy dòng ngày "ngày … tháng … năm" ở trang 1; hãy chỉ vị trí '
                "(--date-at TRANG,X,Y).",
                'No date line "ngày … tháng … năm" on page 1; give its position '
                "(--date-at PAGE,X,Y).",
            )
        if place is None:
            m = PLACE_RE.match(found.text)
            place = m.group(1) if m else None
        draws.setdefault(0, []).append(
            _replace(found, date_phrase(date, place), font_size, centre=True)
        )
    return _apply(pdf, reader, draws, {0: recording} if recording is not None else {})


def _replace(line: TextLine, text: str, size: float | None, *, centre: bool) -> _Draw:
    x = (line.x0 + line.x1) / 2 if centre else line.x0
    return _Draw(
        text,
        x,
        line.baseline,
        size or line.size,
        line.bold,
        line.italic,
        centre=centre,
        cover=(line.x0, line.y0, line.x1, line.y1),
    )


def _apply(
    pdf: bytes,
    reader: PdfFileReader,
    draws: dict[int, list[_Draw]],
    recordings: dict[int, erase.Recording],
) -> bytes:
    """``reader``: open_pdf's reader of ``pdf`` (the writer extends it: no second parse);
    ``recordings``: pdfminer's reading of pages stamp_pdf already read, by page index."""
    writer = IncrementalPdfFileWriter.from_reader(reader)
    for page_ix, items in sorted(draws.items()):
        page_ref, _ = writer.find_page_for_modification(page_ix)
        page = page_ref.get_object()
        x0, y0, x1, y1 = media_box(page)
        overlay = _render_overlay(items, x1 - x0, y1 - y0)
        xobj = writer.import_page_as_xobject(PdfFileReader(BytesIO(overlay)), page_ix=0)
        name = "/SnnStamp" + uuid.uuid4().hex[:12]
        ops = b"Q q 1 0 0 1 %.3f %.3f cm %s Do Q" % (x0, y0, name.encode("ascii"))
        xobjects = {pdf_name(name): xobj}
        # The template's text under the covers goes too, or extractors read both lines: the
        # page gets a copy of its content without those glyphs (the original stays in place).
        covers = [d.cover for d in items if d.cover]
        edited = _erased(pdf, page_ix, writer, covers, recordings.get(page_ix)) if covers else None
        # "q" before and "Q" after the existing content: whatever graphics state the page left
        # behind (an unbalanced cm), our text lands where we measured it.
        if edited is None:
            writer.add_stream_to_page(
                page_ix, writer.add_object(generic.StreamObject(stream_data=b"q")), prepend=True
            )
        else:
            content = generic.StreamObject(stream_data=b"q\n" + edited.data + b"\n")
            content.compress()
            page[pdf_name("/Contents")] = writer.add_object(content)
            writer.mark_update(page_ref)
            xobjects.update({pdf_name(k): v for k, v in edited.new_xobjects.items()})
        resources = generic.DictionaryObject(
            {pdf_name("/XObject"): generic.DictionaryObject(xobjects)}
        )
        writer.add_stream_to_page(
            page_ix, writer.add_object(generic.StreamObject(stream_data=ops)), resources
        )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _erased(
    pdf: bytes, page_ix: int, writer, covers: list, recording: erase.Recording | None
) -> erase.Edited | None:
    """The page's content without the template's text under ``covers``; None to keep it as it
    is (nothing there, or it could not be done: the white covers still hide the old text).
    ``recording``: pdfminer's reading of the page when stamp_pdf already has it."""
    try:
        page_ref, resources = writer.find_page_for_modification(page_ix)
        return erase.page_without_text_in(
            pdf,
            page_ix,
            page_ref.get_object(),
            resources.get_object() if resources is not None else None,
            covers=covers,
            writer=writer,
            recording=recording,
        )
    except Exception:  # an unusual content stream must not stop the clerk from stamping
        log.warning("template text left under the stamp (only covered)", exc_info=True)
        return None


def _render_overlay(items: list[_Draw], width: float, height: float) -> bytes:
    """One page of the page's size holding the white covers and the new lines."""
    fonts.register_reportlab_fonts()
    out = BytesIO()
    c = Canvas(out, pagesize=(width, height), invariant=1)
    for d in items:
        if d.cover:
            cx0, cy0, cx1, cy1 = d.cover
            c.setFillColorRGB(1, 1, 1)
            c.rect(cx0, cy0, cx1 - cx0, cy1 - cy0, stroke=0, fill=1)
        face = {
            (False, False): fonts.FONT,
            (True, False): fonts.FONT_BOLD,
            (False, True): fonts.FONT_ITALIC,
            (True, True): fonts.FONT_BOLD_ITALIC,
        }[(d.bold, d.italic)]
        c.setFillColorRGB(0, 0, 0)
        c.setFont(face, d.size)
        if d.centre:
            c.drawCentredString(d.x, d.y, d.text)
        else:
            c.drawString(d.x, d.y, d.text)
    c.showPage()
    c.save()
    return out.getvalue()
