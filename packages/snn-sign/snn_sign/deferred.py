"""Deferred (interrupted) signing: the server prepares, the key signs elsewhere, the server
finishes, maybe hours later and in another process.

The key is not where the PDF is: a USB token on a clerk's PC reached through the browser, or a
remote-signing service (Cloud Signature Consortium API, :mod:`snn_sign.csc`) whose key holder
authorises each signature with a PIN or an OTP. So signing is cut in two:

1. :func:`prepare_signature`: the same field, appearance and signing time as
   :func:`snn_sign.signing.sign_pdf` would give, the PDF with room left for the signature, and
   the CMS signed attributes the key must sign -> :class:`PendingSignature`, stored as JSON;
2. elsewhere, the key signs ``pending.to_sign`` with SHA256withRSA (a token that hashes for
   itself, the token bridge) or ``pending.to_sign_digest`` (a CSC ``signHash``, a token that
   takes a digest);
3. :func:`finish_signature`: checks the returned value with the certificate's public key over
   exactly those attributes (a wrong key or wrong bytes stop here, nothing is written), builds
   the CMS (with a signature timestamp when the policy names a TSA), writes it into the room
   left and, with a long-term policy, asks the CA again (revoked is refused: the key holder may
   have signed long after the prepare) and adds its answers to the DSS (B-LT).

Only bytes cross the gap: pyHanko's in-memory objects do not survive a new process (pickled
asn1crypto objects break), so the finish rebuilds what it needs from the DER it kept and adds
the validation data after the fact (``fill_with_cms``, then ``add_validation_info``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner
from pyhanko.sign.validation import async_add_validation_info
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import PathError, ValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .blocking import refuse_in_loop, run_boxed
from .errors import BadInputError, SnnSignError
from .longterm import (
    LongTermPolicy,
    online,
    signing_refusal,
    timestamp_error,
    validation_refusal,
)
from .pdfinput import Point
from .signing import Appearance, digest_at, plan_signature
from .verify import _load_certs
from .vntime import iso_vn

FORMAT = "snn-sign/pending-signature"
VERSION = 1
DIGEST_ALGORITHM = "sha256"  # what every signature of this package uses (signing.py)


@dataclass(frozen=True)
class PendingSignature:
    """A signature prepared and waiting for its value; JSON-safe (:meth:`to_json`,
    :meth:`from_json`), bytes only.

    ``placeholder_pdf``: the PDF with the signature field, its appearance and room for the
    signature between ``reserved_region_start`` and ``reserved_region_end`` (the ``<…>`` of
    /Contents, left out of /ByteRange); ``document_digest``: the digest over the rest;
    ``signed_attrs``: DER of the CMS signed attributes (they carry that digest and the signer's
    certificate hash); ``certificate_chain``: DER, the signer's certificate first;
    ``signing_time``: /M and what the seal shows, ISO 8601 in Vietnam time."""

    placeholder_pdf: bytes
    document_digest: bytes
    reserved_region_start: int
    reserved_region_end: int
    signed_attrs: bytes
    digest_algorithm: str
    certificate_chain: tuple[bytes, ...]
    signing_time: str
    field_name: str

    @property
    def to_sign(self) -> bytes:
        """What a token signs with SHA256withRSA (CKM_SHA256_RSA_PKCS): the signed attributes'
        DER. The token bridge's ``/v1/sign`` takes exactly these bytes."""
        return self.signed_attrs

    @property
    def to_sign_digest(self) -> bytes:
        """SHA-256 of :attr:`to_sign`: what a CSC ``signHash`` or a token that takes a digest
        signs (PKCS#1 v1.5 over its DigestInfo)."""
        return hashlib.sha256(self.signed_attrs).digest()

    def __repr__(self) -> str:  # the PDF may weigh megabytes: say what it is, not its bytes
        return (
            f"PendingSignature(field_name={self.field_name!r}, "
            f"signing_time={self.signing_time!r}, pdf={len(self.placeholder_pdf)} bytes)"
        )

    def to_json(self) -> str:
        b64 = _b64encode
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "field_name": self.field_name,
                "signing_time": self.signing_time,
                "digest_algorithm": self.digest_algorithm,
                "document_digest": self.document_digest.hex(),
                "reserved_region": [self.reserved_region_start, self.reserved_region_end],
                "signed_attrs": b64(self.signed_attrs),
                "certificate_chain": [b64(der) for der in self.certificate_chain],
                "placeholder_pdf": b64(self.placeholder_pdf),
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> PendingSignature:
        """The pending signature :meth:`to_json` wrote; anything else is refused."""
        try:
            data = json.loads(text)
            if data["format"] != FORMAT or data["version"] != VERSION:
                raise ValueError(f"format {data['format']!r} version {data['version']!r}")
            start, end = (_int(v) for v in data["reserved_region"])
            pending = cls(
                placeholder_pdf=_b64decode(data["placeholder_pdf"]),
                document_digest=bytes.fromhex(data["document_digest"]),
                reserved_region_start=start,
                reserved_region_end=end,
                signed_attrs=_b64decode(data["signed_attrs"]),
                digest_algorithm=_str(data["digest_algorithm"]),
                certificate_chain=tuple(_b64decode(v) for v in data["certificate_chain"]),
                signing_time=_str(data["signing_time"]),
                field_name=_str(data["field_name"]),
            )
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise BadInputError(
                f"Không đọc được hồ sơ chữ ký đang chờ: {exc}",
                f"The pending signature cannot be read: {exc}",
            ) from None
        return pending


def prepare_signature(
    pdf: bytes,
    certificate_chain: list[bytes] | tuple[bytes, ...],
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
    long_term: LongTermPolicy | None = None,
) -> PendingSignature:
    """Prepare a signature of ``pdf`` by the holder of ``certificate_chain`` (PEM or DER, the
    signer's certificate first, then its CAs), placed and drawn as :func:`sign_pdf` would
    (same arguments). The signing time is fixed here.

    ``long_term``: the CA is asked now too (a revoked certificate is refused before anyone is
    asked to sign) and, with a TSA, room is left for the signature timestamp taken at
    :func:`finish_signature`, which must then get the same policy.

    Blocking wrapper around :func:`async_prepare_signature`."""
    refuse_in_loop("prepare_signature")
    return run_boxed(
        async_prepare_signature(
            pdf,
            certificate_chain,
            appearance=appearance,
            image_png=image_png,
            code=code,
            org_name=org_name,
            copy_form=copy_form,
            at=at,
            seal_size_mm=seal_size_mm,
            signing_time=signing_time,
            field_name=field_name,
            long_term=long_term,
        )
    )


async def async_prepare_signature(
    pdf: bytes,
    certificate_chain: list[bytes] | tuple[bytes, ...],
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
    long_term: LongTermPolicy | None = None,
) -> PendingSignature:
    """See :func:`prepare_signature`."""
    chain = _chain(certificate_chain)
    plan = plan_signature(
        pdf,
        chain[0],
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
    # The placeholder value has the real signature's length (RSA: the modulus'), so the room
    # pyHanko estimates fits the value that comes back.
    signer = _external_signer(chain, chain[0].public_key.byte_size)

    async def digest(context=None, timestamper=None):
        pdf_signer = plan.pdf_signer(signer, context, timestamper)
        tbs, prepared, output = await digest_at(plan, pdf_signer)
        # The same call pyHanko's PdfTBSDocument.perform_signature makes.
        attrs = await signer.signed_attrs(
            prepared.document_digest,
            tbs.md_algorithm,
            attr_settings=plan.signed_attributes(pdf_signer),
            use_pades=tbs.use_pades,
            timestamper=tbs.timestamper,
        )
        return PendingSignature(
            placeholder_pdf=output.getvalue(),
            document_digest=prepared.document_digest,
            reserved_region_start=prepared.reserved_region_start,
            reserved_region_end=prepared.reserved_region_end,
            signed_attrs=attrs.dump(),
            digest_algorithm=tbs.md_algorithm,
            certificate_chain=tuple(cert.dump() for cert in chain),
            signing_time=iso_vn(plan.when),
            field_name=plan.field_name,
        )

    if long_term is None:
        return await digest()
    async with online(long_term) as (context, timestamper):
        try:
            return await digest(context, timestamper)
        except SigningError as exc:
            raise signing_refusal(exc, plan.signer_name or "?") from exc


def finish_signature(
    pending: PendingSignature,
    signature_value: bytes,
    *,
    long_term: LongTermPolicy | None = None,
) -> bytes:
    """The signed PDF: ``signature_value`` (a raw PKCS#1 v1.5 signature over
    ``pending.to_sign``, or a CMS SignedData carrying one) checked, then embedded. The input of
    :func:`prepare_signature` is a byte prefix of the result, and so is the placeholder PDF up
    to the signature.

    ``long_term``: the policy given to :func:`prepare_signature`: the CA is asked again (revoked
    is refused), its answers go to the DSS (B-LT) and, with a TSA, the signature gets its
    timestamp (B-T). A document timestamp (B-LTA) comes after the last signature:
    :func:`snn_sign.longterm.add_document_timestamp`.

    Blocking wrapper around :func:`async_finish_signature`."""
    refuse_in_loop("finish_signature")
    return run_boxed(async_finish_signature(pending, signature_value, long_term=long_term))


async def async_finish_signature(
    pending: PendingSignature,
    signature_value: bytes,
    *,
    long_term: LongTermPolicy | None = None,
) -> bytes:
    """See :func:`finish_signature`."""
    chain = _chain(pending.certificate_chain)
    who = _common_name(chain[0])
    _check_intact(pending, chain[0])
    raw = _raw_signature(signature_value, chain[0])
    _check_signature(raw, pending, chain[0], who)
    signer = _external_signer(chain, raw)
    attrs = cms.CMSAttributes.load(pending.signed_attrs)
    if long_term is None:
        return _filled(
            pending,
            await signer.async_sign_prescribed_attributes(
                pending.digest_algorithm, signed_attrs=attrs
            ),
        )
    async with online(long_term) as (context, timestamper):
        # The CA first: a certificate revoked since the prepare gets no timestamp and no file.
        validator = CertificateValidator(
            chain[0], intermediate_certs=chain[1:], validation_context=context
        )
        try:
            await validator.async_validate_usage(set())
        except (PathError, ValidationError) as exc:
            raise _refusal(exc, who) from exc
        # With a TSA, the signature timestamp is fetched here: it covers the signature value.
        try:
            signature_cms = await signer.async_sign_prescribed_attributes(
                pending.digest_algorithm, signed_attrs=attrs, timestamper=timestamper
            )
        except Exception as exc:
            if timestamper is None:
                raise
            raise timestamp_error(exc) from exc
        signed = _filled(pending, signature_cms)
        embedded = _embedded(signed, pending.field_name)
        try:
            output = await async_add_validation_info(embedded, context, output=BytesIO())
        except (PathError, ValidationError) as exc:
            raise _refusal(exc, who) from exc
    return output.getvalue()


def _refusal(exc: Exception, who: str) -> SnnSignError:
    """The validator's verdict on the signer's certificate, as signing would say it."""
    return validation_refusal(exc, who) or SnnSignError(
        f"Chứng thư số của {who} không dùng để ký được: {exc}",
        f"The certificate of {who} cannot be used for signing: {exc}",
    )


def _filled(pending: PendingSignature, signature_cms: cms.ContentInfo) -> bytes:
    output = BytesIO(pending.placeholder_pdf)
    prepared = PreparedByteRangeDigest(
        pending.document_digest, pending.reserved_region_start, pending.reserved_region_end
    )
    try:
        prepared.fill_with_cms(output, signature_cms)
    except SigningError as exc:
        raise BadInputError(
            "Chữ ký (cùng dấu thời gian) không vừa chỗ đã chừa khi chuẩn bị: hãy chuẩn bị lại "
            f"với cùng chính sách lưu trữ dài hạn. {exc}",
            "The signature (with its timestamp) does not fit the room left at prepare: prepare "
            f"again with the same long-term policy. {exc}",
        ) from None
    return output.getvalue()


def _embedded(pdf: bytes, field_name: str):
    reader = PdfFileReader(BytesIO(pdf))
    for signature in reader.embedded_regular_signatures:
        if signature.field_name == field_name:
            return signature
    raise BadInputError(  # only if the placeholder PDF lost its field: not ours
        f"Không thấy trường chữ ký {field_name!r} trong tệp đã ký.",
        f"The signature field {field_name!r} is not in the signed file.",
    )


def _chain(items) -> list[asn1_x509.Certificate]:
    chain = _load_certs(list(items), "Chứng thư của người ký", "The signer's certificate")
    if not chain:
        raise BadInputError(
            "Thiếu chứng thư số của người ký.", "The signer's certificate is missing."
        )
    try:
        algorithm = chain[0].public_key.algorithm
    except ValueError as exc:
        raise BadInputError(
            f"Chứng thư của người ký không đọc được: {exc}",
            f"The signer's certificate cannot be read: {exc}",
        ) from None
    if algorithm != "rsa":
        raise BadInputError(
            f"Chỉ hỗ trợ khóa RSA (chứng thư có khóa {algorithm}).",
            f"Only RSA keys are supported (the certificate has a {algorithm} key).",
        )
    return chain


def _external_signer(chain: list[asn1_x509.Certificate], value: bytes | int) -> ExternalSigner:
    # PKCS#1 v1.5 with SHA-256, as the token bridge's BridgeSigner declares it.
    return ExternalSigner(
        chain[0],
        SimpleCertificateStore.from_certs(chain),
        signature_value=value,
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
    )


def _common_name(cert: asn1_x509.Certificate) -> str:
    return cert.subject.native.get("common_name", "") or "?"


def _check_intact(pending: PendingSignature, cert: asn1_x509.Certificate) -> None:
    """The pending signature is what prepare made: its digest is the placeholder PDF's, and the
    signed attributes carry that digest and the signer's certificate. A pending signature
    altered in storage would otherwise have a valid signature put on other content."""
    if pending.digest_algorithm != DIGEST_ALGORITHM:
        _altered(f"digest algorithm {pending.digest_algorithm!r}")
    pdf, start, end = (
        pending.placeholder_pdf,
        pending.reserved_region_start,
        pending.reserved_region_end,
    )
    if (
        not (0 < start < end <= len(pdf))
        or pdf[start : start + 1] != b"<"
        or pdf[end - 1 : end] != b">"
    ):
        _altered("reserved region")
    if hashlib.sha256(pdf[:start] + pdf[end:]).digest() != pending.document_digest:
        _altered("document digest")
    try:
        attrs = {
            attr["type"].native: attr["values"]
            for attr in cms.CMSAttributes.load(pending.signed_attrs)
        }
        message_digest = attrs["message_digest"][0].native
        cert_ids = attrs["signing_certificate_v2"][0]["certs"]
        cert_hashes = {
            (c["hash_algorithm"]["algorithm"].native, c["cert_hash"].native) for c in cert_ids
        }
    except (ValueError, KeyError, TypeError, IndexError):
        _altered("signed attributes")
    if message_digest != pending.document_digest:
        _altered("signed attributes: message digest")
    if ("sha256", hashlib.sha256(cert.dump()).digest()) not in cert_hashes:
        _altered("signed attributes: signing certificate")


def _altered(what: str):
    raise BadInputError(
        f"Hồ sơ chữ ký đang chờ đã bị sửa ({what}): không ký. Hãy chuẩn bị lại.",
        f"The pending signature was altered ({what}): not signed. Prepare it again.",
    )


def _raw_signature(value: bytes, cert: asn1_x509.Certificate) -> bytes:
    """The raw signature in ``value``: as is when it has the key's length, else the first
    SignerInfo's of a CMS SignedData (some signing tools answer a digest with a CMS)."""
    if not isinstance(value, (bytes, bytearray)) or not value:
        raise BadInputError("Thiếu giá trị chữ ký.", "The signature value is missing.")
    if len(value) == cert.public_key.byte_size:
        return bytes(value)
    try:
        info = cms.ContentInfo.load(bytes(value))
        if info["content_type"].native != "signed_data":
            raise ValueError(info["content_type"].native)
        return info["content"]["signer_infos"][0]["signature"].native
    except (ValueError, TypeError, KeyError, IndexError):
        raise BadInputError(
            "Giá trị chữ ký không phải chữ ký RSA thô cũng không phải CMS SignedData "
            f"({len(value)} byte).",
            f"The signature value is neither a raw RSA signature nor a CMS SignedData "
            f"({len(value)} bytes).",
        ) from None


def _check_signature(
    raw: bytes, pending: PendingSignature, cert: asn1_x509.Certificate, who: str
) -> None:
    """PKCS#1 v1.5, SHA-256, over ``pending.to_sign``, with the certificate's public key."""
    public_key = serialization.load_der_public_key(cert.public_key.dump())
    assert isinstance(public_key, rsa.RSAPublicKey)  # _chain admits RSA only
    try:
        public_key.verify(raw, pending.to_sign, padding.PKCS1v15(), hashes.SHA256())
        return
    except InvalidSignature:
        pass
    # Why: a value the public key cannot open at all was made by another key; one it opens
    # signs other bytes (another document's attributes, the digest taken for the data, …).
    try:
        public_key.recover_data_from_signature(raw, padding.PKCS1v15(), None)
    except (InvalidSignature, ValueError):
        raise BadInputError(
            f"Chữ ký không được tạo bằng khóa của chứng thư {who}: không nhúng vào tệp.",
            f"The signature was not made with the key of the certificate of {who}: "
            "it is not embedded.",
        ) from None
    raise BadInputError(
        f"Chữ ký được tạo bằng khóa của {who} nhưng trên dữ liệu khác dữ liệu cần ký: "
        "không nhúng vào tệp.",
        f"The signature was made with the key of {who} but over other data than what was to "
        "be signed: it is not embedded.",
    )


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text) -> bytes:
    if not isinstance(text, str):
        raise TypeError("base64 text expected")
    return base64.b64decode(text, validate=True)


def _int(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("integer expected")
    return value


def _str(value) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value
