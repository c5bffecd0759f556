"""Stamped text reads back once and cleanly: the template's blank "Số:" and "ngày … tháng …
năm" lines leave the page content (not only hidden under white), as poppler's pdftotext and
pypdf, which share no code with our pdfminer-based stamping, both read it."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from helpers_sign import page_text
from PIL import Image, ImageChops
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)
from reportlab.pdfgen.canvas import Canvas

from snn_sign import erase
from snn_sign.fonts import FONT, FONT_ITALIC, register_reportlab_fonts
from snn_sign.stamp import page_lines, stamp_pdf
from snn_sign_testkit.sample_letter import PAGE_H, PAGE_W, make_letter_pdf

NUMBER = "Số: 05/SNN-VP"
DATE = "Tuyên Quang, ngày 18 tháng 02 năm 2019"
BLANK_DATE = re.compile(r"ngày\s+tháng\s+năm")  # the template's date line, days left blank


def _stamp(pdf: bytes, **kwargs) -> bytes:
    return stamp_pdf(pdf, "05/SNN-VP", dt.date(2019, 2, 18), **kwargs)


def pdftotext(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "in.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *options, "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _readings(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """Page 1 as each independent extractor reads it."""
    return {
        "pdftotext -layout": pdftotext(pdf, tmp_path, "-layout"),
        "pdftotext": pdftotext(pdf, tmp_path),
        "pdftotext -raw": pdftotext(pdf, tmp_path, "-raw"),
        "pypdf": page_text(pdf),
    }


def _assert_reads_once(pdf: bytes, tmp_path: Path, number: str = NUMBER) -> None:
    for how, text in _readings(pdf, tmp_path).items():
        assert text.count(number) == 1, (how, text)
        assert text.count(DATE) == 1, (how, text)
        assert text.count("Số:") == 1, (how, text)  # no blank "Số:" of the template
        assert not BLANK_DATE.search(text), (how, text)
        assert text.count("tháng") == 1, (how, text)


def _other_lines(pdf: bytes) -> list[tuple]:
    """Every line of page 1 but the number and date lines, with its position."""
    return [
        (ln.text, round(ln.x0, 2), round(ln.baseline, 2), round(ln.x1, 2))
        for ln in page_lines(pdf, 0)
        if not ln.text.startswith("Số:") and "tháng" not in ln.text
    ]


@pytest.fixture(scope="module")
def letter() -> bytes:
    return make_letter_pdf()


@pytest.fixture(scope="module")
def stamped(letter) -> bytes:
    return _stamp(letter)


def test_the_unstamped_letter_reads_its_blank_lines(letter, tmp_path):
    # what the stamp must take away is really there before
    for how, text in _readings(letter, tmp_path).items():
        assert "tháng" in text, how  # (pdftotext without -layout splits the blank line)
        assert "Số:" in text, how


def test_pdftotext_layout_reads_each_stamped_line_once(stamped, tmp_path):
    lines = [ln.strip() for ln in pdftotext(stamped, tmp_path, "-layout").splitlines()]
    # number and date share a baseline: one layout line, each exactly once, nothing doubled
    row = next(ln for ln in lines if "Số:" in ln)
    assert re.fullmatch(r"Số: 05/SNN-VP\s+Tuyên Quang, ngày 18 tháng 02 năm 2019", row), row
    _assert_reads_once(stamped, tmp_path)


def test_pypdf_reads_each_stamped_line_once(stamped):
    lines = page_text(stamped).splitlines()
    assert lines.count(NUMBER) == 1
    assert lines.count(DATE) == 1
    assert "Số:" not in lines
    assert not any(BLANK_DATE.search(ln) for ln in lines)


def test_stamping_stays_an_incremental_update(letter, stamped):
    assert stamped.startswith(letter)


def test_the_rest_of_the_page_is_untouched(letter, stamped, tmp_path, monkeypatch):
    """Text elsewhere keeps its place, and the page looks as it did when the template's text
    was only covered: pixels differ at most inside the covered lines."""
    assert _other_lines(stamped) == _other_lines(letter)
    monkeypatch.setattr(erase, "page_without_text_in", lambda *args, **kwargs: None)
    covered_only = _stamp(letter)
    assert "Số:" in page_text(covered_only).splitlines()  # the old behaviour, for comparison
    images = []
    for name, pdf in (("erased", stamped), ("covered", covered_only)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        png = subprocess.run(
            ["pdftoppm", "-r", "144", "-f", "1", "-l", "1", "-png", str(tmp_path / f"{name}.pdf")],
            capture_output=True,
            check=True,
        ).stdout
        images.append(Image.open(io.BytesIO(png)).convert("RGB"))
    diff = ImageChops.difference(*images).convert("L").point(lambda v: 255 if v > 40 else 0)
    box = diff.getbbox()
    if box is not None:
        # only where the template's lines were (their glyphs' accents may reach past pdfminer's
        # boxes, which the white covers follow): the band of the number and date lines
        lines = {ln.text: ln for ln in page_lines(letter, 0)}
        top = max(lines["Số:"].y1, lines["Tuyên Quang, ngày      tháng      năm 2019"].y1)
        bottom = min(lines["Số:"].y0, lines["Tuyên Quang, ngày      tháng      năm 2019"].y0)
        scale = 144 / 72
        assert box[1] >= (PAGE_H - top - 4) * scale and box[3] <= (PAGE_H - bottom + 4) * scale
        assert sum(1 for v in diff.getdata() if v) < 40


def test_multi_page_letter_reads_back_once(tmp_path):
    letter = make_letter_pdf(3)
    _assert_reads_once(_stamp(letter), tmp_path)


def _one_operator_template() -> bytes:
    """ "Số: " and, 20 em further right on the same baseline, "KHẨN" shown by ONE TJ operator,
    with character and word spacing set: only the first part may go, the second must stay put.
    The date line is an ordinary one below. (The spacings are reset before ET: pypdf's
    extract_text does not restore them at Q and would read the stamp's date line with a double
    space, stamped or not.)"""
    register_reportlab_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=0)
    c.setFont(FONT, 13)
    c.drawString(100, 700, "Số: ")
    c.drawString(400, 700, "KHẨN")
    c.setFont(FONT_ITALIC, 14)
    c.drawString(250, 650, "Tuyên Quang, ngày      tháng      năm 2019")
    c.showPage()
    c.save()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(out.getvalue()))
    page = writer.pages[0]
    data = page.get_contents().get_data()
    string = rb"(\((?:\\.|[^\\)])*\))"
    first = re.search(
        rb"BT 1 0 0 1 100 700 Tm (/\S+ 13 Tf) [\d.]+ TL " + string + rb" Tj T\* ET", data
    )
    second = re.search(
        rb"BT 1 0 0 1 400 700 Tm /\S+ 13 Tf [\d.]+ TL " + string + rb" Tj T\* ET", data
    )
    assert first and second
    combined = b"BT 1 0 0 1 100 700 Tm %s 0.3 Tc 4 Tw [%s -20000 %s] TJ 0 Tc 0 Tw ET" % (
        first.group(1),
        first.group(2),
        second.group(1),
    )
    data = data.replace(second.group(0), b"").replace(first.group(0), combined)
    content = DecodedStreamObject()
    content.set_data(data)
    page[NameObject("/Contents")] = writer._add_object(content)
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()


def _poppler_words(pdf: bytes, tmp_path: Path) -> dict[str, tuple[float, ...]]:
    """Word -> (xMin, yMin, xMax, yMax) as poppler places it (pdftotext -bbox)."""
    html = pdftotext(pdf, tmp_path, "-bbox")
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return {m[4]: tuple(map(float, m[:4])) for m in re.findall(pattern, html)}


def test_one_operator_holding_the_blank_line_and_other_text(tmp_path):
    pdf = _one_operator_template()
    assert {"Số:", "KHẨN"} <= {ln.text for ln in page_lines(pdf, 0)}  # two lines, one operator
    out = _stamp(pdf)
    assert out.startswith(pdf)
    _assert_reads_once(out, tmp_path)
    for text in _readings(out, tmp_path).values():
        assert text.count("KHẨN") == 1
    # poppler draws "KHẨN" exactly where it was (pdfminer, which adds character spacing after
    # a TJ number too, would see it 0.3 pt off: poppler is the reference here)
    before, after = _poppler_words(pdf, tmp_path), _poppler_words(out, tmp_path)
    assert after["KHẨN"] == pytest.approx(before["KHẨN"], abs=0.001)


def _template_inside_a_form() -> bytes:
    """The sample letter with page 1's whole content moved into a form XObject (as some
    producers write pages), drawn by the page with a Do."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_letter_pdf()))
    page = writer.pages[0]
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
            NameObject("/Resources"): page["/Resources"],
        }
    )
    content = DecodedStreamObject()
    content.set_data(b"q /Tpl Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Tpl"): writer._add_object(form)})}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_template_text_inside_a_form_xobject(tmp_path):
    pdf = _template_inside_a_form()
    assert BLANK_DATE.search(pdftotext(pdf, tmp_path, "-raw"))
    out = _stamp(pdf)
    assert out.startswith(pdf)
    _assert_reads_once(out, tmp_path)
    assert _other_lines(out) == _other_lines(pdf)


def test_tokenizer_reads_strings_names_and_inline_images():
    data = (
        b"% a comment (not a string\n"
        b"BT /F#201 12 Tf (a\\(b\\)c \\101\\\n(nested)) Tj <41 42 4> Tj\n"
        b'[(x) -250.5 (y)] TJ 1 2 (q) " ET\n'
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \xffEI Q\n"
        b"EI /Im1 Do"
    )
    ops = erase.tokenize(data)
    assert [op.operator for op in ops] == [
        b"BT",
        b"Tf",
        b"Tj",
        b"Tj",
        b"TJ",
        b'"',
        b"ET",
        b"BI",
        b"Do",
    ]
    assert ops[1].operands == ["F 1", 12.0]
    assert ops[2].operands == [b"a(b)c A(nested)"]
    assert ops[3].operands == [b"AB@"]
    assert ops[4].operands == [[b"x", -250.5, b"y"]]
    assert ops[5].operands == [1.0, 2.0, b"q"]
    assert data[ops[7].start : ops[7].end].endswith(b"Q\nEI")  # "EI" inside the data is not the end
    assert ops[8].operands == ["Im1"]


def test_a_content_stream_that_cannot_be_rewritten_is_only_covered(letter, monkeypatch, caplog):
    """Should the rewriting fail on some producer's stream, the clerk can still stamp: the old
    text stays, hidden under white, as before."""

    def broken(data):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(erase, "tokenize", broken)
    out = _stamp(letter)
    assert out.startswith(letter)
    lines = page_text(out).splitlines()
    assert lines.count(NUMBER) == 1 and "Số:" in lines  # stamped; the template's text remains
    assert "only covered" in caplog.text


def _subject_beside_date_template() -> bytes:
    """As an office template often lays it out: the upright "V/v …" subject in the left column
    on the same baseline as the italic date line in the right one, 36 pt apart."""
    register_reportlab_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H))
    c.setFont(FONT, 13)
    c.drawString(90, 720, "Số:        /SNN-VP")
    c.drawString(90, 700, "V/v kiểm tra phụ lục")
    width = c.stringWidth("V/v kiểm tra phụ lục", FONT, 13)
    c.setFont(FONT_ITALIC, 13)
    x = 90 + width + 36  # the date line in pieces, as office suites write a tabbed line
    for piece in ("Tuyên Quang, ngày", "tháng", "năm 2019"):
        c.drawString(x, 700, piece)
        x += c.stringWidth(piece, FONT_ITALIC, 13) + 25
    c.showPage()
    c.save()
    return out.getvalue()


def test_a_subject_on_the_date_lines_baseline_is_kept(tmp_path):
    """The subject is neither erased nor covered, and the date stays in its column."""
    template = _subject_beside_date_template()
    stamped = _stamp(template)
    text = pdftotext(stamped, tmp_path, "-layout")
    assert "V/v kiểm tra phụ lục" in text, text
    assert DATE in text, text
    assert not BLANK_DATE.search(text), text
    words = _poppler_words(stamped, tmp_path)
    assert abs(words["V/v"][0] - 90) < 1, "the subject stays where it was"
    assert words["Tuyên"][0] > 225, "the date stays in its right-hand column"
    # And it is still seen: no white cover over it (rendered, the subject's ink is there).
    (tmp_path / "stamped.pdf").write_bytes(stamped)
    png = subprocess.run(
        ["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(tmp_path / "stamped.pdf")],
        capture_output=True,
        check=True,
    ).stdout
    subject = Image.open(io.BytesIO(png)).convert("L").crop((90, PAGE_H - 712, 196, PAGE_H - 696))
    assert sum(1 for v in subject.getdata() if v < 128) > 100, "the subject's ink is visible"
