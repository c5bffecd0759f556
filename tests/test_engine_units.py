"""Small engine behaviours: Vietnam time, the sample letter, stamp geometry and re-use."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat

import pypdf
import pytest
from freezegun import freeze_time
from helpers_sign import dark_pixels, page_text, render_page
from reportlab.pdfgen.canvas import Canvas

from snn_sign.cli.sign_cli import _write_atomic
from snn_sign.errors import BadInputError
from snn_sign.fonts import FONT, FONT_ITALIC, register_reportlab_fonts, text_width
from snn_sign.stamp import page_lines, stamp_pdf
from snn_sign.vntime import date_phrase, iso_vn, now_vn, parse_date
from snn_sign_testkit.sample_letter import (
    PAGE_H,
    PAGE_W,
    SIGNER_NAME,
    SIGNER_TITLE,
    make_letter_pdf,
)


def test_iso_vn_and_date_phrase():
    moment = dt.datetime(2019, 2, 18, 2, 30, 5, 999, tzinfo=dt.timezone.utc)
    assert iso_vn(moment) == "2019-02-18T09:30:05+07:00"
    assert date_phrase(dt.date(2019, 2, 18), "Tuyên Quang") == (
        "Tuyên Quang, ngày 18 tháng 02 năm 2019"
    )
    assert date_phrase(dt.date(2019, 12, 5)) == "ngày 05 tháng 12 năm 2019"
    assert date_phrase(dt.date(2020, 1, 1)) == "ngày 01 tháng 01 năm 2020"


@freeze_time("2019-12-31T17:30:00Z")
def test_now_in_vietnam_crosses_new_year_before_utc():
    assert now_vn().isoformat() == "2020-01-01T00:30:00+07:00"
    assert parse_date("2019-12-31T17:30:00Z") == dt.date(2020, 1, 1)


def test_parse_date_rejects_a_moment_without_offset():
    with pytest.raises(BadInputError):
        parse_date("2019-02-18T10:00:00")
    with pytest.raises(BadInputError):
        parse_date("18/02/2019")


@pytest.mark.parametrize("pages", [1, 3, 50])
def test_sample_letter_has_the_pages_and_the_signer_block_last(pages):
    pdf = make_letter_pdf(pages)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    last = reader.pages[-1].extract_text()
    assert SIGNER_NAME in last and all(t in last for t in SIGNER_TITLE)
    first = page_text(pdf)
    assert "SỞ NÔNG NGHIỆP VÀ PTNT" in first and "Số:" in first


def test_letter_with_images_is_large():
    pdf = make_letter_pdf(1, with_images_mb=3)
    assert 2_800_000 < len(pdf) < 3_600_000


def test_stamp_uses_the_template_line_size_and_place():
    pdf = make_letter_pdf(1)
    before = {ln.text: ln for ln in page_lines(pdf, 0)}
    out = stamp_pdf(pdf, "12/QĐ-SNN", dt.date(2019, 4, 1))
    after = page_lines(out, 0)
    number = next(ln for ln in after if ln.text == "Số: 12/QĐ-SNN")
    date = next(ln for ln in after if ln.text == "Tuyên Quang, ngày 01 tháng 4 năm 2019")
    old_date = before["Tuyên Quang, ngày      tháng      năm 2019"]
    assert number.size == before["Số:"].size and number.baseline == pytest.approx(
        before["Số:"].baseline, abs=0.1
    )
    assert date.size == old_date.size and date.italic
    # the new date line is centred where the template's was
    assert (date.x0 + date.x1) / 2 == pytest.approx((old_date.x0 + old_date.x1) / 2, abs=0.5)


def _fragmented_template() -> bytes:
    """A template whose producer placed the pieces of each line apart (as word processors do
    with tabs): "Số:" … "/SNN-VP" and "Tuyên Quang, ngày" … "tháng" … "năm 2019"."""
    register_reportlab_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H))
    c.setFont(FONT, 13)
    c.drawString(100, 700, "Số:")
    c.drawString(150, 700, "/SNN-VP")
    c.setFont(FONT_ITALIC, 14)
    c.drawString(300, 700, "Tuyên Quang, ngày")
    c.drawString(440, 700, "tháng")
    c.drawString(500, 700, "năm 2019")
    c.showPage()
    c.save()
    return out.getvalue()


def test_stamp_covers_every_piece_of_a_fragmented_template_line(tmp_path):
    pdf = _fragmented_template()
    lines = {ln.text for ln in page_lines(pdf, 0)}
    assert any(t.startswith("Số:") and t.endswith("/SNN-VP") for t in lines)
    out = stamp_pdf(pdf, "05/SNN-VP", dt.date(2019, 2, 18))
    (tmp_path / "out.pdf").write_bytes(out)
    img = render_page(tmp_path / "out.pdf", 1, dpi=144)
    new_number_end = 100 + text_width("Số: 05/SNN-VP", 13)
    old_number_end = 150 + text_width("/SNN-VP", 13)
    # right of the new number, where "/SNN-VP" of the template was: nothing dark remains
    assert dark_pixels(img, (new_number_end + 2, 697, old_number_end, 710), PAGE_H, 144) == 0
    new_date = "Tuyên Quang, ngày 18 tháng 02 năm 2019"
    half = text_width(new_date, 14, FONT_ITALIC) / 2
    centre = (300 + 500 + text_width("năm 2019", 14, FONT_ITALIC)) / 2
    assert dark_pixels(img, (centre + half + 2, 697, 560, 712), PAGE_H, 144) == 0
    assert dark_pixels(img, (290, 697, centre - half - 2, 712), PAGE_H, 144) == 0
    assert new_date in page_text(out).splitlines()


def test_cli_output_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        _write_atomic(str(tmp_path / "out.pdf"), b"%PDF-1.7")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.pdf").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no .part left
