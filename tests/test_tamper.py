"""Each kind of tampering is caught by `snn-sign verify`: non-zero exit and a stated reason."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from helpers_sign import pdfsig, run_cli, signer_args
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from snn_sign.signing import sign_pdf
from snn_sign.stamp import stamp_pdf
from snn_sign_testkit.pki import issue_cert, make_ca
from snn_sign_testkit.sample_letter import make_letter_pdf


@pytest.fixture(scope="module")
def signed(bridge, tmp_path_factory):
    """A stamped letter with the signer's signature, made through the bridge."""
    d = tmp_path_factory.mktemp("tamper")
    (d / "stamped.pdf").write_bytes(
        stamp_pdf(make_letter_pdf(1), "07/SNN-VP", dt.date(2019, 2, 18))
    )
    r = run_cli(*signer_args(bridge, d / "stamped.pdf", d / "signed.pdf"))
    assert r.returncode == 0, r.stderr
    data = (d / "signed.pdf").read_bytes()
    assert run_cli("verify", d / "signed.pdf", "--trust", bridge.pki.ca_cert).returncode == 0
    return data


def _verify(tmp_path, data: bytes, ca):
    path = tmp_path / "suspect.pdf"
    path.write_bytes(data)
    return run_cli("verify", path, "--trust", ca)


def _signed_range(data: bytes) -> tuple[int, int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    return int(m.group(1)), int(m.group(2))


def test_a_byte_changed_in_the_signed_range(signed, bridge, tmp_path):
    start, length = _signed_range(signed)
    # change one byte inside the page's content stream, well inside the first signed range
    content = signed.index(b"stream", start + 2000) + 40
    assert content < start + length
    data = bytearray(signed)
    data[content] ^= 0x01
    r = _verify(tmp_path, bytes(data), bridge.pki.ca_cert)
    assert r.returncode != 0
    assert "content changed after signing" in r.stdout
    # poppler's verifier, sharing no code with ours, agrees
    independent = pdfsig(tmp_path / "suspect.pdf").stdout
    assert "Signature is Valid." not in independent
    assert "Digest Mismatch" in independent


def test_an_appended_revision_that_draws_over_the_page(signed, bridge, tmp_path):
    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    cover = w.add_object(generic.StreamObject(stream_data=b"q 0 0 0 rg 50 650 300 80 re f Q"))
    w.add_stream_to_page(0, cover)
    out = io.BytesIO()
    w.write(out)
    tampered = out.getvalue()
    assert tampered.startswith(signed)
    r = _verify(tmp_path, tampered, bridge.pki.ca_cert)
    assert r.returncode != 0
    assert "Illegal modification after signing" in r.stdout


def _foreign_signer() -> SimpleSigner:
    ca, ca_key = make_ca("Another CA (not ours)")
    cert, key = issue_cert(ca, ca_key, common_name="Nguyễn Công Hàm", org="Kẻ mạo danh")
    der = serialization.Encoding.DER
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca.public_bytes(der))]
        ),
    )


def test_a_certificate_from_another_ca(bridge, tmp_path):
    letter = stamp_pdf(make_letter_pdf(1), "08/SNN-VP", dt.date(2019, 2, 18))
    png = bridge.pki.signature_png.read_bytes()
    forged = sign_pdf(letter, _foreign_signer(), appearance="signer", image_png=png)
    r = _verify(tmp_path, forged, bridge.pki.ca_cert)
    assert r.returncode != 0
    assert "does not chain to a trusted CA" in r.stdout
    assert "Another CA" in r.stdout  # the report names the issuer


@pytest.mark.parametrize("keep", [0.5, 0.97])
def test_a_truncated_file(signed, bridge, tmp_path, keep):
    r = _verify(tmp_path, signed[: int(len(signed) * keep)], bridge.pki.ca_cert)
    assert r.returncode != 0
    assert "truncated" in (r.stdout + r.stderr)


def test_a_file_without_signatures_is_not_ok(tmp_path, bridge):
    r = _verify(tmp_path, make_letter_pdf(1), bridge.pki.ca_cert)
    assert r.returncode != 0
    assert "no digital signature" in r.stdout
