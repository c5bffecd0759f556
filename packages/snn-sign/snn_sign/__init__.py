"""snn_sign: stamp, sign (PAdES through a PKCS#11 token bridge) and verify outgoing documents.

Plain Python: this package never imports Odoo. The Odoo module ``snn_signing`` calls it.

Public API (all on bytes, no temporary files)::

    stamp_pdf(pdf, code, date, *, place=None, number_at=None, date_at=None,
              font_size=None) -> bytes
    sign_pdf(pdf, signer, *, appearance, image_png=None, code=None, org_name=None, at=None,
             seal_size_mm=36, tsa_url=None, signing_time=None, field_name=None) -> bytes
    verify_pdf(pdf, trust_roots, intermediates=()) -> VerifyReport
    received_state(report) -> "valid" | "invalid" | "untrusted" | "unsigned"
                 a received file's state; each SignatureReport has a bilingual ``verdict``
    default_certificates() -> list[TrustCertificate]   the shipped Vietnamese CA certificates
                 (VGCA G1/G2, national roots), fingerprint-checked; default_roots() and
                 default_intermediates() give their PEM for verify_pdf
    sign_detached(data, signer, *, signing_time=None) -> bytes   detached CMS over any bytes
    verify_detached(data, cms, trust_roots) -> DetachedReport    (e.g. an audit trail's head)
    async_sign_pdf(...), async_verify_pdf(...), async_sign_detached(...),
    async_verify_detached(...)   the same, to await inside an event loop
    number_pages(pdf, template="Trang {page}/{pages}", *, size=9.0, bottom_mm=8.0) -> bytes
                 page numbers at each page's bottom centre (wkhtmltopdf reports)
    prepare_signature(pdf, certificate_chain, *, appearance, ...) -> PendingSignature
    finish_signature(pending, signature_value, *, long_term=None) -> bytes
                 deferred signing: the key signs ``pending.to_sign`` elsewhere (a token in the
                 clerk's browser, a CSC remote-signing service: ``snn_sign.csc.CscClient``)

The other products are their own distributions: the token bridge server (``snn_token_bridge``),
edXML and the exchange client (``snn_edxml``), office conversion (``snn_office_convert``); the
test fixtures (demo PKI, stand-ins, sample letter) are ``snn_sign_testkit``, in no runtime wheel.

Heavy imports (pyHanko, reportlab, pdfminer) happen on first use of these names.
"""

from __future__ import annotations

__all__ = [
    "DetachedReport",
    "LongTermPolicy",
    "PendingSignature",
    "TrustCertificate",
    "add_document_timestamp",
    "async_finish_signature",
    "async_prepare_signature",
    "async_sign_detached",
    "async_sign_pdf",
    "async_verify_detached",
    "async_verify_pdf",
    "check_revocation",
    "default_certificates",
    "default_intermediates",
    "default_roots",
    "finish_signature",
    "number_pages",
    "prepare_signature",
    "received_state",
    "renew_archive_timestamp",
    "sign_detached",
    "sign_pdf",
    "stamp_pdf",
    "verify_detached",
    "verify_pdf",
]

_WHERE = {
    "stamp_pdf": "snn_sign.stamp",
    "sign_pdf": "snn_sign.signing",
    "async_sign_pdf": "snn_sign.signing",
    "verify_pdf": "snn_sign.verify",
    "async_verify_pdf": "snn_sign.verify",
    "received_state": "snn_sign.verify",
    "default_certificates": "snn_sign.trust",
    "default_roots": "snn_sign.trust",
    "default_intermediates": "snn_sign.trust",
    "TrustCertificate": "snn_sign.trust",
    "number_pages": "snn_sign.pagination",
    "sign_detached": "snn_sign.detached",
    "async_sign_detached": "snn_sign.detached",
    "verify_detached": "snn_sign.detached",
    "async_verify_detached": "snn_sign.detached",
    "DetachedReport": "snn_sign.detached",
    "LongTermPolicy": "snn_sign.longterm",
    "check_revocation": "snn_sign.longterm",
    "add_document_timestamp": "snn_sign.longterm",
    "renew_archive_timestamp": "snn_sign.longterm",
    "PendingSignature": "snn_sign.deferred",
    "prepare_signature": "snn_sign.deferred",
    "async_prepare_signature": "snn_sign.deferred",
    "finish_signature": "snn_sign.deferred",
    "async_finish_signature": "snn_sign.deferred",
}


def __getattr__(name: str):
    # Lazy: ``import snn_sign`` (and the bridge client, which shares the package) stays light.
    if name in _WHERE:
        import importlib  # noqa: PLC0415

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'snn_sign' has no attribute {name!r}")
