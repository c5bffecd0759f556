"""Deferred signing (snn_sign.deferred): the server prepares, the key signs elsewhere, the server
finishes from the stored JSON. The key is the demo token's (SoftHSM2), reached through
python-pkcs11 directly (as a browser-side tool would) and through the running token bridge; the
files are read back by snn-sign verify and by poppler's pdfsig."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pkcs11
import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from helpers_sign import appearance_text, field_widgets, pdfsig
from pkcs11 import Mechanism, ObjectClass
from pkcs11 import exceptions as p11e

from snn_sign.deferred import PendingSignature, finish_signature, prepare_signature
from snn_sign.deferred_detached import PendingDetached, finish_detached, prepare_detached
from snn_sign.detached import verify_detached
from snn_sign.errors import BadInputError
from snn_sign.longterm import (
    LongTermPolicy,
    RevocationUnavailableError,
    RevokedCertificateError,
    add_document_timestamp,
)
from snn_sign.signing import sign_pdf
from snn_sign.verify import verify_pdf
from snn_sign.vntime import to_vn
from snn_sign_testkit.pki import issue_cert, issue_tsa_cert
from snn_sign_testkit.sample_letter import make_letter_pdf
from snn_sign_testkit.trust_services import ServedPki, TrustServices


@pytest.fixture(scope="module")
def token(pki):
    """The demo token in this process, through python-pkcs11 alone: sign(label, data) with
    SHA256_RSA_PKCS, what a signing tool on the clerk's PC does with the bytes it gets."""
    lib = pkcs11.lib(pki.module)
    found = lib.get_token(token_label=pki.token_label)
    try:
        session = found.open(user_pin=pki.pin)
    except p11e.UserAlreadyLoggedIn:  # login is per process: another session holds it
        session = found.open()

    def sign(label: str, data: bytes) -> bytes:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
        return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))

    yield sign
    session.close()


@pytest.fixture(scope="module")
def letter() -> bytes:
    return make_letter_pdf()


def chain_of(pki, which: str = "signer") -> list[bytes]:
    """The certificate chain a browser tool or a CSC service hands over: leaf first (PEM)."""
    leaf = pki.signer_cert if which == "signer" else pki.seal_cert
    return [leaf.read_bytes(), pki.ca_cert.read_bytes()]


def prepare_signer(pki, pdf: bytes, **kwargs) -> PendingSignature:
    return prepare_signature(
        pdf,
        chain_of(pki),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        **kwargs,
    )


def prepare_seal(pki, pdf: bytes, **kwargs) -> PendingSignature:
    return prepare_signature(
        pdf,
        chain_of(pki, "seal"),
        appearance="seal",
        image_png=pki.seal_png.read_bytes(),
        **kwargs,
    )


def assert_pdfsig_valid(pdf: bytes, tmp_path, count: int) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    out = pdfsig(path).stdout
    assert out.count("Signature Validation: Signature is Valid.") == count, out


def test_prepared_stored_as_json_signed_on_the_token_and_finished(pki, token, letter, tmp_path):
    pending = prepare_signer(pki, letter)
    stored = pending.to_json()
    assert isinstance(json.loads(stored), dict)  # plain JSON: kept in a database row
    restored = PendingSignature.from_json(stored)
    assert restored == pending
    assert restored.to_sign_digest == hashlib.sha256(restored.to_sign).digest()

    signed = finish_signature(restored, token("signer", restored.to_sign))

    assert signed.startswith(letter), "the approved bytes stay a prefix"
    start, end = restored.reserved_region_start, restored.reserved_region_end
    assert signed[:start] == restored.placeholder_pdf[:start]
    assert signed[end : len(restored.placeholder_pdf)] == restored.placeholder_pdf[end:]
    report = verify_pdf(signed, [pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    (signature,) = report.signatures
    assert signature.field == "SignerSignature"
    assert signature.signer_name == pki.signer_name
    assert signature.signing_time == restored.signing_time  # fixed at prepare
    assert restored.signing_time.endswith("+07:00")
    assert_pdfsig_valid(signed, tmp_path, 1)


def test_the_token_bridge_signs_what_is_to_be_signed(bridge, letter, tmp_path):
    """The bridge's /v1/sign takes signed-attribute DER: exactly ``pending.to_sign``."""
    key = bridge.client.key("signer")
    chain = [text.encode() for text in key["chain"]]
    pending = prepare_signature(
        letter,
        chain,
        appearance="signer",
        image_png=bridge.pki.signature_png.read_bytes(),
    )
    signed = finish_signature(pending, bridge.client.sign("signer", pending.to_sign))
    assert verify_pdf(signed, [bridge.pki.ca_cert.read_bytes()]).ok
    assert_pdfsig_valid(signed, tmp_path, 1)


def test_a_cms_signed_data_carrying_the_value_is_accepted(pki, token, letter):
    """Some signing tools answer a digest with a CMS SignedData, not a bare value: its
    SignerInfo's signature over the same attributes is taken."""
    pending = prepare_signer(pki, letter)
    raw = token("signer", pending.to_sign)
    cert = asn1_x509.Certificate.load(pending.certificate_chain[0])
    answer = cms.ContentInfo(
        {
            "content_type": "signed_data",
            "content": {
                "version": "v1",
                "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {"content_type": "data"},
                "certificates": [cert],
                "signer_infos": [
                    {
                        "version": "v1",
                        "sid": {
                            "issuer_and_serial_number": {
                                "issuer": cert.issuer,
                                "serial_number": cert.serial_number,
                            }
                        },
                        "digest_algorithm": {"algorithm": "sha256"},
                        "signature_algorithm": {"algorithm": "sha256_rsa"},
                        "signature": raw,
                    }
                ],
            },
        }
    ).dump()
    assert verify_pdf(finish_signature(pending, answer), [pki.ca_cert.read_bytes()]).ok


def test_signer_then_seal_both_deferred_look_as_sign_pdf_draws_them(
    pki, token, bridge_signer, letter, tmp_path
):
    """Same fields, boxes and seal text as the direct path, for the same signing time."""
    at = to_vn(dt.datetime(2019, 2, 18, 2, 30, 5, tzinfo=dt.timezone.utc))
    signer_pending = prepare_signer(pki, letter, signing_time=at)
    signed = finish_signature(signer_pending, token("signer", signer_pending.to_sign))
    seal_pending = prepare_seal(pki, signed, signing_time=at)
    sealed = finish_signature(seal_pending, token("seal", seal_pending.to_sign))

    report = verify_pdf(sealed, [pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    assert [s.field for s in report.signatures] == ["SignerSignature", "SealSignature"]
    assert sealed.startswith(signed) and signed.startswith(letter)
    assert_pdfsig_valid(sealed, tmp_path, 2)

    direct = sign_pdf(
        letter,
        bridge_signer("signer"),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        signing_time=at,
    )
    direct = sign_pdf(
        direct,
        bridge_signer("seal"),
        appearance="seal",
        image_png=pki.seal_png.read_bytes(),
        signing_time=at,
    )
    assert field_widgets(sealed) == field_widgets(direct)
    seal_text = appearance_text(sealed, "SealSignature")
    assert seal_text == appearance_text(direct, "SealSignature")
    assert "2019-02-18T09:30:05+07:00" in seal_text


def test_a_signature_from_another_key_is_refused(pki, token, letter):
    pending = prepare_signer(pki, letter)
    with pytest.raises(BadInputError) as refused:
        finish_signature(pending, token("seal", pending.to_sign))
    assert "không được tạo bằng khóa" in refused.value.vi
    assert "was not made with the key" in refused.value.en
    assert pki.signer_name in refused.value.en


def test_a_signature_over_other_bytes_is_refused(pki, token, letter):
    """The right key, but the digest signed as if it were the data (hashed twice)."""
    pending = prepare_signer(pki, letter)
    with pytest.raises(BadInputError) as refused:
        finish_signature(pending, token("signer", pending.to_sign_digest))
    assert "dữ liệu khác" in refused.value.vi
    assert "over other data" in refused.value.en


def test_a_tampered_pending_signature_is_refused(pki, token, letter):
    pending = prepare_signer(pki, letter)
    # Another document's digest written into the stored JSON.
    stored = json.loads(pending.to_json())
    stored["document_digest"] = hashlib.sha256(b"another document").hexdigest()
    altered = PendingSignature.from_json(json.dumps(stored))
    with pytest.raises(BadInputError, match="altered \\(document digest\\)") as refused:
        finish_signature(altered, token("signer", altered.to_sign))
    assert "đã bị sửa" in refused.value.vi

    # Signed attributes for other content, signed by the right key: still refused.
    attrs = cms.CMSAttributes.load(pending.signed_attrs)
    for attr in attrs:
        if attr["type"].native == "message_digest":
            attr["values"] = [hashlib.sha256(b"another document").digest()]
    altered = dataclasses.replace(pending, signed_attrs=attrs.dump())
    assert altered.to_sign != pending.to_sign
    with pytest.raises(BadInputError, match="altered \\(signed attributes: message digest\\)"):
        finish_signature(altered, token("signer", altered.to_sign))

    with pytest.raises(BadInputError, match="pending signature cannot be read"):
        PendingSignature.from_json('{"format": "snn-sign/pending-signature"}')


# ---------------------------------------------------------------- long term (B-LT, B-LTA)


@pytest.fixture(scope="module")
def long_term(pki, token):
    """A certificate of the demo CA that names a running OCSP responder and CRL, its key on
    the demo token ("deferred-lt"), the CA's TSA, and the policy an organisation configures."""
    services = TrustServices.bind()
    ca_cert, ca_key = pki.load_ca()
    cert, key = issue_cert(
        ca_cert,
        ca_key,
        common_name=pki.signer_name,  # the letter names its signer
        org=pki.org_name,
        ocsp_url=services.ocsp_url,
        crl_url=services.crl_url,
    )
    tsa_cert, tsa_key = issue_tsa_cert(ca_cert, ca_key, org=pki.org_name, crl_url=services.crl_url)
    services.serve(ServedPki(ca_cert, ca_key, tsa_cert, tsa_key))
    pki.import_key("deferred-lt", b"\x23", cert, key)
    del key  # only the token holds it now

    class LongTerm:
        pass

    env = LongTerm()
    env.services = services
    env.serial = cert.serial_number
    env.chain = [cert.public_bytes(Encoding.PEM), pki.ca_cert.read_bytes()]
    env.root = pki.ca_cert.read_bytes()
    env.policy = LongTermPolicy(trust_roots=(env.root,), tsa_url=services.tsa_url, timeout=5)
    yield env
    services.stop()


HEAD = b"a1b2c3: the head of a document's trail"


def test_a_detached_seal_prepared_signed_on_the_token_and_finished_verifies(pki, token):
    """The trail's head sealed on the clerk's PC: what verify_detached accepts from
    sign_detached, with the signing time fixed at prepare."""
    at = to_vn(dt.datetime(2026, 3, 4, 2, 30, 0))  # naive is UTC: 09:30 in Vietnam
    pending = prepare_detached(HEAD, chain_of(pki, "seal"), signing_time=at)
    restored = PendingDetached.from_json(pending.to_json())
    assert restored == pending
    cms_der = finish_detached(restored, token("seal", restored.to_sign), HEAD)
    report = verify_detached(HEAD, cms_der, [pki.ca_cert.read_bytes()])
    assert report.valid, report.error
    assert pki.org_name in report.signer_subject
    assert report.signing_time == "2026-03-04T09:30:00+07:00"
    assert not verify_detached(HEAD + b"!", cms_der, [pki.ca_cert.read_bytes()]).intact


def test_a_detached_seal_is_not_finished_with_other_data_or_another_key(pki, token):
    pending = prepare_detached(HEAD, chain_of(pki, "seal"))
    value = token("seal", pending.to_sign)
    with pytest.raises(BadInputError, match="differs from the data prepared"):
        finish_detached(pending, value, HEAD + b"!")
    with pytest.raises(BadInputError, match="not made with the key"):
        finish_detached(pending, token("signer", pending.to_sign), HEAD)
    other = prepare_detached(b"another head", chain_of(pki, "seal"))
    with pytest.raises(BadInputError, match="over other data"):
        finish_detached(pending, token("seal", other.to_sign), HEAD)
    with pytest.raises(BadInputError, match="cannot be read"):
        PendingDetached.from_json('{"format": "snn-sign/pending-signature"}')


def test_long_term_b_lt_then_b_lta_holds_offline(pki, token, long_term, letter):
    pending = prepare_signature(
        letter,
        long_term.chain,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        long_term=long_term.policy,
    )
    pending = PendingSignature.from_json(pending.to_json())
    signed = finish_signature(
        pending, token("deferred-lt", pending.to_sign), long_term=long_term.policy
    )
    (signature,) = verify_pdf(signed, [long_term.root]).signatures
    assert signature.ok
    assert signature.level == "b_lt"
    assert signature.revocation == "good" and "OCSP" in signature.revocation_detail
    assert signature.timestamp_authority.startswith("SNN Demo TSA")

    lta = add_document_timestamp(signed, long_term.policy)
    assert lta.startswith(signed)
    long_term.services.set_down(True)  # the CA and the TSA stop answering
    try:
        report = verify_pdf(lta, [long_term.root])
    finally:
        long_term.services.set_down(False)
    assert report.ok, report.to_dict()
    (signature,) = report.signatures
    assert signature.level == "b_lta"
    assert signature.revocation == "good"


def test_a_certificate_revoked_before_the_finish_is_refused(pki, token, long_term, letter):
    pending = prepare_signature(
        letter,
        long_term.chain,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        long_term=long_term.policy,
    )
    value = token("deferred-lt", pending.to_sign)
    long_term.services.revoke(long_term.serial)
    try:
        asked = len(long_term.services.requests)
        with pytest.raises(RevokedCertificateError) as refused:
            finish_signature(pending, value, long_term=long_term.policy)
        # Refused before any timestamp was asked for.
        assert "/tsa" not in long_term.services.requests[asked:]
        assert "đã bị thu hồi" in refused.value.vi and "is revoked" in refused.value.en
        # And a prepare with a revoked certificate is refused before anyone is asked to sign.
        with pytest.raises(RevokedCertificateError):
            prepare_signature(
                letter,
                long_term.chain,
                appearance="signer",
                image_png=pki.signature_png.read_bytes(),
                long_term=long_term.policy,
            )
    finally:
        long_term.services.reinstate(long_term.serial)


def test_a_timestamp_at_finish_needs_the_policy_at_prepare_too(pki, token, long_term, letter):
    """Prepared without the long-term policy, no room was left for the signature timestamp:
    said so, nothing written."""
    pending = prepare_signature(
        letter, long_term.chain, appearance="signer", image_png=pki.signature_png.read_bytes()
    )
    with pytest.raises(BadInputError) as refused:
        finish_signature(pending, token("deferred-lt", pending.to_sign), long_term=long_term.policy)
    assert "prepare again with the same long-term policy" in refused.value.en
    assert "cùng chính sách lưu trữ dài hạn" in refused.value.vi


def test_a_ca_that_does_not_answer_at_finish_follows_the_policy(pki, token, long_term, letter):
    pending = prepare_signature(
        letter,
        long_term.chain,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
        long_term=long_term.policy,
    )
    value = token("deferred-lt", pending.to_sign)
    long_term.services.set_down(True, ["/ocsp", "/crl"])
    try:
        with pytest.raises(RevocationUnavailableError):
            finish_signature(pending, value, long_term=long_term.policy)
        # "record": finished all the same, timestamped; the file says nothing was checked.
        record = dataclasses.replace(long_term.policy, unreachable="record")
        signed = finish_signature(pending, value, long_term=record)
    finally:
        long_term.services.set_down(False)
    (signature,) = verify_pdf(signed, [long_term.root]).signatures
    assert signature.ok
    assert signature.revocation == "not_checked"
    assert signature.level == "b_t"
