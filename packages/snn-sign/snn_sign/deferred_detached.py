"""Deferred detached CMS signatures: :func:`snn_sign.detached.sign_detached`, cut in two as
:mod:`snn_sign.deferred` cuts PDF signatures, for a key that is not where the data is.

What for: the signed head of a document's trail, when the organisation's seal is on the clerk's
PC or at a remote-signing service. The seal then signs, in the same confirmation as the
document and its attachments, the CMS signed attributes that carry the head's digest.

1. :func:`prepare_detached`: the signed attributes ``sign_detached`` would make (content-type,
   message-digest, signing-time, signing-certificate-v2, algorithm protection) ->
   :class:`PendingDetached`, stored as JSON;
2. elsewhere, the key signs ``pending.to_sign`` (or a CSC ``signHash`` its digest);
3. :func:`finish_detached`: checks the value with the certificate's key over exactly those
   attributes and that the data is the one prepared, then -> DER of the detached CMS, which
   :func:`snn_sign.detached.verify_detached` accepts as it accepts ``sign_detached``'s.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from .blocking import refuse_in_loop, run_boxed
from .deferred import (
    _b64decode,
    _b64encode,
    _chain,
    _check_signature,
    _common_name,
    _external_signer,
    _str,
)
from .errors import BadInputError
from .vntime import now_vn, to_vn

FORMAT = "snn-sign/pending-detached"
VERSION = 1
DIGEST_ALGORITHM = "sha256"


@dataclass(frozen=True)
class PendingDetached:
    """A detached signature prepared and waiting for its value; JSON-safe, bytes only.
    ``data_digest``: SHA-256 of the data signed; ``signed_attrs``: their DER (they carry that
    digest and the signer's certificate hash); ``certificate_chain``: DER, the signer first."""

    data_digest: bytes
    signed_attrs: bytes
    certificate_chain: tuple[bytes, ...]

    @property
    def to_sign(self) -> bytes:
        """What a token signs with SHA256withRSA: the signed attributes' DER."""
        return self.signed_attrs

    @property
    def to_sign_digest(self) -> bytes:
        """SHA-256 of :attr:`to_sign`: what a CSC ``signHash`` signs."""
        return hashlib.sha256(self.signed_attrs).digest()

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "data_digest": self.data_digest.hex(),
                "signed_attrs": _b64encode(self.signed_attrs),
                "certificate_chain": [_b64encode(der) for der in self.certificate_chain],
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> PendingDetached:
        try:
            data = json.loads(text)
            if data["format"] != FORMAT or data["version"] != VERSION:
                raise ValueError(f"format {data['format']!r} version {data['version']!r}")
            return cls(
                data_digest=bytes.fromhex(_str(data["data_digest"])),
                signed_attrs=_b64decode(data["signed_attrs"]),
                certificate_chain=tuple(_b64decode(v) for v in data["certificate_chain"]),
            )
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise BadInputError(
                f"Không đọc được chữ ký tách rời đang chờ: {exc}",
                f"The pending detached signature cannot be read: {exc}",
            ) from None


def prepare_detached(
    data: bytes,
    certificate_chain: list[bytes] | tuple[bytes, ...],
    *,
    signing_time: dt.datetime | None = None,
) -> PendingDetached:
    """Prepare a detached signature of ``data`` by the holder of ``certificate_chain`` (PEM or
    DER, the signer's certificate first). ``signing_time`` defaults to now (whole seconds)."""
    if not isinstance(data, (bytes, bytearray)):
        raise BadInputError(
            "Dữ liệu cần ký phải là bytes.", f"The data to sign must be bytes, not {type(data)}."
        )
    refuse_in_loop("prepare_detached")
    chain = _chain(certificate_chain)
    when = to_vn(signing_time) if signing_time is not None else now_vn()
    digest = hashlib.sha256(bytes(data)).digest()
    signer = _external_signer(chain, chain[0].public_key.byte_size)
    attrs = run_boxed(
        signer.signed_attrs(
            digest,
            DIGEST_ALGORITHM,
            attr_settings=PdfCMSSignedAttributes(signing_time=when.replace(microsecond=0)),
            content_type="data",
            is_pdf_sig=False,
        )
    )
    return PendingDetached(
        data_digest=digest,
        signed_attrs=attrs.dump(),
        certificate_chain=tuple(cert.dump() for cert in chain),
    )


def finish_detached(pending: PendingDetached, signature_value: bytes, data: bytes) -> bytes:
    """DER of the detached CMS over ``data``: ``signature_value`` (raw PKCS#1 v1.5 over
    ``pending.to_sign``) checked with the certificate's key, ``data`` checked to be the data
    prepared. Nothing is returned for a wrong key, wrong attributes or other data."""
    refuse_in_loop("finish_detached")
    chain = _chain(pending.certificate_chain)
    who = _common_name(chain[0])
    if hashlib.sha256(bytes(data)).digest() != pending.data_digest:
        raise BadInputError(
            "Dữ liệu khác với dữ liệu đã chuẩn bị để ký: không ký.",
            "The data differs from the data prepared for signing: not signed.",
        )
    try:
        attrs = cms.CMSAttributes.load(pending.signed_attrs)
        digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    except (ValueError, KeyError, TypeError, IndexError):
        digests = []
    if digests != [pending.data_digest]:
        raise BadInputError(
            "Chữ ký tách rời đang chờ đã bị sửa (message-digest): không ký.",
            "The pending detached signature was altered (message-digest): not signed.",
        )
    if len(signature_value or b"") != chain[0].public_key.byte_size:
        raise BadInputError(
            f"Giá trị chữ ký phải là chữ ký RSA thô ({chain[0].public_key.byte_size} byte).",
            f"The signature value must be a raw RSA signature "
            f"({chain[0].public_key.byte_size} bytes).",
        )
    raw = bytes(signature_value)
    _check_signature(raw, pending, chain[0], who)
    signer = _external_signer(chain, raw)
    content_info = run_boxed(
        signer.async_sign_prescribed_attributes(DIGEST_ALGORITHM, signed_attrs=attrs)
    )
    return content_info.dump()
