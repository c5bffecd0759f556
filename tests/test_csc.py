"""Remote signing through the Cloud Signature Consortium API v1: the test kit's CSC service
(snn_sign_testkit.csc_service, keys on the demo SoftHSM2 token) driven by pyHanko's own CSC
signer (an independent client: the service speaks CSC) and by ours (snn_sign.csc) with deferred
signing; the files read back by snn-sign verify and by poppler's pdfsig."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import secrets
import time

import aiohttp
import pytest
import requests
from cryptography import x509
from helpers_sign import pdfsig
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationManager,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from snn_sign.csc import (
    CscAccessDeniedError,
    CscAuthorizationRefusedError,
    CscClient,
    CscError,
    CscSadExpiredError,
    CscUnknownCredentialError,
    CscUnreachableError,
)
from snn_sign.deferred import PendingSignature, finish_signature, prepare_signature
from snn_sign.verify import verify_pdf
from snn_sign_testkit.csc_service import CscService
from snn_sign_testkit.demo_bridge import free_port
from snn_sign_testkit.sample_letter import make_letter_pdf

HAM_PIN = secrets.token_hex(3)
CLERK_PIN = secrets.token_hex(3)


class Clock:
    """The service's clock, which a test moves forward instead of waiting."""

    def __init__(self):
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


@pytest.fixture(scope="module")
def csc(pki):
    """The service with two holders: "ham" (the director's key: PIN and an OTP by SMS) and
    "clerk" (the seal: PIN only). ``csc.tokens[user]`` are their bearer tokens."""
    clock = Clock()
    service = CscService.on_token(pki, clock=clock).start()
    chain = [pki.ca_cert.read_bytes()]
    service.tokens = {"ham": service.add_user("ham"), "clerk": service.add_user("clerk")}
    service.add_credential(
        "ham-signer",
        user="ham",
        key_label="signer",
        certificates=[pki.signer_cert.read_bytes(), *chain],
        pin=HAM_PIN,
        otp=True,
    )
    service.add_credential(
        "clerk-seal",
        user="clerk",
        key_label="seal",
        certificates=[pki.seal_cert.read_bytes(), *chain],
        pin=CLERK_PIN,
    )
    service.test_clock = clock
    yield service
    service.stop()


@pytest.fixture(scope="module")
def letter() -> bytes:
    return make_letter_pdf()


def client_of(csc, user: str | None) -> CscClient:
    return CscClient(csc.url, bearer_token=csc.tokens[user] if user else None, timeout=10)


def ham_authorizes(csc, client: CscClient, hashes: list[bytes]) -> str:
    """Ham asks for an OTP, reads it on the phone, authorises with PIN and OTP: the SAD."""
    client.send_otp("ham-signer")
    sad, _expires = client.authorize(
        "ham-signer", hashes, pin=HAM_PIN, otp=csc.otp_sent("ham-signer")
    )
    return sad


def prepare_for_ham(csc, pki, letter: bytes) -> PendingSignature:
    info = client_of(csc, "ham").credential_info("ham-signer")
    return prepare_signature(
        letter,
        info.certificate_chain,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
    )


def test_pyhanko_s_own_csc_signer_signs_through_the_service(csc, pki, letter, tmp_path):
    """pyHanko's CSCSigner, an independent client, with its credential-info fetch and an
    authorisation manager of the documented kind: the service speaks CSC v1."""

    async def sign() -> bytes:
        async with aiohttp.ClientSession() as session:
            info = CSCServiceSessionInfo(csc.url, "clerk-seal", oauth_token=csc.tokens["clerk"])
            credential = await fetch_certs_in_csc_credential(session, info)
            assert credential.hash_pinning_required  # SCAL 2

            class PinAuthorization(CSCAuthorizationManager):
                async def authorize_signature(self, hash_b64s):
                    body = self.format_csc_auth_request(pin=CLERK_PIN, hash_b64s=hash_b64s)
                    async with session.post(
                        info.endpoint_url("credentials/authorize"),
                        json=body,
                        headers=self.auth_headers,
                        raise_for_status=True,
                    ) as response:
                        return self.parse_csc_auth_response(await response.json())

            signer = CSCSigner(session, PinAuthorization(info, credential))
            meta = signers.PdfSignatureMetadata(
                field_name="Remote", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
            )
            writer = IncrementalPdfFileWriter(io.BytesIO(letter))
            output = await signers.PdfSigner(meta, signer).async_sign_pdf(writer)
            return output.getvalue()

    signed = asyncio.run(sign())
    report = verify_pdf(signed, [pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    assert report.signatures[0].signer_name == pki.org_name
    path = tmp_path / "csc.pdf"
    path.write_bytes(signed)
    assert "Signature Validation: Signature is Valid." in pdfsig(path).stdout


def test_authorised_by_pin_and_otp_the_deferred_signature_verifies(csc, pki, letter, tmp_path):
    client = client_of(csc, "ham")
    assert client.list_credentials() == ["ham-signer"]
    info = client.credential_info("ham-signer")
    assert (info.pin_required, info.otp_required, info.otp_type) == (True, True, "online")
    assert info.scal == 2 and "sha256_rsa" in info.algorithms
    leaf = x509.load_pem_x509_certificate(pki.signer_cert.read_bytes())
    assert len(info.certificate_chain) == 2  # the signer's certificate, then its CA
    assert x509.load_der_x509_certificate(info.certificate_chain[0]) == leaf

    # The server prepares and stores; later the holder authorises; the server finishes.
    stored = prepare_signature(
        letter,
        info.certificate_chain,
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
    ).to_json()
    pending = PendingSignature.from_json(stored)
    client.send_otp("ham-signer")
    sad, expires_at = client.authorize(
        "ham-signer", [pending.to_sign_digest], pin=HAM_PIN, otp=csc.otp_sent("ham-signer")
    )
    left = (expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds()
    assert 290 < left <= 300  # the service's default SAD lifetime
    (value,) = client.sign_hashes("ham-signer", sad, [pending.to_sign_digest])
    signed = finish_signature(pending, value)

    report = verify_pdf(signed, [pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    assert report.signatures[0].signer_name == pki.signer_name
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert "Signature Validation: Signature is Valid." in pdfsig(path).stdout


def test_a_wrong_pin_or_otp_is_refused_and_nothing_is_signed(csc, pki, letter):
    client = client_of(csc, "ham")
    pending = prepare_for_ham(csc, pki, letter)
    signed_before = sum(1 for name, _u in csc.calls if name == "signatures/signHash")
    client.send_otp("ham-signer")
    otp = csc.otp_sent("ham-signer")
    with pytest.raises(CscAuthorizationRefusedError) as refused:
        client.authorize("ham-signer", [pending.to_sign_digest], pin="0000-wrong", otp=otp)
    assert "sai mã PIN/OTP" in refused.value.vi and "PIN or OTP is wrong" in refused.value.en
    wrong_otp = f"{(int(otp) + 1) % 10**6:06d}"
    with pytest.raises(CscAuthorizationRefusedError, match="OTP is invalid"):
        client.authorize("ham-signer", [pending.to_sign_digest], pin=HAM_PIN, otp=wrong_otp)
    with pytest.raises(CscAuthorizationRefusedError):  # the PIN alone is not enough
        client.authorize("ham-signer", [pending.to_sign_digest], pin=HAM_PIN)
    assert sum(1 for name, _u in csc.calls if name == "signatures/signHash") == signed_before
    # The OTP sent is still good for the holder's right answer.
    sad, _ = client.authorize("ham-signer", [pending.to_sign_digest], pin=HAM_PIN, otp=otp)
    assert sad


def test_an_expired_authorisation_is_refused(csc, pki, letter):
    client = client_of(csc, "ham")
    pending = prepare_for_ham(csc, pki, letter)
    sad = ham_authorizes(csc, client, [pending.to_sign_digest])
    csc.test_clock.ahead += 301  # the holder authorised, then went to lunch
    try:
        with pytest.raises(CscSadExpiredError) as refused:
            client.sign_hashes("ham-signer", sad, [pending.to_sign_digest])
    finally:
        csc.test_clock.ahead -= 301
    assert "đã hết hạn" in refused.value.vi and "has expired" in refused.value.en


def test_an_authorisation_signs_once(csc, pki, letter):
    client = client_of(csc, "ham")
    pending = prepare_for_ham(csc, pki, letter)
    sad = ham_authorizes(csc, client, [pending.to_sign_digest])
    client.sign_hashes("ham-signer", sad, [pending.to_sign_digest])
    with pytest.raises(CscSadExpiredError, match="already used"):
        client.sign_hashes("ham-signer", sad, [pending.to_sign_digest])


def test_a_hash_that_was_not_authorised_is_refused(csc, pki, letter):
    client = client_of(csc, "ham")
    authorised = prepare_for_ham(csc, pki, letter)
    other = prepare_for_ham(csc, pki, make_letter_pdf(2))
    sad = ham_authorizes(csc, client, [authorised.to_sign_digest])
    with pytest.raises(CscError, match="Hash is not authorized by the SAD") as refused:
        client.sign_hashes("ham-signer", sad, [other.to_sign_digest])
    assert type(refused.value) is CscError
    assert "từ chối" in refused.value.vi


def test_another_user_cannot_use_the_credential(csc, pki, letter):
    ham, clerk = client_of(csc, "ham"), client_of(csc, "clerk")
    assert clerk.list_credentials() == ["clerk-seal"]  # ham's is not even listed
    with pytest.raises(CscUnknownCredentialError) as refused:
        clerk.credential_info("ham-signer")
    assert "không có chứng thư" in refused.value.vi
    pending = prepare_for_ham(csc, pki, letter)
    sad = ham_authorizes(csc, ham, [pending.to_sign_digest])
    with pytest.raises(CscUnknownCredentialError):  # even with ham's SAD in hand
        clerk.sign_hashes("ham-signer", sad, [pending.to_sign_digest])
    with pytest.raises(CscUnknownCredentialError):
        clerk.authorize("ham-signer", [pending.to_sign_digest], pin=HAM_PIN)
    with pytest.raises(CscAccessDeniedError):  # and nobody without a token
        client_of(csc, None).credential_info("ham-signer")
    with pytest.raises(CscUnknownCredentialError):
        ham.credential_info("no-such-credential")


def test_the_service_answers_errors_in_csc_s_shape(csc):
    url = f"{csc.url}/csc/v1/credentials/info"
    answer = requests.post(url, json={"credentialID": "ham-signer"}, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json()["error"] == "invalid_token"
    answer = requests.post(
        url,
        json={"credentialID": "ham-signer", "certificates": "all"},
        headers={"Authorization": f"Bearer {csc.tokens['ham']}"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_request",
        "error_description": "Invalid parameter certificates",
    }
    info = requests.post(f"{csc.url}/csc/v1/info", json={}, timeout=10).json()
    assert info["specs"] == "1.0.4.0" and "signatures/signHash" in info["methods"]


def test_a_service_out_of_reach_is_said_so():
    client = CscClient(f"http://127.0.0.1:{free_port()}", bearer_token="x", timeout=3)
    with pytest.raises(CscUnreachableError) as refused:
        client.list_credentials()
    assert "Không kết nối được" in refused.value.vi and "Cannot reach" in refused.value.en
