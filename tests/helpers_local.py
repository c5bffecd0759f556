"""Helpers for the bridge's local profile: real PAdES signed attributes (as pyHanko makes them
for interrupted signing), hand-made envelopes, and a bridge subprocess in the local profile."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

# The local bridge itself is in the testkit (the Odoo tests use it too).
from snn_sign_testkit.local_bridge import (
    ODOO_ORIGIN,
    LocalBridge,
    csrf_token,
    start_local_bridge,
    write_local_config,
)

__all__ = [
    "ODOO_ORIGIN",
    "LocalBridge",
    "csrf_token",
    "start_local_bridge",
    "write_local_config",
]


def pades_signed_attrs(cert_path: Path, document_digest: bytes | None = None) -> bytes:
    """DER of the CMS signed attributes pyHanko builds for a PAdES signature by ``cert_path``'s
    certificate over a (random) PDF byte-range digest: content-type, message-digest,
    signing-certificate-v2."""
    digest = document_digest or hashlib.sha256(os.urandom(32)).digest()
    cert = asn1_x509.Certificate.load(der_of(cert_path))
    signer = signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs([cert]),
        signature_value=256,
    )
    attrs = asyncio.run(signer.signed_attrs(digest, "sha256", use_pades=True))
    return attrs.dump()


def der_of(cert_path: Path) -> bytes:
    return x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def payload_of(envelope: dict) -> dict:
    return json.loads(unb64url(envelope["payload"]))


def resigned(private_pem: bytes, payload: dict) -> dict:
    """An envelope for ``payload`` as given, signed with ``private_pem``: what Odoo would send
    if it made this (otherwise refused) request, to test the bridge's other checks."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    body = json.dumps(payload, ensure_ascii=False).encode()
    return {"payload": b64url(body), "signature": b64url(key.sign(body))}


def altered(envelope: dict, **changes) -> dict:
    """The envelope with payload fields changed but Odoo's signature kept (so now invalid)."""
    payload = {**payload_of(envelope), **changes}
    return {**envelope, "payload": b64url(json.dumps(payload).encode())}
