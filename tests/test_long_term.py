"""Signatures that can still be checked in twenty years (snn_sign.longterm), end to end with real
protocols on 127.0.0.1: the demo CA's OCSP responder, CRL and time-stamping authority
(snn_sign_testkit.trust_services, standing in for VGCA's, which cannot be reached from here),
the keys on a SoftHSM2 token behind a real token bridge; the files read back by pyHanko
(snn-sign verify) and by poppler's pdfsig."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import secrets
import socket

import pytest
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from helpers_bridge import start_bridge
from helpers_sign import pdfsig, run_cli, signer_args
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from snn_sign import verify_pdf
from snn_sign.bridge.signer import BridgeSigner
from snn_sign.errors import BadInputError
from snn_sign.longterm import (
    LongTermPolicy,
    RevocationUnavailableError,
    RevokedCertificateError,
    TimestampError,
    add_document_timestamp,
    check_revocation,
    last_archive_timestamp_expiry,
    renew_archive_timestamp,
    require_not_revoked,
)
from snn_sign.signing import sign_pdf
from snn_sign_testkit.http_proxy import ForwardProxy
from snn_sign_testkit.pki import create_demo_pki
from snn_sign_testkit.sample_letter import make_letter_pdf
from snn_sign_testkit.trust_services import TrustServices


@pytest.fixture(scope="module")
def ltv(tmp_path_factory):
    """A demo PKI whose certificates name running services, a bridge on its token, and the
    policy an organisation would configure (its roots, the TSA, refuse when unreachable)."""
    services = TrustServices.bind()
    pki = create_demo_pki(
        tmp_path_factory.mktemp("ltv-pki"),
        token_label="snn-ltv",
        pin=f"P-{secrets.token_hex(6)}",
        services_url=services.url,
    )
    services.serve(pki)
    bridge = start_bridge(tmp_path_factory.mktemp("ltv-bridge"), pki)

    class Ltv:
        pass

    env = Ltv()
    env.services, env.pki, env.bridge = services, pki, bridge
    env.root = pki.ca_cert.read_bytes()
    env.policy = LongTermPolicy(trust_roots=(env.root,), tsa_url=services.tsa_url, timeout=5)
    env.signer = BridgeSigner(bridge.client, "signer")
    env.seal = BridgeSigner(bridge.client, "seal")
    env.signer_serial = x509.load_pem_x509_certificate(pki.signer_cert.read_bytes()).serial_number
    yield env
    bridge.stop()
    services.stop()


def sign_both(ltv, pdf: bytes, policy: LongTermPolicy | None = None) -> bytes:
    """The director's signature, then the seal, each with its CA check, DSS and timestamp."""
    policy = policy or ltv.policy
    signed = sign_pdf(
        pdf,
        ltv.signer,
        appearance="signer",
        image_png=ltv.pki.signature_png.read_bytes(),
        long_term=policy,
    )
    return sign_pdf(
        signed,
        ltv.seal,
        appearance="seal",
        image_png=ltv.pki.seal_png.read_bytes(),
        long_term=policy,
    )


@pytest.fixture(scope="module")
def lta_file(ltv):
    """(approved bytes, B-LTA file): both signatures, then a document timestamp."""
    approved = make_letter_pdf()
    return approved, add_document_timestamp(sign_both(ltv, approved), ltv.policy)


def test_a_good_signer_gives_a_b_lta_file_that_says_what_it_proves(ltv, lta_file):
    approved, lta = lta_file
    assert lta.startswith(approved), "the approved bytes stay a prefix of the issued file"
    report = verify_pdf(lta, [ltv.root])
    assert report.ok, report.to_dict()
    assert len(report.signatures) == 2
    for signature in report.signatures:
        assert signature.level == "b_lta"
        assert signature.revocation == "good"
        assert "OCSP" in signature.revocation_detail
        assert signature.timestamp_time and signature.timestamp_time.endswith("+07:00")
        assert signature.timestamp_authority.startswith("SNN Demo TSA")
        assert not signature.as_of_timestamp


def test_pdfsig_still_accepts_the_signatures(ltv, lta_file, tmp_path):
    path = tmp_path / "lta.pdf"
    path.write_bytes(lta_file[1])
    out = pdfsig(path).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    # The document timestamp (ETSI.RFC3161) is listed; poppler does not validate that type.
    assert out.count("Signature #") == 3


def test_without_a_tsa_no_timestamp_and_no_b_lta(ltv):
    policy = LongTermPolicy(trust_roots=(ltv.root,), tsa_url=None)
    signed = sign_both(ltv, make_letter_pdf(), policy)
    report = verify_pdf(signed, [ltv.root])
    assert report.ok
    assert [s.level for s in report.signatures] == ["b_b", "b_b"]
    assert {s.revocation for s in report.signatures} == {"good"}  # checked and kept all the same
    with pytest.raises(Exception, match="No time-stamping authority"):
        add_document_timestamp(signed, policy)


def test_a_revoked_signer_is_refused_before_and_while_signing(ltv):
    ltv.services.revoke(ltv.signer_serial)
    try:
        check = check_revocation(ltv.pki.signer_cert.read_bytes(), ltv.policy)
        assert check.status == "revoked"
        with pytest.raises(RevokedCertificateError) as refused:
            require_not_revoked(check, ltv.policy, "Nguyễn Công Hàm")
        assert "đã bị thu hồi" in refused.value.vi and "is revoked" in refused.value.en
        # And if a caller skipped the check, signing itself refuses.
        with pytest.raises(RevokedCertificateError):
            sign_both(ltv, make_letter_pdf())
        # The seal's certificate is still good.
        assert check_revocation(ltv.pki.seal_cert.read_bytes(), ltv.policy).status == "good"
    finally:
        ltv.services.reinstate(ltv.signer_serial)
    assert check_revocation(ltv.pki.signer_cert.read_bytes(), ltv.policy).status == "good"


def test_ocsp_and_crl_down_follow_the_policy(ltv):
    ltv.services.set_down(True, ["/ocsp", "/crl"])
    try:
        check = check_revocation(ltv.pki.signer_cert.read_bytes(), ltv.policy)
        assert check.status == "unknown"
        assert "could not be asked" in check.detail
        with pytest.raises(RevocationUnavailableError):
            require_not_revoked(check, ltv.policy, "Nguyễn Công Hàm")
        with pytest.raises(RevocationUnavailableError):
            sign_both(ltv, make_letter_pdf())
        # "record": signed all the same, timestamped; the file says nothing was checked.
        record = LongTermPolicy(
            trust_roots=(ltv.root,), tsa_url=ltv.services.tsa_url, unreachable="record"
        )
        require_not_revoked(check, record, "Nguyễn Công Hàm")  # no refusal
        report = verify_pdf(sign_both(ltv, make_letter_pdf(), record), [ltv.root])
        assert report.ok
        assert [s.revocation for s in report.signatures] == ["not_checked", "not_checked"]
        assert [s.level for s in report.signatures] == ["b_t", "b_t"]
    finally:
        ltv.services.set_down(False)


def test_a_tsa_that_does_not_answer_is_said_so(ltv):
    ltv.services.set_down(True, ["/tsa"])
    try:
        with pytest.raises(TimestampError) as failed:
            add_document_timestamp(sign_both(ltv, make_letter_pdf(), _no_tsa(ltv)), ltv.policy)
        assert "dấu thời gian" in failed.value.vi
    finally:
        ltv.services.set_down(False)


def _no_tsa(ltv) -> LongTermPolicy:
    return LongTermPolicy(trust_roots=(ltv.root,))


def test_after_the_certificates_expired_the_embedded_data_still_proves_it(ltv, lta_file):
    """Verified offline (the services stopped answering) years after the signer's and the
    seal's certificates expired (730 days): each is checked as of its signature timestamp."""
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=900)
    ltv.services.set_down(True)
    try:
        report = verify_pdf(lta_file[1], [ltv.root], at=later)
    finally:
        ltv.services.set_down(False)
    assert report.ok, report.to_dict()
    assert all(s.as_of_timestamp for s in report.signatures)
    assert {s.level for s in report.signatures} == {"b_lta"}


def test_without_the_embedded_data_an_expired_signature_is_not_accepted(ltv):
    """The control of the test above: a B-T file (no DSS) cannot prove it later."""
    signed = sign_pdf(
        make_letter_pdf(),
        ltv.signer,
        appearance="signer",
        image_png=ltv.pki.signature_png.read_bytes(),
        tsa_url=ltv.services.tsa_url,
    )
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=900)
    report = verify_pdf(signed, [ltv.root], at=later)
    assert not report.ok
    assert report.signatures[0].state == "untrusted"


def test_the_archive_timestamp_is_renewed_and_the_old_file_stays_a_prefix(ltv, lta_file):
    lta = lta_file[1]
    expiry = last_archive_timestamp_expiry(lta)
    tsa_cert = x509.load_pem_x509_certificate(ltv.pki.tsa_cert.read_bytes())
    assert expiry == tsa_cert.not_valid_after_utc
    renewed = renew_archive_timestamp(lta, ltv.policy)
    assert renewed.startswith(lta)

    assert len(PdfFileReader(io.BytesIO(renewed)).embedded_timestamp_signatures) == 2
    report = verify_pdf(renewed, [ltv.root])
    assert report.ok, report.to_dict()
    assert {s.level for s in report.signatures} == {"b_lta"}
    with pytest.raises(Exception, match="no document timestamp"):
        renew_archive_timestamp(make_letter_pdf(), ltv.policy)


def test_a_tampered_b_lta_file_is_not_intact(ltv, lta_file):
    approved, lta = lta_file
    at = approved.index(b"stream") + 20  # inside the first page's content, signed by both
    tampered = lta[:at] + bytes([lta[at] ^ 0x01]) + lta[at + 1 :]
    report = verify_pdf(tampered, [ltv.root])
    assert not report.ok
    assert not any(s.intact for s in report.signatures)
    assert {s.state for s in report.signatures} == {"invalid"}


def test_the_commands_sign_long_term_timestamp_and_say_the_level(ltv, tmp_path):
    src, signed, lta = tmp_path / "in.pdf", tmp_path / "signed.pdf", tmp_path / "lta.pdf"
    src.write_bytes(make_letter_pdf())
    trust = ["--trust", ltv.pki.ca_cert]
    r = run_cli(
        *signer_args(ltv.bridge, src, signed, "--long-term", *trust, "--tsa", ltv.services.tsa_url)
    )
    assert r.returncode == 0, r.stderr
    r = run_cli("timestamp", signed, lta, "--tsa", ltv.services.tsa_url, *trust)
    assert r.returncode == 0, r.stderr
    r = run_cli("verify", lta, *trust)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "B-LTA" in r.stdout
    assert "thu hồi / revocation: good OCSP" in r.stdout
    assert "SNN Demo TSA" in r.stdout
    # Without a root, no revocation check can be made: said, nothing written.
    r = run_cli(*signer_args(ltv.bridge, src, tmp_path / "x.pdf", "--long-term"))
    assert r.returncode != 0
    assert "--trust ROOT.pem" in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_certificate_that_names_no_service_is_not_checked_and_not_refused(ltv, pki):
    """The session's demo PKI names no OCSP responder or CRL: nobody to ask, said as such."""
    policy = LongTermPolicy(trust_roots=(pki.ca_cert.read_bytes(),))
    check = check_revocation(pki.signer_cert.read_bytes(), policy)
    assert check.status == "not_checked"
    assert "names no OCSP responder or CRL" in check.detail
    require_not_revoked(check, policy, "Nguyễn Công Hàm")  # nothing to refuse


def test_a_revoked_answer_kept_in_a_file_makes_its_signature_invalid(ltv):
    """A file another system signed although its CA said "revoked" (the answer kept in the
    DSS): verify reads the answer from the file and refuses the signature."""
    signed = sign_pdf(
        make_letter_pdf(),
        ltv.signer,
        appearance="signer",
        image_png=ltv.pki.signature_png.read_bytes(),
    )
    cert = x509.load_pem_x509_certificate(ltv.pki.signer_cert.read_bytes())
    issuer = x509.load_pem_x509_certificate(ltv.pki.ca_cert.read_bytes())
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
    ltv.services.revoke(ltv.signer_serial)
    try:
        answer = ltv.services.ocsp_response(request.public_bytes(serialization.Encoding.DER))
    finally:
        ltv.services.reinstate(ltv.signer_serial)
    contents = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].pkcs7_content
    output = io.BytesIO(signed)
    DocumentSecurityStore.add_dss(
        output, contents, ocsps=[asn1_ocsp.OCSPResponse.load(answer)], force_write=True
    )
    report = verify_pdf(output.getvalue(), [ltv.root])
    (signature,) = report.signatures
    assert signature.revocation == "revoked"
    assert "revoked at" in signature.revocation_detail
    assert signature.state == "invalid" and not report.ok


def test_a_tsa_that_asks_for_credentials_gets_them_from_the_policy(ltv):
    signed = sign_both(ltv, make_letter_pdf(), _no_tsa(ltv))
    password = secrets.token_urlsafe(12)
    ltv.services.require_tsa_auth("snn", password)
    try:
        with pytest.raises(TimestampError):
            add_document_timestamp(signed, ltv.policy)
        wrong = LongTermPolicy(
            trust_roots=(ltv.root,), tsa_url=ltv.services.tsa_url, tsa_auth=("snn", "wrong")
        )
        with pytest.raises(TimestampError):
            add_document_timestamp(signed, wrong)
        right = LongTermPolicy(
            trust_roots=(ltv.root,), tsa_url=ltv.services.tsa_url, tsa_auth=("snn", password)
        )
        assert password not in repr(right)
        lta = add_document_timestamp(signed, right)
    finally:
        ltv.services._tsa_auth = None
    assert verify_pdf(lta, [ltv.root]).ok


def test_a_configured_proxy_carries_every_ca_and_tsa_request(ltv, tmp_path):
    """A server that may not reach the CA directly asks through the company's proxy: the OCSP
    and TSA requests go there, and a proxy that does not answer means the CA was not asked."""
    proxy = ForwardProxy.start()
    try:
        via_proxy = dataclasses.replace(ltv.policy, proxy=proxy.url)
        assert check_revocation(ltv.pki.signer_cert.read_bytes(), via_proxy).status == "good"
        signed = sign_both(ltv, make_letter_pdf(), via_proxy)
        (tmp_path / "signed.pdf").write_bytes(signed)
        args = ["--tsa", ltv.services.tsa_url, "--trust", ltv.pki.ca_cert, "--proxy", proxy.url]
        r = run_cli("timestamp", tmp_path / "signed.pdf", tmp_path / "lta.pdf", *args)
        assert r.returncode == 0, r.stderr
    finally:
        proxy.stop()
    lta = (tmp_path / "lta.pdf").read_bytes()
    assert {s.level for s in verify_pdf(lta, [ltv.root]).signatures} == {"b_lta"}
    assert f"{ltv.services.url}/ocsp" in proxy.seen
    # Each signature's timestamp and the archive timestamp (pyHanko also asks the TSA once per
    # signature to size the signature's room in the file).
    assert proxy.seen.count(ltv.services.tsa_url) >= 3
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    dead_proxy = dataclasses.replace(ltv.policy, proxy=f"http://127.0.0.1:{port}")
    check = check_revocation(ltv.pki.signer_cert.read_bytes(), dead_proxy)
    assert check.status == "unknown"  # the CA itself is up: only the proxy was asked
    with pytest.raises(RevocationUnavailableError):
        require_not_revoked(check, dead_proxy, "Nguyễn Công Hàm")


@pytest.mark.parametrize(
    "address", ["http://user:secret@proxy.example:3128", "ftp://proxy.example", "proxy:3128"]
)
def test_a_proxy_address_with_credentials_or_no_http_is_refused(address):
    with pytest.raises(BadInputError) as refused:
        LongTermPolicy(trust_roots=(), proxy=address)
    assert "proxy" in refused.value.vi and "proxy" in refused.value.en
    assert "secret" not in str(refused.value)  # a password is never echoed into a log
