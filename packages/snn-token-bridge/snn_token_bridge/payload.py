"""What the bridge agrees to sign: DER-encoded CMS signed attributes, nothing else.

Requiring a well-formed ``SignedAttributes`` SET with a content-type and a message-digest of the
right length keeps the bridge from being a general signing oracle: whatever it signs is a CMS
signature over some content's digest, and the digest goes to the log.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from asn1crypto import cms

from snn_sign.errors import BridgeError
from snn_token_bridge.token import RSA_MECHANISMS

MAX_SIGNED_ATTRS_BYTES = 32 * 1024


class PayloadError(BridgeError):
    """The request body is not an acceptable signing request (-> HTTP 400)."""


@dataclass(frozen=True)
class SignRequest:
    key: str
    digest_algorithm: str
    signed_attrs: bytes
    message_digest: bytes


def _bad(vi: str, en: str) -> PayloadError:
    return PayloadError(vi, en)


def _single(values):
    """The one value of an attribute. RFC 5652 (11.1, 11.2) allows exactly one for content-type
    and message-digest; with two, the logged digest need not be the one a verifier reads."""
    if values is None:
        return None
    if len(values) != 1:
        raise ValueError("a content-type or message-digest attribute needs exactly one value")
    return values[0].native


def check_signed_attrs(der: bytes, digest_algorithm: str) -> bytes:
    """Return the message digest if ``der`` is CMS signed attributes fit for signing."""
    _, digest_size = RSA_MECHANISMS[digest_algorithm]
    try:
        attrs = cms.CMSAttributes.load(der, strict=True)
        types = [attr["type"].native for attr in attrs]
        values = {attr["type"].native: attr["values"] for attr in attrs}
        content_type = _single(values.get("content_type"))
        digest = _single(values.get("message_digest"))
    except (ValueError, TypeError, KeyError, IndexError):
        raise _bad(
            "Dữ liệu không phải là các thuộc tính đã ký (signed attributes) của CMS.",
            "The data is not CMS signed attributes.",
        ) from None
    if len(set(types)) != len(types):
        raise _bad("Thuộc tính CMS bị lặp.", "Duplicate CMS attributes.")
    if content_type is None or digest is None:
        raise _bad(
            "Thuộc tính đã ký thiếu content-type hoặc message-digest.",
            "The signed attributes lack content-type or message-digest.",
        )
    if not isinstance(digest, bytes) or len(digest) != digest_size:
        raise _bad(
            f"Độ dài message-digest không khớp với {digest_algorithm}.",
            f"The message-digest length does not match {digest_algorithm}.",
        )
    return digest


def parse_sign_request(body: object) -> SignRequest:
    """Check the decoded JSON body of ``POST /v1/sign``."""
    if not isinstance(body, dict):
        raise _bad(
            "Nội dung yêu cầu phải là một đối tượng JSON.", "The body must be a JSON object."
        )
    key = body.get("key")
    digest_algorithm = body.get("digest_algorithm", "sha256")
    encoded = body.get("signed_attrs")
    if not isinstance(key, str) or not key:
        raise _bad("Thiếu trường 'key'.", "Missing field 'key'.")
    if digest_algorithm not in RSA_MECHANISMS:
        raise _bad(
            f"Thuật toán băm không được hỗ trợ: {digest_algorithm!r}.",
            f"Unsupported digest algorithm: {digest_algorithm!r}.",
        )
    if not isinstance(encoded, str) or len(encoded) > MAX_SIGNED_ATTRS_BYTES * 4 // 3 + 4:
        raise _bad("Thiếu hoặc quá dài 'signed_attrs'.", "Missing or too long 'signed_attrs'.")
    try:
        der = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad("'signed_attrs' không phải base64.", "'signed_attrs' is not base64.") from None
    digest = check_signed_attrs(der, digest_algorithm)
    return SignRequest(key, digest_algorithm, der, digest)
