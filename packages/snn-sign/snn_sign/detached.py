"""Detached CMS signatures over arbitrary bytes, e.g. an audit trail's head hash, so that the
trail can be anchored outside the database (a signature made by the organisation's seal key
through the token bridge proves who fixed that head and when).

``sign_detached(data, signer)`` -> DER of a CMS ContentInfo holding a detached SignedData
(RFC 5652; SHA-256; signed attributes content-type, message-digest, signing-time,
signing-certificate-v2 and CMS algorithm protection; the signer's chain embedded). ``signer``
is any pyHanko ``Signer``, in particular ``snn_sign.bridge.signer.BridgeSigner``.

``verify_detached(data, cms, trust_roots)`` -> :class:`DetachedReport`, offline and against
exactly the given roots, as :func:`snn_sign.verify.verify_pdf` does for PDFs. A garbled, foreign
or broken signature never raises: the report says ``intact=False`` and why. Unreadable trust
roots are the caller's configuration error and raise BadInputError.

Both check OpenSSL-compatibly: ``openssl cms -verify -binary -inform DER -in SIG -content DATA
-CAfile ROOT.pem`` accepts what ``sign_detached`` makes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import asdict, dataclass

from asn1crypto import cms
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from .errors import BadInputError, SnnSignError
from .verify import (
    KEY_USAGE,
    certificate_fields,
    integrity_and_trust_reasons,
    load_roots,
    validation_context,
)
from .vntime import iso_vn, now_vn, to_vn

DIGEST_ALGORITHM = "sha256"


@dataclass
class DetachedReport:
    """The verdict on one detached signature. ``intact``: the signature value is right and it
    covers exactly these bytes; ``trusted``: the signer's certificate chains to a given root
    (and may sign), judged only for an intact signature; ``valid`` = both. ``error``:
    Vietnamese / English, when not valid."""

    intact: bool
    trusted: bool
    signer_subject: str | None = None
    serial: str | None = None
    issuer: str | None = None
    signing_time: str | None = None  # ISO 8601, Vietnam time (+07:00), as the signer claims
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted

    def to_dict(self) -> dict:
        return asdict(self) | {"valid": self.valid}


def _outside_event_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() called inside an event loop: await async_{name}()")


def sign_detached(data: bytes, signer: Signer, *, signing_time: dt.datetime | None = None) -> bytes:
    """A detached CMS signature (DER) over ``data``. Blocking; inside an event loop, await
    :func:`async_sign_detached` instead."""
    _outside_event_loop("sign_detached")
    return asyncio.run(async_sign_detached(data, signer, signing_time=signing_time))


async def async_sign_detached(
    data: bytes, signer: Signer, *, signing_time: dt.datetime | None = None
) -> bytes:
    """See :func:`sign_detached`. ``signing_time`` defaults to now (whole seconds)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BadInputError(
            "Dữ liệu cần ký phải là bytes.", f"The data to sign must be bytes, not {type(data)}."
        )
    if signer.signing_cert is None:
        raise SnnSignError("Bộ ký không có chứng thư số.", "The signer has no certificate.")
    when = to_vn(signing_time) if signing_time is not None else now_vn()
    content_info = await signer.async_sign_general_data(
        bytes(data),
        DIGEST_ALGORITHM,
        detached=True,
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=when.replace(microsecond=0)),
    )
    return content_info.dump()


def verify_detached(data: bytes, cms_der: bytes, trust_roots: list[bytes]) -> DetachedReport:
    """Check ``cms_der`` (from :func:`sign_detached`, or any detached CMS SignedData) over
    ``data`` against ``trust_roots`` (PEM or DER bytes). Blocking; inside an event loop, await
    :func:`async_verify_detached` instead."""
    _outside_event_loop("verify_detached")
    return asyncio.run(async_verify_detached(data, cms_der, trust_roots))


async def async_verify_detached(
    data: bytes, cms_der: bytes, trust_roots: list[bytes]
) -> DetachedReport:
    """See :func:`verify_detached`."""
    roots = load_roots(trust_roots)
    try:
        signed_data = _signed_data(cms_der)
    except Exception as exc:  # asn1crypto fails in many ways on garbage
        return DetachedReport(
            intact=False,
            trusted=False,
            error=f"Không đọc được chữ ký CMS / The CMS signature cannot be read: {_why(exc)}",
        )
    try:
        status = await async_validate_detached_cms(
            bytes(data),
            signed_data,
            signer_validation_context=validation_context(roots),
            key_usage_settings=KEY_USAGE,
        )
    except Exception as exc:  # pyHanko raises for structurally broken signatures
        return DetachedReport(
            intact=False,
            trusted=False,
            error=f"Chữ ký hỏng / Broken signature: {_why(exc)}",
        )
    when = status.signer_reported_dt
    report = DetachedReport(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        **certificate_fields(status.signing_cert),
        signing_time=iso_vn(when) if isinstance(when, dt.datetime) else None,
    )
    if not report.valid:
        reasons = integrity_and_trust_reasons(status)
        if not report.intact:  # pyHanko judges no trust for a broken signature: say only that
            reasons = reasons[:1]
        report.error = "; ".join(reasons) or "Chữ ký không hợp lệ / The signature is not valid"
    return report


def _signed_data(cms_der: bytes) -> cms.SignedData:
    """The SignedData of a detached signature, fully parsed (asn1crypto parses lazily, so a
    garbled inner part would otherwise fail later, inside validation)."""
    if not isinstance(cms_der, (bytes, bytearray, memoryview)) or not cms_der:
        raise ValueError("empty or not bytes")
    info = cms.ContentInfo.load(bytes(cms_der), strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError(f"content type {info['content_type'].native}, not signed_data")
    signed_data = info["content"]
    signed_data.native  # noqa: B018 - parse everything now
    if signed_data["encap_content_info"]["content"].native is not None:
        raise ValueError("the signature embeds its content: not a detached signature")
    if len(signed_data["signer_infos"]) != 1:
        raise ValueError(f"{len(signed_data['signer_infos'])} signers, expected exactly one")
    return signed_data


def _why(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"
