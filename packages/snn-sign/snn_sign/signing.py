"""PAdES signatures (ETSI.CAdES.detached, SHA-256, signing-certificate-v2) with Decree 30 looks.

``sign_pdf`` takes any pyHanko ``Signer``: the bridge's ``BridgeSigner`` in production, a
``SimpleSigner`` in some tests. Every signature is an incremental update, so earlier signatures
and the approved bytes stay a byte prefix of the result. The signing time written into the PDF
(/M) and drawn on the seal is the same moment, shown in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from typing import Literal

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.timestamps import HTTPTimeStamper

from . import appearance as ap
from .blocking import refuse_in_loop, run_boxed
from .errors import BadInputError, SnnSignError
from .longterm import LongTermPolicy, online, signing_refusal
from .pdfinput import Point, check_png, open_pdf, zero_based_point
from .vntime import iso_vn, now_vn, to_vn

Appearance = Literal["signer", "seal", "attachment", "copy"]
DEFAULT_FIELDS = {
    "signer": ap.SIGNER_FIELD,
    "seal": ap.SEAL_FIELD,
    "attachment": ap.ATTACHMENT_FIELD,
    "copy": ap.COPY_FIELD,
}


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    appearance: Appearance,
    image_png: bytes | None = None,
    code: str | None = None,
    org_name: str | None = None,
    copy_form: str | None = None,
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
    refuse_in_loop("sign_pdf")
    return run_boxed(
        async_sign_pdf(
            pdf,
            signer,
            appearance=appearance,
            image_png=image_png,
            code=code,
            org_name=org_name,
            copy_form=copy_form,
            at=at,
            seal_size_mm=seal_size_mm,
            tsa_url=tsa_url,
            signing_time=signing_time,
            field_name=field_name,
            long_term=long_term,
        )
    )


async def async_sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    appearance: Appearance,
    image_png: bytes | None = None,
    code: str | None = None,
    org_name: str | None = None,
    copy_form: str | None = None,
    at: Point | None = None,
    seal_size_mm: float = 36,
    tsa_url: str | None = None,
    signing_time: dt.datetime | None = None,
    field_name: str | None = None,
    long_term: LongTermPolicy | None = None,
) -> bytes:
    """See :func:`sign_pdf`. ``at`` = (1-based page, x, y) of the field's lower left corner."""
    plan = plan_signature(
        pdf,
        signer.signing_cert,
        appearance=appearance,
        image_png=image_png,
        code=code,
        org_name=org_name,
        copy_form=copy_form,
        at=at,
        seal_size_mm=seal_size_mm,
        signing_time=signing_time,
        field_name=field_name,
    )
    if long_term is None:
        timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
        return await _sign_at(plan, plan.pdf_signer(signer, timestamper=timestamper))
    async with online(long_term) as (context, timestamper):
        try:
            return await _sign_at(plan, plan.pdf_signer(signer, context, timestamper))
        except SigningError as exc:
            raise signing_refusal(exc, plan.signer_name or "?") from exc


@dataclass(frozen=True)
class SignaturePlan:
    """Where one signature goes and what it shows, worked out once from the PDF and the
    signer's certificate: :func:`sign_pdf` and deferred signing (:mod:`snn_sign.deferred`)
    both build their pyHanko ``PdfSigner`` from it, so a signature looks the same whichever
    way its key is reached."""

    writer: IncrementalPdfFileWriter
    when: dt.datetime  # the signing time (/M, and what the seal shows), Vietnam time
    field_name: str
    signer_name: str  # the certificate's common name
    placement: ap.Placement

    def pdf_signer(
        self, signer: Signer, validation_context=None, timestamper=None
    ) -> signers.PdfSigner:
        """PAdES, SHA-256, this plan's field and appearance; with a validation context the
        certificate is checked with the CA before signing and the answers go to the DSS."""
        meta = signers.PdfSignatureMetadata(
            field_name=self.field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            name=self.signer_name or None,
            validation_context=validation_context,
            embed_validation_info=validation_context is not None,
        )
        return signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=self.placement.stamp_style(),
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=self.field_name,
                on_page=self.placement.page_ix,
                box=self.placement.box,
            ),
        )

    def signed_attributes(self, pdf_signer: signers.PdfSigner) -> PdfCMSSignedAttributes:
        """The signed attributes' settings: the fixed signing time (pyHanko leaves it out
        under PAdES, which forbids it; /M carries it) and the signer's CAdES options."""
        return PdfCMSSignedAttributes(
            signing_time=self.when,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        )


def plan_signature(
    pdf: bytes,
    signing_cert: asn1_x509.Certificate | None,
    *,
    appearance: Appearance,
    image_png: bytes | None = None,
    code: str | None = None,
    org_name: str | None = None,
    copy_form: str | None = None,
    at: Point | None = None,
    seal_size_mm: float = 36,
    signing_time: dt.datetime | None = None,
    field_name: str | None = None,
) -> SignaturePlan:
    """Check the inputs and place the signature (see :func:`sign_pdf` for the arguments)."""
    if appearance not in DEFAULT_FIELDS:
        raise BadInputError(
            f"Kiểu chữ ký không hợp lệ: {appearance!r} (signer, seal, attachment hoặc copy)",
            f"Invalid appearance: {appearance!r} (signer, seal, attachment or copy)",
        )
    reader = open_pdf(pdf)
    check_png(image_png, "signature image" if appearance == "signer" else "seal image")
    if appearance in ("signer", "seal") and image_png is None:
        raise BadInputError(
            "Thiếu ảnh chữ ký/con dấu (PNG).",
            "The signature or seal image (PNG) is missing.",
        )
    if signing_cert is None:
        raise SnnSignError("Bộ ký không có chứng thư số.", "The signer has no certificate.")
    when = to_vn(signing_time) if signing_time is not None else now_vn()
    when = when.replace(microsecond=0)
    subject = signing_cert.subject
    common_name = _attr(subject, "common_name")
    at0 = zero_based_point(at, reader) if at is not None else None

    if appearance == "signer":
        place = ap.signer_placement(pdf, reader, common_name, image_png, at=at0)
    elif appearance == "seal":
        org = org_name or _attr(subject, "organization_name") or common_name
        place = ap.seal_placement(
            reader, image_png, org, iso_vn(when), size_mm=seal_size_mm, at=at0
        )
    elif appearance == "copy":
        org = org_name or _attr(subject, "organization_name") or common_name
        place = ap.copy_placement(reader, copy_form or "", org, iso_vn(when), at=at0)
    else:
        place = ap.attachment_placement(reader, code or "", iso_vn(when), at=at0)

    return SignaturePlan(
        writer=IncrementalPdfFileWriter.from_reader(reader),
        when=when,
        field_name=field_name or _free_field_name(reader, DEFAULT_FIELDS[appearance]),
        signer_name=common_name,
        placement=place,
    )


async def digest_at(plan: SignaturePlan, pdf_signer: signers.PdfSigner):
    """pyHanko's ``PdfSigner`` steps up to the document digest, with the session clock set to
    the plan's signing time: -> (PdfTBSDocument, PreparedByteRangeDigest, output BytesIO).

    pyHanko takes the signing time from its own clock; Decree 30 wants it to match the issue
    date, and tests need an injectable clock, so we run its steps with ``system_time`` set.
    With a validation context, the CA is asked here (a revoked certificate stops it).
    """
    session = pdf_signer.init_signing_session(plan.writer)
    session.system_time = plan.when
    validation_info = await session.perform_presign_validation(plan.writer)
    reserved = await session.estimate_signature_container_size(validation_info, tight=False)
    tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document(output=BytesIO())
    return tbs, prepared, output


async def _sign_at(plan: SignaturePlan, pdf_signer: signers.PdfSigner) -> bytes:
    """pyHanko's ``PdfSigner.async_sign_pdf`` with the session clock set to the plan's time."""
    tbs, prepared, output = await digest_at(plan, pdf_signer)
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=plan.signed_attributes(pdf_signer),
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
