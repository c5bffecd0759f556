"""pdfminer reads a page once per need: stamp_pdf runs its interpreter over page 1 once (the
lines and the glyphs to erase come from the same run), the signer's name is looked for with the
document and its fonts parsed once, and fonts met again (the stamped file after the approved one)
take their parsed ToUnicode map instead of parsing it again, with the same text read back."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from helpers_sign import page_text
from pdfminer.cmapdb import CMapParser
from pdfminer.high_level import extract_pages
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfparser import PDFParser
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle

from snn_sign import appearance as ap
from snn_sign import erase, stamp
from snn_sign.errors import NotFoundError
from snn_sign.fonts import font_path
from snn_sign.pdfinput import open_pdf
from snn_sign.stamp import PageReader, page_lines, stamp_pdf
from snn_sign_testkit.demo_images import make_signature_png
from snn_sign_testkit.sample_letter import SIGNER_NAME, make_letter_pdf

NUMBER = "Số: 05/SNN-VP"
DATE = dt.date(2019, 2, 18)
TYPE0_TEXT = "Phụ lục kèm theo: Đường Quốc lộ"


@pytest.fixture(scope="module")
def letter() -> bytes:
    return make_letter_pdf()


@pytest.fixture(scope="module")
def with_type0_font(letter) -> bytes:
    """The letter plus a line in a Type0 (CID) font, as pyHanko's text stamps embed one."""
    w = IncrementalPdfFileWriter(io.BytesIO(letter))
    style = TextStampStyle(
        stamp_text=TYPE0_TEXT,
        border_width=0,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font_path())), font_size=10),
    )
    TextStamp(w, style).apply(0, 60, 60)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.fixture
def cold_cache():
    stamp._UNICODE_MAPS.clear()
    yield
    stamp._UNICODE_MAPS.clear()


def _count(monkeypatch, cls, name: str) -> list:
    calls = []
    original = getattr(cls, name)

    def counted(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counted)
    return calls


def _parsed(runs: list) -> int:
    """CMapParser runs over a real CMap (a known map's font gets an empty one)."""
    return sum(1 for parser in runs if parser.fp.getvalue())


def _pdfminer_lines(pdf: bytes, page_ix: int) -> list:
    """page_lines as pdfminer's own high-level API gives the layout (the reference)."""
    (layout,) = extract_pages(io.BytesIO(pdf), page_numbers=[page_ix], laparams=stamp._laparams())
    return stamp._lines_of(layout)


def test_stamp_runs_pdfminer_over_page_one_once(letter, monkeypatch):
    pages = _count(monkeypatch, PDFPageInterpreter, "process_page")
    parsers = _count(monkeypatch, PDFParser, "__init__")
    out = stamp_pdf(letter, "05/SNN-VP", DATE)
    assert len(pages) == 1 and len(parsers) == 1
    lines = page_text(out).splitlines()
    assert lines.count(NUMBER) == 1 and "Số:" not in lines  # the template's text went too


def test_explicit_positions_run_no_pdfminer(letter, monkeypatch):
    pages = _count(monkeypatch, PDFPageInterpreter, "process_page")
    stamp_pdf(letter, "05/SNN-VP", DATE, number_at=(1, 100, 700), date_at=(1, 300, 700))
    assert pages == []


@pytest.mark.parametrize("pages", [1, 3])
def test_page_lines_are_pdfminer_layout_lines(pages, cold_cache):
    pdf = make_letter_pdf(pages)
    for page_ix in range(pages):
        expected = _pdfminer_lines(pdf, page_ix)
        assert expected and page_lines(pdf, page_ix) == expected
        assert page_lines(pdf, page_ix) == expected  # ToUnicode maps now known


def test_page_lines_of_a_page_that_is_not_there(letter):
    assert page_lines(letter, 1) == [] and page_lines(letter, -1) == []


def test_reading_page_one_with_its_glyphs_gives_the_same_lines(letter):
    lines, recording = PageReader(letter).lines_and_glyphs(0)
    assert lines == _pdfminer_lines(letter, 0)
    assert recording.error is None and recording.context.events
    assert PageReader(letter).lines_and_glyphs(4) == ([], None)


def test_signer_search_parses_document_and_fonts_once(monkeypatch, cold_cache):
    pdf = make_letter_pdf(3)
    reader = open_pdf(pdf)
    parsers = _count(monkeypatch, PDFParser, "__init__")
    fonts = _count(monkeypatch, PDFFont, "__init__")
    pages = _count(monkeypatch, PDFPageInterpreter, "process_page")
    with pytest.raises(NotFoundError):  # not there: every page is read, last to first
        ap.find_signer_box(pdf, reader, "Trần Văn Khác", (600, 240))
    assert len(pages) == 3 and len(parsers) == 1
    built = len(fonts)
    list(extract_pages(io.BytesIO(pdf)))  # pdfminer's own reading of all pages, fonts shared
    assert built == len(fonts) - built  # each font built once, not once per page
    page_ix, _box = ap.find_signer_box(pdf, reader, SIGNER_NAME, (600, 240))
    assert page_ix == 2


def test_known_tounicode_maps_are_not_parsed_again(with_type0_font, monkeypatch, cold_cache):
    expected = _pdfminer_lines(with_type0_font, 0)
    assert TYPE0_TEXT in {ln.text for ln in expected}
    runs = _count(monkeypatch, CMapParser, "run")
    assert page_lines(with_type0_font, 0) == expected
    first = _parsed(runs)
    assert first >= 2  # the letter's TrueType subsets and the Type0 font
    assert page_lines(with_type0_font, 0) == expected
    assert _parsed(runs) == first  # second reading: every ToUnicode map was known


def test_fonts_met_again_get_fewer_parses(letter, monkeypatch, cold_cache):
    out = stamp_pdf(letter, "05/SNN-VP", DATE)
    runs = _count(monkeypatch, CMapParser, "run")
    warm_lines = page_lines(out, 0)
    warm = _parsed(runs)
    stamp._UNICODE_MAPS.clear()
    assert page_lines(out, 0) == warm_lines
    cold = _parsed(runs) - warm
    assert warm < cold  # the letter's fonts are known: only the stamp's own are new


def test_unicode_map_cache_is_bounded_and_keeps_the_recent():
    class Map:
        def __init__(self, n):
            self.cid2unichr = dict.fromkeys(range(n), "a")

    maps = stamp._UnicodeMaps(10)
    a, b, c = Map(4), Map(4), Map(4)
    maps.put(b"a", a)
    maps.put(b"b", b)
    assert maps.get(b"a") is a  # now the most recent
    maps.put(b"c", c)  # 15 > 10: the least recent (b) goes
    assert maps.get(b"b") is None and maps.get(b"a") is a and maps.get(b"c") is c
    maps.put(b"big", Map(20))  # larger than the whole cache: not kept
    assert maps.get(b"big") is None and maps.get(b"a") is a


def test_a_page_whose_glyphs_cannot_be_noted_is_stamped_and_only_covered(
    letter, monkeypatch, caplog
):
    """Noting the glyphs for erasing fails (some producer's odd text state): the lines are still
    found in the same run, the stamp is made, the template's text stays under the white cover."""
    original = erase._Event

    def failing(operator, *args, **kwargs):
        if operator in erase.TEXT_OPERATORS:
            raise TypeError("odd text state")
        return original(operator, *args, **kwargs)

    monkeypatch.setattr(erase, "_Event", failing)
    with caplog.at_level(logging.WARNING, logger="snn_sign.stamp"):
        out = stamp_pdf(letter, "05/SNN-VP", DATE)
    assert "only covered" in caplog.text and "odd text state" in caplog.text
    lines = page_text(out).splitlines()
    assert lines.count(NUMBER) == 1 and "Số:" in lines


def test_the_signer_image_drawing_is_made_once_and_is_the_same(letter):
    stamped = stamp_pdf(letter, "05/SNN-VP", DATE)
    png = make_signature_png(SIGNER_NAME)
    ap._image_drawing.cache_clear()
    first = ap.signer_placement(stamped, open_pdf(stamped), SIGNER_NAME, png)
    again = ap.signer_placement(stamped, open_pdf(stamped), SIGNER_NAME, bytearray(png))
    assert ap._image_drawing.cache_info().hits == 1
    assert (again.page_ix, again.box, again.drawing) == (first.page_ix, first.box, first.drawing)
    ap._image_drawing.cache_clear()
    fresh = ap.signer_placement(stamped, open_pdf(stamped), SIGNER_NAME, png)
    assert fresh.drawing == first.drawing  # an invariant canvas: the same bytes every time
