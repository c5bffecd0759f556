"""Where the signer's image goes when the certificate's name differs from the document's,
is missing, or a position is given (in-process signer: placement is what is tested here)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from helpers_sign import field_widgets
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import SimpleSigner

from snn_sign.errors import BadInputError, NotFoundError
from snn_sign.signing import sign_pdf
from snn_sign.stamp import stamp_pdf
from snn_sign_testkit.pki import issue_cert, make_ca
from snn_sign_testkit.sample_letter import make_letter_pdf


@pytest.fixture(scope="module")
def ca():
    return make_ca("Appearance test CA")


def _signer(ca, name: str) -> SimpleSigner:
    cert, key = issue_cert(*ca, common_name=name, org="Sở Nông nghiệp và PTNT Tuyên Quang")
    der = serialization.Encoding.DER
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=None,
    )


@pytest.fixture(scope="module")
def letter():
    return stamp_pdf(make_letter_pdf(3), "05/SNN-VP", dt.date(2019, 2, 18))


def test_name_without_diacritics_in_capitals_is_found(ca, letter, pki):
    signed = sign_pdf(
        letter,
        _signer(ca, "NGUYEN CONG HAM"),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
    )
    page_ix, _rect = field_widgets(signed)["SignerSignature"]
    assert page_ix == 2


def test_unknown_name_asks_for_a_position(ca, letter, pki):
    with pytest.raises(NotFoundError) as err:
        sign_pdf(
            letter,
            _signer(ca, "Trần Văn Khác"),
            appearance="signer",
            image_png=pki.signature_png.read_bytes(),
        )
    assert "--at" in err.value.en and "Trần Văn Khác" in err.value.vi


def test_explicit_position_is_used(ca, letter, pki):
    signed = sign_pdf(
        letter,
        _signer(ca, "Trần Văn Khác"),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        at=(2, 100, 200),
    )
    page_ix, (x1, y1, _x2, _y2) = field_widgets(signed)["SignerSignature"]
    assert page_ix == 1 and (x1, y1) == pytest.approx((100, 200))
    with pytest.raises(BadInputError):
        sign_pdf(
            letter,
            _signer(ca, "X"),
            appearance="signer",
            image_png=pki.signature_png.read_bytes(),
            at=(9, 100, 200),
        )


def test_seal_needs_a_signer_signature_or_a_position(ca, letter, pki):
    with pytest.raises(NotFoundError):
        sign_pdf(letter, _signer(ca, "Sở"), appearance="seal", image_png=pki.seal_png.read_bytes())
    sealed = sign_pdf(
        letter,
        _signer(ca, "Sở"),
        appearance="seal",
        image_png=pki.seal_png.read_bytes(),
        at=(1, 300, 100),
    )
    assert "SealSignature" in field_widgets(sealed)


def _annots_held_by_reference(pdf: bytes) -> bytes:
    """The letter with each page's annotation list an indirect object, as wkhtmltopdf (Odoo's
    QWeb reports) writes it."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    for page_ix in range(3):
        page_ref = writer.find_page_for_modification(page_ix)[0]
        page = page_ref.get_object()
        page["/Annots"] = writer.add_object(generic.ArrayObject())
        writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_seal_finds_the_signers_page_when_annotations_are_held_by_reference(ca, letter, pki):
    signed = sign_pdf(
        _annots_held_by_reference(letter),
        _signer(ca, "Nguyễn Công Hàm"),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
    )
    sealed = sign_pdf(
        signed, _signer(ca, "Sở"), appearance="seal", image_png=pki.seal_png.read_bytes()
    )
    widgets = field_widgets(sealed)
    assert widgets["SealSignature"][0] == widgets["SignerSignature"][0] == 2
