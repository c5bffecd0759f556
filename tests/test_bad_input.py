"""Bad input: a clear bilingual error, a non-zero exit, and no output file left behind."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from helpers_sign import run_cli, sign_args, signer_args, stamp_args
from reportlab.pdfgen.canvas import Canvas

from snn_sign.errors import BadInputError, NotFoundError
from snn_sign.stamp import stamp_pdf
from snn_sign_testkit.sample_letter import make_letter_pdf


def _encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_letter_pdf(1)))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_without_number_line() -> bytes:
    out = io.BytesIO()
    c = Canvas(out)
    c.drawString(72, 760, "Hello, no number line here")
    c.showPage()
    c.save()
    return out.getvalue()


BAD_PDFS = {
    "not-a-pdf": (b"PK\x03\x04 this is a zip, not a PDF" * 10, "not a PDF"),
    "empty": (b"", "empty"),
    "encrypted": (None, "encrypted"),
    "truncated": (None, "truncated"),
}


def _bad(kind: str) -> bytes:
    if kind == "encrypted":
        return _encrypted_pdf()
    if kind == "truncated":
        data = make_letter_pdf(1)
        return data[: len(data) // 2]
    return BAD_PDFS[kind][0]


def _assert_refused(r, tmp_path, out_name: str, english: str):
    assert r.returncode != 0
    assert english in r.stderr
    assert " / " in r.stderr  # Vietnamese / English
    assert not (tmp_path / out_name).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("kind", list(BAD_PDFS))
def test_stamp_refuses_bad_pdf(tmp_path, kind):
    (tmp_path / "in.pdf").write_bytes(_bad(kind))
    r = run_cli(*stamp_args(tmp_path / "in.pdf", tmp_path / "out.pdf"))
    _assert_refused(r, tmp_path, "out.pdf", BAD_PDFS[kind][1])


@pytest.mark.parametrize("kind", list(BAD_PDFS))
def test_sign_refuses_bad_pdf(tmp_path, bridge, kind):
    (tmp_path / "in.pdf").write_bytes(_bad(kind))
    r = run_cli(*signer_args(bridge, tmp_path / "in.pdf", tmp_path / "out.pdf"))
    _assert_refused(r, tmp_path, "out.pdf", BAD_PDFS[kind][1])


def test_no_number_line_without_number_at(tmp_path):
    (tmp_path / "in.pdf").write_bytes(_pdf_without_number_line())
    r = run_cli(*stamp_args(tmp_path / "in.pdf", tmp_path / "out.pdf"))
    _assert_refused(r, tmp_path, "out.pdf", 'No number line "Số:"')
    assert "--number-at" in r.stderr


def test_number_at_and_date_at_place_the_lines(tmp_path):
    (tmp_path / "in.pdf").write_bytes(_pdf_without_number_line())
    r = run_cli(
        *stamp_args(tmp_path / "in.pdf", tmp_path / "out.pdf", date="2019-03-09"),
        "--place",
        "Hà Nội",
        "--number-at",
        "1,72,700",
        "--date-at",
        "1,300,700",
    )
    assert r.returncode == 0, r.stderr
    text = pypdf.PdfReader(tmp_path / "out.pdf").pages[0].extract_text()
    assert "Số: 05/SNN-VP" in text
    # Decree 30: leading zero for days below 10 and months below 3 only
    assert "Hà Nội, ngày 09 tháng 3 năm 2019" in text


def test_image_that_is_not_a_png(tmp_path, bridge):
    (tmp_path / "in.pdf").write_bytes(
        stamp_pdf(make_letter_pdf(1), "05/SNN-VP", dt.date(2019, 2, 18))
    )
    (tmp_path / "sig.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200)
    r = run_cli(
        *sign_args(
            bridge,
            "signer",
            "signer",
            tmp_path / "in.pdf",
            tmp_path / "out.pdf",
            "--image",
            tmp_path / "sig.jpg",
        )
    )
    _assert_refused(r, tmp_path, "out.pdf", "not a PNG")


def test_api_errors_are_typed_and_bilingual():
    with pytest.raises(BadInputError) as err:
        stamp_pdf(b"", "05/SNN-VP", dt.date(2019, 2, 18))
    assert err.value.vi and err.value.en and err.value.vi != err.value.en
    with pytest.raises(NotFoundError):
        stamp_pdf(_pdf_without_number_line(), "05/SNN-VP", dt.date(2019, 2, 18))
    with pytest.raises(BadInputError):
        stamp_pdf(make_letter_pdf(1), "05 / SNN VP", dt.date(2019, 2, 18))
