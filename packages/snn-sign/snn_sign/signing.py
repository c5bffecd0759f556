"""PAdES signatures (ETSI.CAdES.detached, SHA-256, signing-certificate-v2) with Decree 30 looks.

``sign_pdf`` takes any pyHanko ``Signer``: the bridge's ``BridgeSigner`` in production, a
``SimpleSigner`` in some tests. Every signature is an incremental update, so earlier signatures
and the approved bytes stay a byte prefix of the result. The signing time written into the PDF
(/M) and drawn on the seal is the same moment, shown in Vietnam time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from io import BytesIO
from typing import Literal

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.timestamps import HTTPTimeStamper

from . import appearance as ap
from .errors import BadInputError, SnnSignError
from .longterm import LongTermPolicy, online, signing_refusal
from .pdfinput import Point, check_png, open_pdf, zero_based_point
from .vntime import iso_vn, now_vn, to_vn

Appearance = Literal["signer", "seal", "attachment"]
DEFAULT_FIELDS = {
    "signer": ap.SIGNER_FIELD,
    "seal": ap.SEAL_FIELD,
    "attachment": ap.ATTACHMENT_FIELD,
}


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    appearance: Appearance,
    image_png: bytes | None = None,
    code: str | None = None,
    org_name: str | None = None,
    at: Point | None = None,
    seal_size_mm: float = 36,
    tsa_url: str | None = None,
    signing_time: dt.datetime | None = None,
    field_name: str | None = None,
    long_term: LongTermPolicy | None = None,
) -> bytes:
    """Sign ``pdf``; returns the signed PDF (the input is a byte prefix of it).

    ``long_term``: check the signer's certificate with the CA while signing (revoked is refused,
    unreachable as the policy says), embed the answers in the DSS (B-LT) and, with a TSA, a
    signature timestamp (B-T); see :mod:`snn_sign.longterm`. ``tsa_url`` alone: B-T only.

    Blocking wrapper around :func:`async_sign_pdf`; inside an event loop, await that instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("sign_pdf() called inside an event loop: await async_sign_pdf()")
    coro = async_sign_pdf(
        pdf,
        signer,
        appearance=appearance,
        image_png=image_png,
        code=code,
        org_name=org_name,
        at=at,
        seal_size_mm=seal_size_mm,
        tsa_url=tsa_url,
        signing_time=signing_time,
        field_name=field_name,
        long_term=long_term,
    )
    return asyncio.run(_boxed(coro)).value


class _Box:
    """Holds a result with a tiny repr. Python 3.12.1's asyncio.run builds repr(main task) when
    it restores the SIGINT handler; with 13 MB of PDF bytes as the result that took 0.4 s."""

    __slots__ = ("value",)


async def _boxed(coro) -> _Box:
    box = _Box()
    box.value = await coro
    return box


async def async_sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    appearance: Appearance,
    image_png: bytes | None = None,
    code: str | None = None,
    org_name: str | None = None,
    at: Point | None = None,
    seal_size_mm: float = 36,
    tsa_url: str | None = None,
    signing_time: dt.datetime | None = None,
    field_name: str | None = None,
    long_term: LongTermPolicy | None = None,
) -> bytes:
    """See :func:`sign_pdf`. ``at`` = (1-based page, x, y) of the field's lower left corner."""
    if appearance not in DEFAULT_FIELDS:
        raise BadInputError(
            f"Kiểu chữ ký không hợp lệ: {appearance!r} (signer, seal hoặc attachment)",
            f"Invalid appearance: {appearance!r} (signer, seal or attachment)",
        )
    reader = open_pdf(pdf)
    check_png(image_png, "signature image" if appearance == "signer" else "seal image")
    if appearance in ("signer", "seal") and image_png is None:
        raise BadInputError(
            "Thiếu ảnh chữ ký/con dấu (PNG).",
            "The signature or seal image (PNG) is missing.",
        )
    if signer.signing_cert is None:
        raise SnnSignError("Bộ ký không có chứng thư số.", "The signer has no certificate.")
    when = to_vn(signing_time) if signing_time is not None else now_vn()
    when = when.replace(microsecond=0)
    subject = signer.signing_cert.subject
    common_name = _attr(subject, "common_name")
    at0 = zero_based_point(at, reader) if at is not None else None

    if appearance == "signer":
        place = ap.signer_placement(pdf, reader, common_name, image_png, at=at0)
    elif appearance == "seal":
        org = org_name or _attr(subject, "organization_name") or common_name
        place = ap.seal_placement(
            reader, image_png, org, iso_vn(when), size_mm=seal_size_mm, at=at0
        )
    else:
        place = ap.attachment_placement(reader, code or "", iso_vn(when), at=at0)

    name = field_name or _free_field_name(reader, DEFAULT_FIELDS[appearance])
    writer = IncrementalPdfFileWriter.from_reader(reader)

    def pdf_signer(validation_context=None, timestamper=None):
        meta = signers.PdfSignatureMetadata(
            field_name=name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            name=common_name or None,
            validation_context=validation_context,
            embed_validation_info=validation_context is not None,
        )
        return signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=place.stamp_style(),
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=name, on_page=place.page_ix, box=place.box
            ),
        )

    if long_term is None:
        timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
        return await _sign_at(pdf_signer(timestamper=timestamper), writer, when)
    async with online(long_term) as (context, timestamper):
        try:
            return await _sign_at(pdf_signer(context, timestamper), writer, when)
        except SigningError as exc:
            raise signing_refusal(exc, common_name or "?") from exc


async def _sign_at(pdf_signer: signers.PdfSigner, writer, when: dt.datetime) -> bytes:
    """pyHanko's ``PdfSigner.async_sign_pdf`` with the session clock set to ``when``.

    pyHanko takes the signing time from its own clock; Decree 30 wants it to match the issue date,
    and tests need an injectable clock, so we run the same steps with ``system_time`` set.
    """
    session = pdf_signer.init_signing_session(writer)
    session.system_time = when
    validation_info = await session.perform_presign_validation(writer)
    reserved = await session.estimate_signature_container_size(validation_info, tight=False)
    tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document(output=BytesIO())
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=when,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        ),
    )
    await post.post_signature_processing(output)
    return output.getvalue()


def _attr(name, key: str) -> str:
    try:
        return name.native.get(key, "") or ""
    except AttributeError:
        return ""


def _free_field_name(reader, base: str) -> str:
    taken = {name for name, _v, _r in fields.enumerate_sig_fields(reader)}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"
