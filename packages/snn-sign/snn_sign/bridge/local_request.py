"""Signing requests that Odoo hands to a bridge on the official's PC, through the browser.

In the bridge's ``local`` profile the browser, not Odoo's server, talks to the bridge, so the
bridge cannot tell Odoo's web client from any other page by the connection. What it can check:
the request was signed by Odoo (Ed25519; the PC holds Odoo's PUBLIC key only, so nothing on the
PC can mint requests), for this browser origin, for these exact CMS signed attributes, and only
for a few minutes. Replays (a request id seen twice) are the bridge's to refuse.

Wire format. An envelope is JSON ``{"payload": b64url(P), "signature": b64url(Ed25519(P))}``
where ``P`` is the UTF-8 JSON of::

    {"type": "snn-local-sign-request", "version": 1, "request_id": <random b64url>,
     "key_label": "signer", "to_sign": <b64 DER of CMS signed attributes>,
     "digest_algorithm": "sha256", "document_digest": <hex of the PDF byte-range digest>,
     "document": {"code": ..., "subject": ..., "organisation": ...},
     "origin": "https://odoo.example.vn", "issued_at": <unix s>, "expires_at": <unix s>,
     "more": [{"kind": "attachment" | "trail", "name": ..., "to_sign": <b64 DER>}, ...]}

``more`` (optional): the other signatures of the same key that the one confirmation covers,
each over its own CMS signed attributes: the seal of each attachment, and the signed head of
the document's trail. The official sees each one listed on the confirmation page.

The signature covers the payload's exact bytes (no canonical JSON needed). ``type`` keeps an
Odoo key from being tricked into signing anything else that parses the same. The public key is
the raw 32-byte Ed25519 key in standard base64.

Odoo-free: imported by Odoo (``make_request``) and by the bridge (``verify_request``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

# tsp registers the ESS signing-certificate(-v2) attribute types that cms then parses.
from asn1crypto import cms, tsp  # noqa: F401
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from snn_sign.errors import BadInputError, BridgeError

REQUEST_TYPE = "snn-local-sign-request"
VERSION = 1
DEFAULT_LIFETIME = 300  # seconds: time to read the page and type the PIN
MAX_LIFETIME = 600  # longer-lived requests are refused: a leaked one stays useful for less
CLOCK_SKEW = 120  # seconds a PC's clock may be behind Odoo's before "not yet valid"
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}
MAX_TO_SIGN_BYTES = 32 * 1024
MAX_ENVELOPE_CHARS = 128 * 1024
MAX_FIELD_CHARS = 1000  # a document code, subject or organisation name
DOCUMENT_FIELDS = ("code", "subject", "organisation")
MORE_KINDS = ("attachment", "trail")
MAX_MORE = 30  # attachments of one document, and its trail
# scheme://host[:port], as browsers send it in the Origin header (no path, no trailing slash).
_ORIGIN_RE = re.compile(r"^https?://([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class LocalRequestError(BridgeError):
    """A request the bridge must not sign. ``reason`` is a short code for the log and JSON."""

    def __init__(self, reason: str, vi: str, en: str):
        super().__init__(vi, en)
        self.reason = reason


def _refuse(reason: str, vi: str, en: str) -> LocalRequestError:
    return LocalRequestError(
        reason, f"Yêu cầu ký bị từ chối: {vi}.", f"Signing request refused: {en}."
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _seconds(now: float | dt.datetime | None) -> float:
    if now is None:
        return time.time()
    if isinstance(now, dt.datetime):
        return now.timestamp()
    return float(now)


# --------------------------------------------------------------------------- keys


def new_request_key() -> tuple[bytes, str]:
    """A new Odoo request key: (private key PEM, PKCS#8, unencrypted: keep it like a password;
    public key, standard base64 of the raw 32 bytes: goes into each PC's bridge config)."""
    private = ed25519.Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private_pem, public_key_b64(private_pem)


def public_key_b64(private_pem: bytes) -> str:
    """The public half of a request key, as the bridge's ``odoo_request_key`` wants it."""
    raw = (
        _private_key(private_pem)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode("ascii")


def _private_key(private_pem: bytes) -> ed25519.Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(private_pem, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise BadInputError(
            "Khóa ký yêu cầu của Odoo không phải khóa riêng Ed25519 PEM.",
            "Odoo's request key is not an Ed25519 private key in PEM.",
        )
    return key


def load_public_key(public_b64: str) -> ed25519.Ed25519PublicKey:
    """Odoo's public request key from its base64 form; BadInputError when it is not one."""
    try:
        raw = base64.b64decode(public_b64.strip(), validate=True)
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError, AttributeError):
        raise BadInputError(
            "odoo_request_key không phải khóa công khai Ed25519 (base64 của 32 byte).",
            "odoo_request_key is not an Ed25519 public key (base64 of 32 bytes).",
        ) from None


def normalise_origin(origin: str) -> str:
    """``origin`` as a browser serialises it (lower case, no trailing slash); BadInputError when
    it is not scheme://host[:port]."""
    value = origin.strip().lower().rstrip("/") if isinstance(origin, str) else ""
    if not _ORIGIN_RE.match(value):
        raise BadInputError(
            f"{origin!r} không phải một origin dạng https://máy-chủ[:cổng].",
            f"{origin!r} is not an origin of the form https://host[:port].",
        )
    return value


# --------------------------------------------------------------------------- signed attributes


@dataclass(frozen=True)
class SignedAttributes:
    """What the bridge needs from ``to_sign``: the PDF byte-range digest it commits to and the
    certificate hashes of its ESS signing-certificate-v2 attribute."""

    message_digest: bytes
    signing_certificates: tuple[tuple[str, bytes], ...]  # (hash algorithm, certificate hash)


def _single(values):
    """The one value of an attribute: RFC 5652 allows exactly one for content-type and
    message-digest; with two, the digest shown need not be the one a verifier reads."""
    if values is None:
        return None
    if len(values) != 1:
        raise ValueError("an attribute with more than one value")
    return values[0]


def read_signed_attributes(der: bytes, digest_algorithm: str) -> SignedAttributes:
    """Parse ``der`` as DER CMS signed attributes fit for signing; LocalRequestError if not."""
    not_attrs = _refuse(
        "bad-to-sign",
        "dữ liệu cần ký không phải các thuộc tính đã ký (signed attributes) của CMS",
        "the data to sign is not CMS signed attributes",
    )
    if len(der) > MAX_TO_SIGN_BYTES:
        raise not_attrs
    try:
        attrs = cms.CMSAttributes.load(der, strict=True)
        types = [attr["type"].native for attr in attrs]
        values = {attr["type"].native: attr["values"] for attr in attrs}
        content_type = _single(values.get("content_type"))
        digest = _single(values.get("message_digest"))
        digest = None if digest is None else digest.native
        ess = _single(values.get("signing_certificate_v2"))
        cert_ids = (
            ()
            if ess is None
            else tuple(
                (cert_id["hash_algorithm"]["algorithm"].native, cert_id["cert_hash"].native)
                for cert_id in ess["certs"]
            )
        )
    except (ValueError, TypeError, KeyError, IndexError):
        raise not_attrs from None
    if len(set(types)) != len(types):
        raise _refuse("bad-to-sign", "thuộc tính CMS bị lặp", "duplicate CMS attributes")
    if content_type is None or digest is None:
        raise _refuse(
            "bad-to-sign",
            "thuộc tính đã ký thiếu content-type hoặc message-digest",
            "the signed attributes lack content-type or message-digest",
        )
    if not isinstance(digest, bytes) or len(digest) != DIGEST_SIZES[digest_algorithm]:
        raise _refuse(
            "bad-to-sign",
            f"độ dài message-digest không khớp với {digest_algorithm}",
            f"the message-digest length does not match {digest_algorithm}",
        )
    return SignedAttributes(digest, cert_ids)


def names_certificate(attributes: SignedAttributes, certificate_der: bytes) -> bool:
    """Whether the signing-certificate-v2 attribute names this certificate (its first entry is
    the signer's, RFC 5035): what the official is shown must be what the signature claims."""
    if not attributes.signing_certificates:
        return False
    algorithm, cert_hash = attributes.signing_certificates[0]
    if algorithm not in DIGEST_SIZES:
        return False
    return hmac.compare_digest(hashlib.new(algorithm, certificate_der).digest(), cert_hash)


# --------------------------------------------------------------------------- Odoo's side


def _document(document: dict) -> dict:
    if not isinstance(document, dict):
        raise BadInputError("document phải là một dict.", "document must be a dict.")
    shown = {}
    for name in DOCUMENT_FIELDS:
        value = document.get(name) or ""
        if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS:
            raise BadInputError(
                f"document[{name!r}] phải là chuỗi tối đa {MAX_FIELD_CHARS} ký tự.",
                f"document[{name!r}] must be a string of at most {MAX_FIELD_CHARS} characters.",
            )
        shown[name] = value
    return shown


def make_request(
    private_pem: bytes,
    *,
    key_label: str,
    to_sign: bytes,
    digest_algorithm: str = "sha256",
    document: dict,
    origin: str,
    more: list[dict] | tuple[dict, ...] = (),
    lifetime: int = DEFAULT_LIFETIME,
    now: float | dt.datetime | None = None,
) -> dict:
    """The envelope for one signature of ``to_sign`` (DER CMS signed attributes) by the PC's
    key ``key_label``, to be posted by the web client served at ``origin``; ``more``: the
    other signatures of that key the same confirmation makes, each
    ``{"kind": "attachment"|"trail", "name": str, "to_sign": bytes}``."""
    if digest_algorithm not in DIGEST_SIZES:
        raise BadInputError(
            f"Thuật toán băm không được hỗ trợ: {digest_algorithm!r}.",
            f"Unsupported digest algorithm: {digest_algorithm!r}.",
        )
    if not 0 < lifetime <= MAX_LIFETIME:
        raise BadInputError(
            f"Thời hạn yêu cầu phải từ 1 đến {MAX_LIFETIME} giây.",
            f"The request lifetime must be 1 to {MAX_LIFETIME} seconds.",
        )
    attributes = read_signed_attributes(to_sign, digest_algorithm)
    issued_at = int(_seconds(now))
    payload = {
        "type": REQUEST_TYPE,
        "version": VERSION,
        "request_id": _b64url(secrets.token_bytes(16)),
        "key_label": key_label,
        "to_sign": base64.b64encode(to_sign).decode("ascii"),
        "digest_algorithm": digest_algorithm,
        "document_digest": attributes.message_digest.hex(),
        "document": _document(document),
        "origin": normalise_origin(origin),
        "issued_at": issued_at,
        "expires_at": issued_at + int(lifetime),
    }
    if len(more) > MAX_MORE:
        raise BadInputError(
            f"Một lần xác nhận ký tối đa {MAX_MORE + 1} chữ ký ({len(more) + 1} được yêu cầu).",
            f"One confirmation makes at most {MAX_MORE + 1} signatures ({len(more) + 1} asked).",
        )
    if more:
        payload["more"] = [_more_part(part, digest_algorithm) for part in more]
    payload_bytes = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    signature = _private_key(private_pem).sign(payload_bytes)
    return {"payload": _b64url(payload_bytes), "signature": _b64url(signature)}


def _more_part(part: dict, digest_algorithm: str) -> dict:
    if part.get("kind") not in MORE_KINDS:
        raise BadInputError(
            f"Loại chữ ký kèm theo không được hỗ trợ: {part.get('kind')!r}.",
            f"Unsupported kind of further signature: {part.get('kind')!r}.",
        )
    name = part.get("name") or ""
    if not isinstance(name, str) or len(name) > MAX_FIELD_CHARS:
        raise BadInputError(
            f"Tên chữ ký kèm theo phải là chuỗi tối đa {MAX_FIELD_CHARS} ký tự.",
            f"The name of a further signature must be a string of at most {MAX_FIELD_CHARS} "
            "characters.",
        )
    read_signed_attributes(part["to_sign"], digest_algorithm)
    return {
        "kind": part["kind"],
        "name": name,
        "to_sign": base64.b64encode(part["to_sign"]).decode("ascii"),
    }


# --------------------------------------------------------------------------- the bridge's side


def _malformed(what: str, what_en: str) -> LocalRequestError:
    return _refuse("malformed", f"yêu cầu sai dạng ({what})", f"malformed request ({what_en})")


def _signed_payload(envelope: object, public_key: ed25519.Ed25519PublicKey) -> dict:
    """The payload JSON once the signature over its bytes checks; nothing is parsed before."""
    if not isinstance(envelope, dict):
        raise _malformed("không phải đối tượng JSON", "not a JSON object")
    encoded, signature = envelope.get("payload"), envelope.get("signature")
    if not isinstance(encoded, str) or not isinstance(signature, str):
        raise _malformed("thiếu payload hoặc signature", "payload or signature missing")
    if len(encoded) > MAX_ENVELOPE_CHARS:
        raise _malformed("quá dài", "too long")
    try:
        payload_bytes, signature_bytes = _unb64url(encoded), _unb64url(signature)
    except (ValueError, binascii.Error):
        raise _malformed("không phải base64url", "not base64url") from None
    try:
        public_key.verify(signature_bytes, payload_bytes)
    except InvalidSignature:
        raise _refuse(
            "bad-signature",
            "chữ ký của Odoo không hợp lệ (yêu cầu bị sửa, hoặc do máy chủ khác tạo)",
            "Odoo's signature is not valid (the request was altered or made by another server)",
        ) from None
    try:
        payload = json.loads(payload_bytes)
    except (ValueError, UnicodeDecodeError):
        raise _malformed("payload không phải JSON", "the payload is not JSON") from None
    if not isinstance(payload, dict) or payload.get("type") != REQUEST_TYPE:
        raise _malformed("không phải yêu cầu ký", "not a signing request")
    if payload.get("version") != VERSION:
        raise _refuse(
            "unsupported-version",
            f"phiên bản yêu cầu {payload.get('version')!r} không được hỗ trợ (hãy cập nhật "
            "token bridge)",
            f"request version {payload.get('version')!r} is not supported (update the token "
            "bridge)",
        )
    return payload


def _check_fields(payload: dict) -> None:
    strings = ("request_id", "key_label", "to_sign", "digest_algorithm", "document_digest")
    if not all(isinstance(payload.get(name), str) for name in strings):
        raise _malformed("thiếu trường", "a field is missing")
    if not _REQUEST_ID_RE.match(payload["request_id"]):
        raise _malformed("request_id", "request_id")
    for name in ("issued_at", "expires_at"):
        value = payload.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _malformed(name, name)
    document = payload.get("document")
    if not isinstance(document, dict) or not all(
        isinstance(document.get(name, ""), str) for name in DOCUMENT_FIELDS
    ):
        raise _malformed("document", "document")
    if payload["digest_algorithm"] not in DIGEST_SIZES:
        raise _refuse(
            "bad-digest-algorithm",
            f"thuật toán băm không được hỗ trợ: {payload['digest_algorithm']!r}",
            f"unsupported digest algorithm: {payload['digest_algorithm']!r}",
        )


def _check_times(payload: dict, now: float) -> None:
    issued_at, expires_at = payload["issued_at"], payload["expires_at"]
    if not 0 < expires_at - issued_at <= MAX_LIFETIME:
        raise _refuse(
            "lifetime",
            f"thời hạn yêu cầu phải từ 1 đến {MAX_LIFETIME} giây",
            f"the request lifetime must be 1 to {MAX_LIFETIME} seconds",
        )
    if now + CLOCK_SKEW < issued_at:
        raise _refuse(
            "not-yet-valid",
            "yêu cầu chưa có hiệu lực (kiểm tra đồng hồ của máy tính)",
            "the request is not yet valid (check this computer's clock)",
        )
    if now > expires_at:
        raise _refuse(
            "expired",
            "yêu cầu đã hết hạn; hãy bấm ký lại trong Odoo",
            "the request has expired; click sign again in Odoo",
        )


def verify_request(
    envelope: object,
    public_b64: str | ed25519.Ed25519PublicKey,
    *,
    origin: str | None,
    now: float | dt.datetime | None = None,
) -> dict:
    """The payload of ``envelope`` if Odoo signed it with the key ``public_b64``, for this
    browser ``origin`` (the request's Origin header), now; else LocalRequestError. The payload
    gets ``to_sign_der`` (bytes) and ``signed_attributes`` (SignedAttributes) added."""
    public_key = (
        public_b64
        if isinstance(public_b64, ed25519.Ed25519PublicKey)
        else load_public_key(public_b64)
    )
    payload = _signed_payload(envelope, public_key)
    _check_fields(payload)
    _check_times(payload, _seconds(now))
    try:
        request_origin = normalise_origin(origin or "")
    except BadInputError:
        request_origin = None
    if request_origin is None or payload.get("origin") != request_origin:
        raise _refuse(
            "origin-mismatch",
            "yêu cầu được tạo cho một trang web khác",
            "the request was made for another web page",
        )
    try:
        to_sign = base64.b64decode(payload["to_sign"], validate=True)
    except (binascii.Error, ValueError):
        raise _malformed("to_sign không phải base64", "to_sign is not base64") from None
    attributes = read_signed_attributes(to_sign, payload["digest_algorithm"])
    if attributes.message_digest.hex() != payload["document_digest"].lower():
        raise _refuse(
            "digest-mismatch",
            "message-digest trong dữ liệu cần ký khác với mã băm của văn bản",
            "the message-digest in the data to sign differs from the document's digest",
        )
    return {
        **payload,
        "to_sign_der": to_sign,
        "signed_attributes": attributes,
        "more": _read_more(payload.get("more", []), payload["digest_algorithm"]),
    }


@dataclass(frozen=True)
class MorePart:
    """A further signature of a request, as the bridge reads it."""

    kind: str
    name: str
    to_sign: bytes
    attributes: SignedAttributes


def _read_more(more: object, digest_algorithm: str) -> tuple[MorePart, ...]:
    if not isinstance(more, list) or len(more) > MAX_MORE:
        raise _malformed("more", "more")
    parts = []
    for part in more:
        if (
            not isinstance(part, dict)
            or part.get("kind") not in MORE_KINDS
            or not isinstance(part.get("name"), str)
            or len(part["name"]) > MAX_FIELD_CHARS
            or not isinstance(part.get("to_sign"), str)
        ):
            raise _malformed("more", "more")
        try:
            to_sign = base64.b64decode(part["to_sign"], validate=True)
        except (binascii.Error, ValueError):
            raise _malformed(
                "more.to_sign không phải base64", "more.to_sign is not base64"
            ) from None
        attributes = read_signed_attributes(to_sign, digest_algorithm)
        parts.append(MorePart(part["kind"], part["name"], to_sign, attributes))
    return tuple(parts)
