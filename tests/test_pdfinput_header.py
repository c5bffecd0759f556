"""One "is it a PDF" test (snn_sign.pdfinput.looks_like_pdf) for the engine, the office
conversion's sniffing and the add-ons: the header within the first KiB."""

from __future__ import annotations

import pytest

from snn_office_convert.convert import sniff
from snn_sign.errors import BadInputError
from snn_sign.pdfinput import looks_like_pdf, open_pdf
from snn_sign_testkit.sample_letter import make_letter_pdf

LETTER = make_letter_pdf(1)
PREFIXES = {
    "white-space": b"\n \t\r\n",
    "junk": b"\xef\xbb\xbfscan 2026\r\n",
    "last-place-in-the-first-kib": b"x" * (1024 - len(b"%PDF-")),
}


def test_a_pdf_with_its_header_first_is_one_for_every_reader():
    assert looks_like_pdf(LETTER)
    assert sniff(LETTER) == "pdf"
    assert open_pdf(LETTER) is not None


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
def test_bytes_before_the_header_pass_the_test_but_the_signer_cannot_read_the_file(prefix):
    data = prefix + LETTER
    assert looks_like_pdf(data)
    assert sniff(data) == "pdf"
    # pyHanko reads the header at offset 0 only: a clear refusal, not a traceback.
    with pytest.raises(BadInputError, match="cannot be read"):
        open_pdf(data)


@pytest.mark.parametrize(
    "data",
    [None, b"", b"x" * 1024 + LETTER, b"PK\x03\x04 a zip, not a PDF" * 10, b"%PDF"],
    ids=["none", "empty", "header-after-the-first-kib", "zip", "cut-header"],
)
def test_what_has_no_header_in_the_first_kib_is_no_pdf(data):
    assert not looks_like_pdf(data)
    if data:
        with pytest.raises(BadInputError, match="not a PDF"):
            open_pdf(data)
