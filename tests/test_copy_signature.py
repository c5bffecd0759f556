"""Electronic copies (Decree 30 Art. 25-27, Annex I): the copying organisation's signature top
right of page 1, no image, the form of copy, the organisation and the signing time in 10 pt
upright black; and the pages an extract copy (trích sao) keeps. Read back with poppler's
pdftotext and pdfsig, and pypdf, none of which is our code."""

from __future__ import annotations

import re

import pytest
from helpers_sign import (
    appearance_pdf,
    field_widgets,
    page_text,
    pdfsig,
    run_cli,
    sign_args,
)

from snn_sign.errors import BadInputError
from snn_sign.extract import extract_pages, parse_pages, pdf_page_count
from snn_sign.fonts import text_width
from snn_sign.signing import sign_pdf
from snn_sign.stamp import page_lines
from snn_sign.verify import verify_pdf
from snn_sign_testkit.pdf_reading import words_in_field
from snn_sign_testkit.sample_letter import PAGE_H, PAGE_W, make_letter_pdf

MM = 72 / 25.4
ORG = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Tuyên Quang"


@pytest.mark.parametrize(
    ("form", "label"), [("sao_y", "SAO Y"), ("sao_luc", "SAO LỤC"), ("trich_sao", "TRÍCH SAO")]
)
def test_a_copy_is_sealed_top_right_with_form_organisation_and_time(
    bridge_signer, bridge, tmp_path, form, label
):
    signed = sign_pdf(
        make_letter_pdf(2), bridge_signer("seal"), appearance="copy", copy_form=form, org_name=ORG
    )
    report = verify_pdf(signed, [bridge.pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    (signature,) = report.signatures
    path = tmp_path / "copy.pdf"
    path.write_bytes(signed)
    out = pdfsig(path).stdout
    assert out.count("Signature is Valid.") == 1, out
    # What a reader of page 1 sees in its top right corner: the form, organisation, time.
    page_ix, rect = field_widgets(signed)["CopySignature"]
    assert page_ix == 0 and rect[0] > PAGE_W / 2 and rect[3] > PAGE_H - 10 * MM
    assert rect[2] < PAGE_W and rect[3] < PAGE_H
    assert " ".join(words_in_field(signed, "CopySignature")) == (
        f"{label} {ORG} {signature.signing_time}"
    )
    look = appearance_pdf(signed, "CopySignature")
    assert not re.search(rb"/Subtype\s*/Image", look)  # no image at all
    lines = page_lines(look, 0)
    assert {ln.size for ln in lines} == {10.0}
    assert not any(ln.bold or ln.italic for ln in lines)
    assert b"LiberationSerif" in look  # Times New Roman's metrics


def test_a_long_organisation_name_wraps_within_the_corner(bridge_signer):
    long_name = "Trung tâm Khuyến nông " + ORG + " (cơ sở 2, tổ chức thí điểm)"
    signed = sign_pdf(
        make_letter_pdf(),
        bridge_signer("seal"),
        appearance="copy",
        copy_form="sao_y",
        org_name=long_name,
    )
    lines = [ln.text for ln in page_lines(appearance_pdf(signed, "CopySignature"), 0)]
    assert lines[0] == "SAO Y" and lines[-1].endswith("+07:00")
    assert " ".join(lines[1:-1]) == long_name and len(lines) > 3
    assert all(text_width(text, 10) <= 90 * MM for text in lines[1:-1])


def test_a_copy_without_its_form_or_organisation_is_refused(bridge_signer):
    seal = bridge_signer("seal")
    for kwargs, en in (
        ({"copy_form": "photocopy", "org_name": ORG}, "Invalid form of copy"),
        ({"copy_form": None, "org_name": ORG}, "Invalid form of copy"),
        ({"copy_form": "sao_y", "org_name": "  "}, "copying organisation"),
    ):
        with pytest.raises(BadInputError, match=en) as info:
            sign_pdf(make_letter_pdf(), seal, appearance="copy", **kwargs)
        assert info.value.vi  # and in Vietnamese


def test_the_cli_seals_a_copy(bridge, tmp_path):
    (tmp_path / "in.pdf").write_bytes(make_letter_pdf())
    result = run_cli(
        *sign_args(
            bridge,
            "seal",
            "copy",
            tmp_path / "in.pdf",
            tmp_path / "out.pdf",
            "--copy-form",
            "sao_luc",
            "--org",
            ORG,
        )
    )
    assert result.returncode == 0, result.stderr
    copy = (tmp_path / "out.pdf").read_bytes()
    assert words_in_field(copy, "CopySignature")[:2] == ["SAO", "LỤC"]


# --------------------------------------------------------------------------- extracts


def test_pages_to_extract_are_read_as_officials_write_them():
    assert parse_pages("1-3, 5", 5) == [1, 2, 3, 5]
    assert parse_pages("3,1-2,2", 3) == [3, 1, 2]  # in the order given, each once
    for text in ("", "0", "4", "2-1", "a-b", "1-", ",", "1-9"):
        with pytest.raises(BadInputError, match="Invalid pages to extract") as info:
            parse_pages(text, 3)
        assert "3 pages" in info.value.en and "3 trang" in info.value.vi


def test_an_extract_keeps_the_chosen_pages_without_the_originals_signatures(
    bridge_signer, bridge, tmp_path
):
    original = sign_pdf(
        make_letter_pdf(3),
        bridge_signer("signer"),
        appearance="signer",
        image_png=bridge.pki.signature_png.read_bytes(),
    )
    assert field_widgets(original)
    extract = extract_pages(original, [3, 1])
    assert pdf_page_count(extract) == 2
    assert page_text(extract, 0) == page_text(original, 2)
    assert page_text(extract, 1) == page_text(original, 0)
    assert not field_widgets(extract)  # the director's signature stays on the original
    copy = sign_pdf(
        extract, bridge_signer("seal"), appearance="copy", copy_form="trich_sao", org_name=ORG
    )
    report = verify_pdf(copy, [bridge.pki.ca_cert.read_bytes()])
    assert report.ok and len(report.signatures) == 1
    (tmp_path / "extract.pdf").write_bytes(copy)
    assert pdfsig(tmp_path / "extract.pdf").stdout.count("Signature is Valid.") == 1
    with pytest.raises(BadInputError, match="Invalid pages"):
        extract_pages(original, [4])
    with pytest.raises(BadInputError, match="not a PDF"):
        extract_pages(b"hello", [1])
