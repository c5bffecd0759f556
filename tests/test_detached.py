"""Detached CMS signatures over arbitrary bytes (an audit trail's head hash), made by the seal key
through the real bridge; checked by verify_detached and, independently, by openssl cms."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.signers import SimpleSigner

from snn_sign import DetachedReport, sign_detached, verify_detached
from snn_sign.detached import async_sign_detached, async_verify_detached
from snn_sign.errors import BadInputError
from snn_sign.vntime import VN_TZ
from snn_sign_testkit.pki import issue_cert, make_ca

HEAD = hashlib.sha256(b"snn.approval #1042 | prev=9f2c... | director approved").hexdigest().encode()


@pytest.fixture(scope="module")
def seal_sig(bridge_signer) -> bytes:
    return sign_detached(HEAD, bridge_signer("seal"))


@pytest.fixture(scope="module")
def ca_pem(pki) -> bytes:
    return pki.ca_cert.read_bytes()


def test_a_seal_signature_verifies(seal_sig, ca_pem, pki):
    before = dt.datetime.now(VN_TZ).replace(microsecond=0)
    report = verify_detached(HEAD, seal_sig, [ca_pem])
    assert isinstance(report, DetachedReport)
    assert report.intact and report.trusted and report.valid
    assert report.error is None
    seal = x509.load_pem_x509_certificate(pki.seal_cert.read_bytes())
    assert report.serial == format(seal.serial_number, "X")
    assert pki.org_name in report.signer_subject
    assert "SNN Demo CA" in report.issuer
    assert report.signing_time.endswith("+07:00")
    signed_at = dt.datetime.fromisoformat(report.signing_time)
    assert before - dt.timedelta(minutes=5) <= signed_at <= before + dt.timedelta(minutes=1)
    assert report.to_dict()["valid"] is True


def test_the_signature_is_detached_sha256_with_the_attributes(seal_sig, bridge):
    info = cms.ContentInfo.load(seal_sig)
    assert info["content_type"].native == "signed_data"
    signed = info["content"]
    assert signed["encap_content_info"]["content"].native is None  # detached
    (signer_info,) = signed["signer_infos"]
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha256"
    attrs = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_time", "signing_certificate_v2"} <= set(
        attrs
    )
    assert attrs["message_digest"].native == hashlib.sha256(HEAD).digest()
    # the bridge signed it with the seal key and logged the data's digest
    digest = hashlib.sha256(HEAD).hexdigest()
    assert f"key=seal digest_algorithm=sha256 digest={digest}" in bridge.log_text()


def test_openssl_accepts_the_signature(seal_sig, pki, tmp_path):
    """An implementation that shares no code with pyHanko."""
    (tmp_path / "head").write_bytes(HEAD)
    (tmp_path / "head.p7s").write_bytes(seal_sig)
    r = _openssl_verify(tmp_path / "head.p7s", tmp_path / "head", pki.ca_cert)
    assert r.returncode == 0, r.stderr
    assert "Verification successful" in r.stderr
    (tmp_path / "other").write_bytes(HEAD + b"x")
    assert _openssl_verify(tmp_path / "head.p7s", tmp_path / "other", pki.ca_cert).returncode != 0


def _openssl_verify(sig: Path, content: Path, ca: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(sig),
            "-content", str(content), "-CAfile", str(ca), "-purpose", "any", "-out", "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_changed_data_is_not_intact(seal_sig, ca_pem):
    report = verify_detached(bytes([HEAD[0] ^ 1]) + HEAD[1:], seal_sig, [ca_pem])
    assert not report.intact and not report.valid
    assert "digest mismatch" in report.error and "thay đổi" in report.error
    assert "trusted CA" not in report.error  # trust is not judged for a broken signature
    assert report.serial  # but who signed it is still said
    assert verify_detached(HEAD + b"\n", seal_sig, [ca_pem]).intact is False
    assert verify_detached(b"", seal_sig, [ca_pem]).intact is False


def test_a_forged_seal_from_an_untrusted_root_is_not_trusted(pki, ca_pem):
    """A look-alike CA with the demo CA's name issues a certificate with the seal's subject:
    the signature is intact, but nothing chains it to the real root."""
    real_ca = x509.load_pem_x509_certificate(ca_pem)
    common_name = real_ca.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    fake_ca = make_ca(common_name, pki.org_name)
    cert, key = issue_cert(*fake_ca, common_name=pki.org_name, org=pki.org_name,
                           purpose="organization")  # fmt: skip
    der = serialization.Encoding.DER
    signer = SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=None,
    )
    forged = sign_detached(HEAD, signer)
    report = verify_detached(HEAD, forged, [ca_pem])
    assert report.intact and not report.trusted and not report.valid
    assert pki.org_name in report.signer_subject
    assert "trusted CA" in report.error and "CA tin cậy" in report.error
    # and trusting that other root instead makes it valid: the verdict follows the roots given
    fake_pem = fake_ca[0].public_bytes(serialization.Encoding.PEM)
    assert verify_detached(HEAD, forged, [fake_pem]).valid


def test_the_real_signature_against_another_root_is_not_trusted(seal_sig):
    other = make_ca("Another CA")[0].public_bytes(serialization.Encoding.DER)  # DER root too
    report = verify_detached(HEAD, seal_sig, [other])
    assert report.intact and not report.trusted and not report.valid


def _embedded(seal_sig: bytes) -> bytes:
    """The same SignedData with the content put inside: not a detached signature."""
    info = cms.ContentInfo.load(seal_sig)
    signed = info["content"]
    signed["encap_content_info"] = cms.ContentInfo({"content_type": "data", "content": HEAD})
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(force=True)


@pytest.mark.parametrize(
    "garble",
    [
        pytest.param(lambda sig: b"", id="empty"),
        pytest.param(lambda sig: b"not a signature at all", id="text"),
        pytest.param(lambda sig: bytes(range(256)) * 4, id="random-bytes"),
        pytest.param(lambda sig: sig[: len(sig) // 2], id="truncated"),
        pytest.param(lambda sig: sig + b"\x00\x01", id="trailing-bytes"),
        pytest.param(lambda sig: sig[:200] + bytes([sig[200] ^ 0xFF]) + sig[201:], id="flipped"),
        pytest.param(
            lambda sig: cms.ContentInfo({"content_type": "data", "content": b"x"}).dump(),
            id="not-signed-data",
        ),
        pytest.param(_embedded, id="not-detached"),
        pytest.param(lambda sig: "a string", id="not-bytes"),
        pytest.param(lambda sig: None, id="none"),
    ],
)
def test_garbage_gives_a_clear_error_never_an_exception(garble, seal_sig, ca_pem):
    report = verify_detached(HEAD, garble(seal_sig), [ca_pem])
    assert not report.intact and not report.valid
    assert report.error and " / " in report.error  # Vietnamese / English
    assert "\n" not in report.error and len(report.error) < 500


def test_a_flipped_signature_value_is_not_intact(seal_sig, ca_pem):
    info = cms.ContentInfo.load(seal_sig)
    signer_info = info["content"]["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[-1] ^= 0x01
    signer_info["signature"] = bytes(value)
    tampered = info.dump(force=True)
    report = verify_detached(HEAD, tampered, [ca_pem])
    assert not report.intact and not report.valid
    assert "cryptographically invalid" in report.error


def test_bad_trust_roots_are_the_callers_error(seal_sig):
    with pytest.raises(BadInputError):
        verify_detached(
            HEAD, seal_sig, [b"-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n"]
        )


def test_data_must_be_bytes(bridge_signer):
    with pytest.raises(BadInputError):
        sign_detached("a str", bridge_signer("seal"))


def test_async_variants_inside_an_event_loop(bridge_signer, ca_pem):
    async def main():
        with pytest.raises(RuntimeError, match="event loop"):
            sign_detached(HEAD, bridge_signer("seal"))
        sig = await async_sign_detached(HEAD, bridge_signer("seal"))
        return await async_verify_detached(HEAD, sig, [ca_pem])

    assert asyncio.run(main()).valid


def test_a_given_signing_time_is_kept(bridge_signer, ca_pem):
    when = dt.datetime(2019, 2, 18, 2, 30, tzinfo=dt.timezone.utc)
    sig = sign_detached(HEAD, bridge_signer("seal"), signing_time=when)
    assert verify_detached(HEAD, sig, [ca_pem]).signing_time == "2019-02-18T09:30:00+07:00"
