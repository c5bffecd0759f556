"""A received file's signatures, summed up for the clerk: ``received_state`` (valid, untrusted,
invalid, unsigned; the worst signature decides) and one bilingual ``verdict`` line per signature.

Files are signed as the suite signs its own issues (the demo PKI's token through the bridge) or,
for chains the demo PKI does not have (an intermediate CA, a foreign CA), by a SimpleSigner that
embeds the signer's certificate alone, as VGCA tools do.
"""

from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.signers import SimpleSigner

from snn_sign import received_state, verify_pdf
from snn_sign.signing import sign_pdf
from snn_sign.stamp import stamp_pdf
from snn_sign.trust import default_intermediates, default_roots
from snn_sign.verify import SignatureReport, VerifyReport
from snn_sign_testkit.pki import issue_cert
from snn_sign_testkit.sample_letter import make_letter_pdf

PEM = serialization.Encoding.PEM
SIGNED_AT = dt.datetime(2019, 2, 18, 2, 30, tzinfo=dt.timezone.utc)  # 09:30 in Vietnam


@pytest.fixture(scope="module")
def letter() -> bytes:
    return stamp_pdf(make_letter_pdf(1), "05/SNN-VP", dt.date(2019, 2, 18))


@pytest.fixture(scope="module")
def issued(letter, bridge_signer, pki) -> bytes:
    """Signed by the signer and sealed by the organisation, through the demo token."""
    signed = sign_pdf(
        letter,
        bridge_signer("signer"),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        signing_time=SIGNED_AT,
    )
    return sign_pdf(
        signed,
        bridge_signer("seal"),
        appearance="seal",
        image_png=pki.seal_png.read_bytes(),
        signing_time=SIGNED_AT,
    )


def _ca(name: str, issuer=None, *, path_length: int | None):
    """A CA certificate and key: self-signed, or issued by ``issuer`` (certificate, key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, "Ban Cơ yếu (thử nghiệm)"),
            x509.NameAttribute(x509.NameOID.COMMON_NAME, name),
        ]
    )
    parent_cert, parent_key = issuer or (None, key)
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(parent_cert.subject if parent_cert else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(parent_key, hashes.SHA256())
    )
    return cert, key


def _leaf_signer(ca_cert, ca_key, name: str, org: str) -> SimpleSigner:
    """A signer whose CMS carries its own certificate and no other (cert_registry=None)."""
    cert, key = issue_cert(ca_cert, ca_key, common_name=name, org=org)
    der = serialization.Encoding.DER
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=None,
    )


@pytest.fixture(scope="module")
def vgca_like():
    """Root -> intermediate -> leaf, like G2 -> "CA phục vụ các cơ quan Nhà nước G2" -> an
    official; returns (root PEM, intermediate PEM, signer)."""
    root = _ca("RootCA thử nghiệm G2", path_length=1)
    inter = _ca("CA phục vụ các cơ quan Nhà nước (thử nghiệm)", root, path_length=0)
    signer = _leaf_signer(*inter, "Trần Văn Soạn", "UBND tỉnh (thử nghiệm)")
    return root[0].public_bytes(PEM), inter[0].public_bytes(PEM), signer


def test_a_file_issued_by_the_suite_is_valid_against_its_root(issued, pki):
    report = verify_pdf(issued, [pki.ca_cert.read_bytes()])
    assert received_state(report) == "valid"
    assert [s.state for s in report.signatures] == ["valid", "valid"]
    signer_line, seal_line = (s.verdict for s in report.signatures)
    ca = "SNN Demo CA (thử nghiệm, không dùng thật)"
    assert signer_line == (
        f"Hợp lệ: ký bởi {pki.signer_name} ({pki.org_name}), CA {ca}, lúc 09:30 18/02/2019 / "
        f"Valid: signed by {pki.signer_name} ({pki.org_name}), CA {ca}, at 09:30 18/02/2019"
    )
    # the seal's subject is the organisation itself: named once, not "Sở … (Sở …)"
    assert seal_line.startswith(f"Hợp lệ: ký bởi {pki.org_name}, CA {ca}, lúc 09:30")


def test_the_same_file_against_the_vietnamese_roots_only_is_untrusted(issued):
    report = verify_pdf(issued, default_roots(), intermediates=default_intermediates())
    assert received_state(report) == "untrusted"
    assert {s.state for s in report.signatures} == {"untrusted"}
    assert all(s.intact and s.valid and not s.trusted for s in report.signatures)
    line = report.signatures[0].verdict
    assert line.startswith("Không tin cậy: ký bởi ")
    assert "/ Untrusted: signed by " in line
    assert "không dẫn tới CA tin cậy" in line and "does not chain to a trusted CA" in line


def test_a_byte_changed_inside_the_signed_range_is_invalid(issued, pki):
    # Widen the page as first written (its /MediaBox in the original revision, which both
    # signatures cover); same length, so the file still parses.
    original = b"/MediaBox [ 0 0 595.28"
    assert original in issued[: issued.index(b"/ByteRange")]
    tampered = issued.replace(original, b"/MediaBox [ 0 0 895.28", 1)
    report = verify_pdf(tampered, [pki.ca_cert.read_bytes()])
    assert received_state(report) == "invalid"
    assert {s.state for s in report.signatures} == {"invalid"}
    assert not any(s.intact for s in report.signatures)
    line = report.signatures[0].verdict
    assert line.startswith(f"Không hợp lệ: ký bởi {pki.signer_name}")
    assert "Invalid: signed by" in line and "digest mismatch" in line and "sai mã băm" in line
    # against roots it does not chain to, a changed file is still "invalid", not "untrusted"
    assert received_state(verify_pdf(tampered, default_roots())) == "invalid"


def test_an_unsigned_file_is_unsigned_and_a_broken_one_is_invalid(letter):
    report = verify_pdf(letter, default_roots())
    assert received_state(report) == "unsigned"
    assert report.signatures == []
    # a truncated file cannot be read at all: the clerk must not take it for an unsigned scan
    assert received_state(verify_pdf(letter[: len(letter) // 2], default_roots())) == "invalid"
    assert received_state(verify_pdf(b"not a pdf", default_roots())) == "invalid"


def test_a_leaf_without_its_intermediate_chains_only_when_the_intermediate_is_given(
    letter, vgca_like, pki
):
    root_pem, inter_pem, signer = vgca_like
    signed = sign_pdf(
        letter,
        signer,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        at=(1, 100.0, 100.0),  # the letter does not carry this signer's name
        signing_time=SIGNED_AT,
    )
    alone = verify_pdf(signed, [root_pem])
    assert received_state(alone) == "untrusted"
    assert "NO_CERTIFICATE_CHAIN_FOUND" in alone.signatures[0].verdict
    chained = verify_pdf(signed, [root_pem], intermediates=[inter_pem])
    assert received_state(chained) == "valid"
    assert chained.signatures[0].verdict.startswith(
        "Hợp lệ: ký bởi Trần Văn Soạn (UBND tỉnh (thử nghiệm)), "
        "CA CA phục vụ các cơ quan Nhà nước (thử nghiệm), lúc 09:30 18/02/2019"
    )
    # an intermediate is never an anchor: given alone, with the real roots, nothing chains
    assert received_state(verify_pdf(signed, default_roots(), [inter_pem])) == "untrusted"
    # and the positional form of the call works the same (callers pass it either way)
    assert received_state(verify_pdf(signed, [root_pem], [inter_pem])) == "valid"


def test_the_worst_signature_decides(issued, vgca_like, pki):
    """The suite's two signatures (valid) then a third from a CA the receiver does not trust:
    the file is "untrusted", and each line says which signature is which."""
    _root, _inter, foreign = vgca_like
    countersigned = sign_pdf(
        issued,
        foreign,
        appearance="attachment",
        code="05/SNN-VP",
        field_name="Foreign",
        signing_time=SIGNED_AT,
    )
    report = verify_pdf(countersigned, [pki.ca_cert.read_bytes()])
    assert [s.state for s in report.signatures] == ["valid", "valid", "untrusted"]
    assert received_state(report) == "untrusted"
    assert report.signatures[2].verdict.startswith("Không tin cậy: ký bởi Trần Văn Soạn")


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["valid", "untrusted", "invalid"], "invalid"),
        (["untrusted", "valid"], "untrusted"),
        (["valid", "valid"], "valid"),
        (["invalid", "valid"], "invalid"),
    ],
)
def test_order_of_states(states, expected):
    """invalid > untrusted > valid, whatever the order of the signatures in the file."""
    report = VerifyReport(signatures=[_report(state) for state in states])
    assert received_state(report) == expected


def test_a_report_built_without_a_state_falls_back_on_ok():
    """Reports made by other code (older callers, tests) still sum up: ok -> valid."""
    report = _report("")
    assert received_state(VerifyReport(signatures=[report])) == "valid"
    report.reasons = ["Nội dung đã bị thay đổi / The content changed"]
    assert received_state(VerifyReport(signatures=[report])) == "invalid"
    assert report.verdict.endswith("— Nội dung đã bị thay đổi / The content changed")


def _report(state: str) -> SignatureReport:
    return SignatureReport(
        field="Sig",
        signer_subject="Common Name: A",
        serial="01",
        issuer="Common Name: CA",
        signing_time=None,
        intact=True,
        valid=True,
        trusted=True,
        modification_level="NONE",
        bottom_line=True,
        state=state,
    )
