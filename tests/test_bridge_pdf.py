"""A PAdES signature of a small PDF through BridgeSigner validates with pyHanko."""

from __future__ import annotations

import io

import pytest
from helpers_pdf import one_page_pdf
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def _sign(data: bytes, signer, field_name: str) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer
    ).getvalue()


@pytest.mark.parametrize("label", ["signer", "seal"])
def test_pades_signature_through_bridge_validates(pki, bridge_signer, label):
    data = one_page_pdf()
    signer = bridge_signer(label)
    signed = _sign(data, signer, "Sig1")
    assert signed.startswith(data)  # incremental update
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.ca_cert))])
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, vc)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line, status.pretty_print_details()
    assert status.signing_cert.subject == signer.signing_cert.subject
    assert embedded.signer_info["signature_algorithm"]["algorithm"].native in (
        "sha256_rsa",
        "rsassa_pkcs1v15",
    )


def test_two_signatures_both_stay_valid(pki, bridge_signer):
    data = one_page_pdf()
    first = _sign(data, bridge_signer("signer"), "Signer")
    second = _sign(first, bridge_signer("seal"), "Seal")
    assert second.startswith(first)
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.ca_cert))])
    sigs = PdfFileReader(io.BytesIO(second)).embedded_signatures
    assert len(sigs) == 2
    for embedded in sigs:
        assert validate_pdf_signature(embedded, vc).bottom_line
