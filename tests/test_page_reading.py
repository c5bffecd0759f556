"""pdfminer reads a page once per need: stamp_pdf runs its interpreter over page 1 once (the
lines and the glyphs to erase come from the same run), and the signer's name is looked for with
the document and its fonts parsed once, with the same lines as pdfminer's own reading."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from helpers_sign import page_text
from pdfminer.high_level import extract_pages
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfparser import PDFParser

from snn_sign import appearance as ap
from snn_sign import erase, stamp
from snn_sign.demo_images import make_signature_png
from snn_sign.errors import NotFoundError
from snn_sign.pdfinput import open_pdf
from snn_sign.sample_letter import SIGNER_NAME, make_letter_pdf
from snn_sign.stamp import PageReader, page_lines, stamp_pdf

NUMBER = "Số: 05/SNN-VP"
DATE = dt.date(2019, 2, 18)


@pytest.fixture(scope="module")
def letter() -> bytes:
    return make_letter_pdf()


def _count(monkeypatch, cls, name: str) -> list:
    calls = []
    original = getattr(cls, name)

    def counted(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counted)
    return calls


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
def test_page_lines_are_pdfminer_layout_lines(pages):
    pdf = make_letter_pdf(pages)
    for page_ix in range(pages):
        expected = _pdfminer_lines(pdf, page_ix)
        assert expected and page_lines(pdf, page_ix) == expected


def test_page_lines_of_a_page_that_is_not_there(letter):
    assert page_lines(letter, 1) == [] and page_lines(letter, -1) == []


def test_reading_page_one_with_its_glyphs_gives_the_same_lines(letter):
    lines, recording = PageReader(letter).lines_and_glyphs(0)
    assert lines == _pdfminer_lines(letter, 0)
    assert recording.error is None and recording.context.events
    assert PageReader(letter).lines_and_glyphs(4) == ([], None)


def test_signer_search_parses_document_and_fonts_once(monkeypatch):
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
