"""A received file's signatures, summed up for the clerk: ``received_state`` (valid, untrusted,
invalid, unsigned; the worst signature decides) and one bilingual ``verdict`` line per signature.

Files are signed as the suite signs its own issues (the demo PKI's token through the bridge) or,
for chains the demo PKI does not have (an intermediate CA, a foreign CA), by a SimpleSigner that
embeds the signer's certificate alone, as VGCA tools do.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
from asn1crypto import algos, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from helpers_chain import ca_pair, leaf_signer
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import DisallowedAlgorithmError

from snn_sign import received_state, verify_pdf
from snn_sign.signing import sign_pdf
from snn_sign.stamp import stamp_pdf
from snn_sign.trust import default_certificates, default_intermediates, default_roots
from snn_sign.verify import (
    REVOCATION,
    SHA1_ISSUER_FILES,
    SignatureReport,
    VerifyReport,
    algorithm_policy,
    load_roots,
    validation_context,
)
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


@pytest.fixture(scope="module")
def vgca_like():
    """Root -> intermediate -> leaf, like G2 -> "CA phục vụ các cơ quan Nhà nước G2" -> an
    official; returns (root PEM, intermediate PEM, signer)."""
    root = ca_pair("RootCA thử nghiệm G2", path_length=1)
    inter = ca_pair("CA phục vụ các cơ quan Nhà nước (thử nghiệm)", root, path_length=0)
    signer = leaf_signer(*inter, "Trần Văn Soạn", "UBND tỉnh (thử nghiệm)")
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


# SHA-1 from the shipped SHA-1-era CAs (VGCA G1, MIC) and from nobody else.

G1_CHECKED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # inside G1's 2010-2030


def _shipped(file: str) -> asn1_x509.Certificate:
    return load_roots([next(c.pem for c in default_certificates() if c.file == file)])[0]


def _crypto(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _resigned_sha1(cert: x509.Certificate, issuer_key) -> x509.Certificate:
    """``cert`` signed again by ``issuer_key`` with sha1WithRSA, as the G1 CAs sign (the
    cryptography builder no longer signs certificates with SHA-1; the RSA key still does)."""
    sha1_rsa = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa", "parameters": core.Null()})
    tbs = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tbs = tbs["tbs_certificate"].copy()
    tbs["signature"] = sha1_rsa
    signature = issuer_key.sign(tbs.dump(force=True), PKCS1v15(), hashes.SHA1())
    resigned = asn1_x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": sha1_rsa, "signature_value": signature}
    )
    return x509.load_der_x509_certificate(resigned.dump())


def _sign_at_corner(letter: bytes, signer, pki) -> bytes:
    return sign_pdf(
        letter,
        signer,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        at=(1, 100.0, 100.0),
        signing_time=SIGNED_AT,
    )


def test_the_g1_sub_ca_validates_under_the_shipped_g1_root():
    """The real "Co quan chung thuc so Chinh phu" (SHA-1-signed by the G1 root) chains to the
    shipped G1 root through the suite's validation context; pyHanko's default policy refuses
    that very chain, which is why every G1 official's document used to be "untrusted"."""
    sub_ca = _shipped("vgca-g1-cp.pem")
    assert sub_ca["signature_algorithm"]["algorithm"].native == "sha1_rsa"
    roots = load_roots(default_roots())

    def validate(context):  # the sub-CA as an end entity; its key usage is keyCertSign only
        validator = CertificateValidator(sub_ca, validation_context=context)
        return asyncio.run(validator.async_validate_usage(set()))

    path = validate(validation_context(roots, moment=G1_CHECKED_AT))
    assert path.leaf.sha256 == sub_ca.sha256
    assert path.first.sha256 == _shipped("vgca-g1-root.pem").sha256
    pyhanko_default = ValidationContext(
        trust_roots=roots, allow_fetching=False, revinfo_policy=REVOCATION, moment=G1_CHECKED_AT
    )
    with pytest.raises(DisallowedAlgorithmError, match="sha1_rsa"):
        validate(pyhanko_default)


def test_sha1_is_accepted_only_on_signatures_by_the_pinned_sha1_era_keys():
    policy = algorithm_policy()
    sha1_rsa, md5_rsa, sha256_rsa = (
        algos.SignedDigestAlgorithm({"algorithm": name})
        for name in ("sha1_rsa", "md5_rsa", "sha256_rsa")
    )
    shipped = {c.file: _shipped(c.file) for c in default_certificates()}
    # the pinned keys are those of the shipped certificates that are themselves SHA-1 signed
    sha1_era = {
        file
        for file, cert in shipped.items()
        if cert["signature_algorithm"]["algorithm"].native == "sha1_rsa"
    }
    assert sha1_era == set(SHA1_ISSUER_FILES)
    assert sha1_era == {"vgca-g1-root.pem", "vgca-g1-cp.pem", "mic-national-root-ca.pem"}
    for file, cert in shipped.items():
        assert bool(policy.signature_algorithm_allowed(sha1_rsa, None, cert.public_key)) is (
            file in sha1_era
        ), file
        assert not policy.signature_algorithm_allowed(md5_rsa, None, cert.public_key), file
        assert policy.signature_algorithm_allowed(sha256_rsa, None, cert.public_key), file
    # a key of its own under the G1 sub-CA's exact name gets nothing: keys decide, not names
    g1_name = _crypto(shipped["vgca-g1-cp.pem"]).subject
    look_alike = ca_pair("", path_length=0, subject=g1_name)[0]
    assert look_alike.subject == g1_name
    stranger = asn1_x509.Certificate.load(look_alike.public_bytes(serialization.Encoding.DER))
    assert not policy.signature_algorithm_allowed(sha1_rsa, None, stranger.public_key)
    assert not policy.signature_algorithm_allowed(sha1_rsa, None, None)
    # a document signature's digest (CMS message digest, signed attributes) is judged by
    # digest_algorithm_allowed, whoever signed: SHA-1 and MD5 stay refused there
    for digest in ("sha1", "md5"):
        assert not policy.digest_algorithm_allowed(
            algos.DigestAlgorithm({"algorithm": digest}), None
        )


def test_a_sha1_intermediate_under_a_root_that_is_not_pinned_is_untrusted(letter, pki):
    """A CA that copies the G1 names exactly, with keys of its own, SHA-1-signs its sub-CA as
    G1 did: refused. The same hierarchy with a SHA-256 sub-CA is valid, so SHA-1 alone is
    what is refused."""
    g1_root, g1_cp = (_crypto(_shipped(f)) for f in ("vgca-g1-root.pem", "vgca-g1-cp.pem"))
    root = ca_pair("", path_length=1, subject=g1_root.subject)
    sha256_inter = ca_pair("", root, path_length=0, subject=g1_cp.subject)
    sha1_inter = (_resigned_sha1(sha256_inter[0], root[1]), sha256_inter[1])
    assert sha1_inter[0].signature_hash_algorithm.name == "sha1"
    root[0].public_key().verify(  # a sound SHA-1 signature of the root's key
        sha1_inter[0].signature, sha1_inter[0].tbs_certificate_bytes, PKCS1v15(), hashes.SHA1()
    )
    root_pem, inter_pem = (c.public_bytes(PEM) for c in (root[0], sha1_inter[0]))
    signed = _sign_at_corner(letter, leaf_signer(*sha1_inter, "Trần Văn Soạn", "UBND"), pki)

    report = verify_pdf(signed, [root_pem], intermediates=[inter_pem])
    assert received_state(report) == "untrusted"
    sig = report.signatures[0]
    assert sig.intact and sig.valid and not sig.trusted
    assert "CRYPTO_CONSTRAINTS_FAILURE" in sig.verdict
    assert "thuật toán yếu" in sig.verdict and "weak algorithm" in sig.verdict
    # next to the real G1 root and sub-CA (whose keys are the pinned ones) it is no better
    beside_g1 = verify_pdf(
        signed, [root_pem, *default_roots()], [inter_pem, *default_intermediates()]
    )
    assert received_state(beside_g1) == "untrusted"

    control = _sign_at_corner(letter, leaf_signer(*sha256_inter, "Trần Văn Soạn", "UBND"), pki)
    assert (
        received_state(verify_pdf(control, [root_pem], [sha256_inter[0].public_bytes(PEM)]))
        == "valid"
    )


def test_a_sha1_document_signature_stays_refused(letter, vgca_like):
    """pyHanko signs with md_algorithm="sha1" when asked: such a signature is refused
    (untrusted, weak algorithm), while the same signer with SHA-256 is valid."""
    root_pem, inter_pem, signer = vgca_like

    def signed_with(md_algorithm: str) -> bytes:
        meta = signers.PdfSignatureMetadata(field_name="Sig", md_algorithm=md_algorithm)
        writer = IncrementalPdfFileWriter(io.BytesIO(letter))
        return signers.sign_pdf(writer, meta, signer=signer).getvalue()

    report = verify_pdf(signed_with("sha1"), [root_pem], [inter_pem])
    assert received_state(report) == "untrusted"
    sig = report.signatures[0]
    assert sig.intact and not sig.trusted and not sig.ok
    assert "CRYPTO_CONSTRAINTS_FAILURE" in sig.verdict and "SHA-1" in sig.verdict
    assert received_state(verify_pdf(signed_with("sha256"), [root_pem], [inter_pem])) == "valid"
