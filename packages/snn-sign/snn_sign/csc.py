"""A client of remote-signing services speaking the Cloud Signature Consortium API v1 (CSC
1.0.4.0), for deferred signing (:mod:`snn_sign.deferred`): the key holder authorises each
signature with a PIN and/or an OTP, maybe long after the server prepared it.

    client = CscClient("https://rs.example.vn", bearer_token=token)
    info = client.credential_info(credential_id)            # its certificate chain, PIN/OTP
    pending = prepare_signature(pdf, info.certificate_chain, appearance="signer", ...)
    client.send_otp(credential_id)                           # when info.otp_type == "online"
    sad, expires_at = client.authorize(credential_id, [pending.to_sign_digest], pin=..., otp=...)
    (value,) = client.sign_hashes(credential_id, sad, [pending.to_sign_digest])
    signed = finish_signature(pending, value)

Obtaining the bearer token (the service's OAuth or its own login) is the caller's business.
pyHanko's ``csc_signer`` helpers build the URLs and headers (``CSCServiceSessionInfo``) and the
``credentials/authorize`` request and answer (``format_csc_auth_request``,
``parse_csc_auth_response``); ``fetch_certs_in_csc_credential`` is not used because it drops
the service's error answer, and the errors here must say what went wrong: a wrong PIN or OTP,
an expired (or spent) authorisation, an unknown credential, a service out of reach are each
their own bilingual error.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.csc_signer import CSCAuthorizationManager, CSCServiceSessionInfo

from .blocking import refuse_in_loop, run_boxed
from .errors import SnnSignError

# What the signatures of this package are: PKCS#1 v1.5 over SHA-256 (signing.py, deferred.py).
SHA256 = algos.DigestAlgorithmId("sha256").dotted
SHA256_WITH_RSA = algos.SignedDigestAlgorithmId("sha256_rsa").dotted


class CscError(SnnSignError):
    """The remote-signing service refused a request or answered something unusable."""


class CscUnreachableError(CscError):
    """The service did not answer (down, wrong address, timeout)."""


class CscAccessDeniedError(CscError):
    """The service did not accept the access (bearer) token."""


class CscUnknownCredentialError(CscError):
    """No such credential for this user (unknown, or another user's)."""


class CscAuthorizationRefusedError(CscError):
    """The key holder's PIN or OTP was wrong (or the PIN is locked)."""


class CscSadExpiredError(CscError):
    """The signature authorisation (SAD) expired or was already used: authorise again."""


@dataclass(frozen=True)
class CscCredentialInfo:
    """A credential as ``credentials/info`` describes it. ``certificate_chain``: DER, the
    signer's certificate first (what :func:`snn_sign.deferred.prepare_signature` takes);
    ``otp_type``: "online" (the service sends it: :meth:`CscClient.send_otp`), "offline" (the
    holder's device makes it) or None; ``scal``: 2 when each authorisation is bound to the
    hashes it signs; ``algorithms``: pyHanko's names (``sha256_rsa``, …)."""

    credential_id: str
    certificate_chain: tuple[bytes, ...]
    pin_required: bool
    otp_required: bool
    otp_type: str | None
    scal: int
    max_signatures: int
    algorithms: frozenset[str]
    description: str = ""


class CscClient:
    """``CscClient(service_url, bearer_token=None, timeout=30)``: ``service_url`` is what comes
    before ``/csc/v1/`` in the service's addresses. Each method waits at most ``timeout``
    seconds. The blocking methods wrap the ``async_*`` ones (await those in an event loop)."""

    def __init__(self, service_url: str, *, bearer_token: str | None = None, timeout: float = 30.0):
        self.service_url = service_url.rstrip("/")
        self._token = bearer_token
        self.timeout = timeout

    def __repr__(self) -> str:  # never show the token
        return f"CscClient({self.service_url!r})"

    def _session_info(self, credential_id: str = "") -> CSCServiceSessionInfo:
        return CSCServiceSessionInfo(self.service_url, credential_id, oauth_token=self._token)

    # ---------------------------------------------------------------- blocking

    def list_credentials(self) -> list[str]:
        refuse_in_loop("list_credentials")
        return run_boxed(self.async_list_credentials())

    def credential_info(self, credential_id: str) -> CscCredentialInfo:
        refuse_in_loop("credential_info")
        return run_boxed(self.async_credential_info(credential_id))

    def send_otp(self, credential_id: str) -> None:
        refuse_in_loop("send_otp")
        return run_boxed(self.async_send_otp(credential_id))

    def authorize(
        self,
        credential_id: str,
        hashes: Sequence[bytes],
        pin: str | None = None,
        otp: str | None = None,
        *,
        description: str | None = None,
    ) -> tuple[str, dt.datetime]:
        refuse_in_loop("authorize")
        return run_boxed(
            self.async_authorize(credential_id, hashes, pin, otp, description=description)
        )

    def sign_hashes(self, credential_id: str, sad: str, hashes: Sequence[bytes]) -> list[bytes]:
        refuse_in_loop("sign_hashes")
        return run_boxed(self.async_sign_hashes(credential_id, sad, hashes))

    # ---------------------------------------------------------------- async

    async def async_list_credentials(self) -> list[str]:
        """The credential IDs of the token's user."""
        answer = await self._post(self._session_info(), "credentials/list", {})
        ids = answer.get("credentialIDs")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise _malformed("credentials/list", "credentialIDs")
        return ids

    async def async_credential_info(self, credential_id: str) -> CscCredentialInfo:
        """The credential's certificate chain and what authorising it takes."""
        answer = await self._post(
            self._session_info(credential_id),
            "credentials/info",
            {"credentialID": credential_id, "certificates": "chain", "certInfo": False},
        )
        try:
            chain = tuple(
                base64.b64decode(c, validate=True) for c in answer["cert"]["certificates"]
            )
            for der in chain:
                asn1_x509.Certificate.load(der).native  # noqa: B018 - unreadable: said now
            names = frozenset(
                algos.SignedDigestAlgorithmId(oid).native for oid in answer["key"]["algo"]
            )
            otp = answer.get("OTP") or {}
            info = CscCredentialInfo(
                credential_id=credential_id,
                certificate_chain=chain,
                pin_required=(answer.get("PIN") or {}).get("presence", "false") == "true",
                otp_required=otp.get("presence", "false") == "true",
                otp_type=otp.get("type"),
                scal=int(answer.get("SCAL", 1)),
                max_signatures=int(answer.get("multisign", 1)),
                algorithms=names,
                description=str(answer.get("description") or ""),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise _malformed("credentials/info", str(exc)) from None
        if not chain:
            raise _malformed("credentials/info", "no certificate")
        return info

    async def async_send_otp(self, credential_id: str) -> None:
        """Ask the service to send the holder an OTP (``otp_type`` "online")."""
        await self._post(
            self._session_info(credential_id),
            "credentials/sendOTP",
            {"credentialID": credential_id},
        )

    async def async_authorize(
        self,
        credential_id: str,
        hashes: Sequence[bytes],
        pin: str | None = None,
        otp: str | None = None,
        *,
        description: str | None = None,
    ) -> tuple[str, dt.datetime]:
        """(SAD, when it expires) for signing exactly ``hashes`` (SHA-256 digests, e.g.
        ``pending.to_sign_digest``) with the holder's PIN and/or OTP."""
        info = self._session_info(credential_id)
        request = _AuthRequests(info).format_csc_auth_request(
            num_signatures=len(hashes),
            pin=pin,
            otp=otp,
            hash_b64s=[_b64(h) for h in hashes],
            description=description,
        )
        answer = await self._post(info, "credentials/authorize", request)
        try:
            authorization = CSCAuthorizationManager.parse_csc_auth_response(answer)
        except SigningError as exc:
            raise _malformed("credentials/authorize", str(exc)) from None
        return authorization.sad, authorization.expires_at

    async def async_sign_hashes(
        self, credential_id: str, sad: str, hashes: Sequence[bytes]
    ) -> list[bytes]:
        """Raw signatures (RSA PKCS#1 v1.5, SHA-256) of ``hashes``, in their order."""
        answer = await self._post(
            self._session_info(credential_id),
            "signatures/signHash",
            {
                "credentialID": credential_id,
                "SAD": sad,
                "hash": [_b64(h) for h in hashes],
                "hashAlgo": SHA256,
                "signAlgo": SHA256_WITH_RSA,
            },
        )
        try:
            values = [base64.b64decode(v, validate=True) for v in answer["signatures"]]
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise _malformed("signatures/signHash", "signatures") from None
        if len(values) != len(hashes):
            raise _malformed(
                "signatures/signHash", f"{len(values)} signatures for {len(hashes)} hashes"
            )
        return values

    # ---------------------------------------------------------------- transport

    async def _post(self, info: CSCServiceSessionInfo, method: str, body: dict) -> dict:
        url = info.endpoint_url(method)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(url, json=body, headers=info.auth_headers) as response,
            ):
                status = response.status
                text = await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise CscUnreachableError(
                f"Không kết nối được dịch vụ ký số từ xa {self.service_url}: {type(exc).__name__}",
                f"Cannot reach the remote-signing service {self.service_url}: {type(exc).__name__}",
            ) from None
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = None
        if 200 <= status < 300 and isinstance(data, dict):
            return data
        raise _refusal(method, status, data if isinstance(data, dict) else {})


class _AuthRequests(CSCAuthorizationManager):
    """pyHanko's formatting of ``credentials/authorize`` requests; the call is ours."""

    def __init__(self, info: CSCServiceSessionInfo):
        super().__init__(info, credential_info=None)  # type: ignore[arg-type] - not used


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _malformed(method: str, what: str) -> CscError:
    return CscError(
        f"Dịch vụ ký số từ xa trả lời {method} không đúng dạng ({what}).",
        f"The remote-signing service's answer to {method} is malformed ({what}).",
    )


def _refusal(method: str, status: int, data: dict) -> CscError:
    """The service's error answer as the person signing should read it. CSC services say
    what is wrong in ``error`` (``invalid_request`` mostly) and ``error_description`` (the
    specification's sentences: "The PIN is invalid", "SAD expired", …)."""
    error = str(data.get("error") or "")
    said = str(data.get("error_description") or error or f"HTTP {status}")
    lowered = said.lower()
    if status == 401 or error in ("invalid_token", "access_denied", "unauthorized_client"):
        return CscAccessDeniedError(
            f"Dịch vụ ký số từ xa không chấp nhận mã truy cập: {said}",
            f"The remote-signing service does not accept the access token: {said}",
        )
    if "credentialid" in lowered:
        return CscUnknownCredentialError(
            f"Dịch vụ ký số từ xa không có chứng thư (credential) này cho người dùng: {said}",
            f"The remote-signing service has no such credential for this user: {said}",
        )
    words = set(re.findall(r"[a-z]+", lowered))
    if error in ("invalid_pin", "invalid_otp") or (
        words & {"pin", "otp"} and words & {"invalid", "locked", "wrong"}
    ):
        return CscAuthorizationRefusedError(
            f"Người giữ khóa nhập sai mã PIN/OTP: không được phép ký. ({said})",
            f"The key holder's PIN or OTP is wrong: signing not authorised. ({said})",
        )
    if "sad" in words and "expired" in words:
        return CscSadExpiredError(
            f"Ủy quyền ký (SAD) đã hết hạn: hãy xin ủy quyền lại. ({said})",
            f"The signing authorisation (SAD) has expired: authorise again. ({said})",
        )
    if "invalid parameter sad" in lowered:
        return CscSadExpiredError(
            f"Ủy quyền ký (SAD) không còn dùng được (đã dùng hoặc không hợp lệ): hãy xin ủy "
            f"quyền lại. ({said})",
            f"The signing authorisation (SAD) can no longer be used (already used or not "
            f"valid): authorise again. ({said})",
        )
    return CscError(
        f"Dịch vụ ký số từ xa từ chối {method}: {said}",
        f"The remote-signing service refused {method}: {said}",
    )
