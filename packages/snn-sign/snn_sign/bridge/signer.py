"""A pyHanko ``Signer`` whose private key lives behind the token bridge.

pyHanko builds the CMS signed attributes and hands their DER to ``async_sign_raw``; we send
exactly that to ``POST /v1/sign`` and return the raw RSA signature. One round trip per
signature; the certificate and its chain come from ``GET /v1/keys`` once, at construction.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

from asn1crypto import algos, pem, x509
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from snn_sign.bridge.client import BridgeClient
from snn_sign.errors import BridgeError

# One small pool for all BridgeSigners: the HTTP call is blocking (requests), and pyHanko's
# sign_pdf runs a fresh event loop per signature whose default executor would start and join a
# new thread every time (measured: ~3 ms per signature on a busy 2-core machine). Sharing one
# BridgeClient between these threads is safe: the client gives each thread its own Session.
_POOL: concurrent.futures.ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    global _POOL  # noqa: PLW0603 - created lazily, once per process
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="snn-bridge")
        return _POOL


def _load_pem(text: str) -> x509.Certificate:
    _, _, der = pem.unarmor(text.encode("ascii"))
    return x509.Certificate.load(der)


class BridgeSigner(Signer):
    """``BridgeSigner(client, "signer")`` -> use with ``PdfSigner`` / ``sign_pdf`` like any
    pyHanko signer. RSA PKCS#1 v1.5 only (``sha256_rsa`` etc., following the digest)."""

    def __init__(self, client: BridgeClient, key_label: str, *, embed_roots: bool = True):
        info = client.key(key_label)
        if info.get("key_type", "rsa") != "rsa":
            raise BridgeError(
                f"Khóa {key_label!r} không phải RSA.", f"Key {key_label!r} is not an RSA key."
            )
        chain = [_load_pem(text) for text in info["chain"]] or [_load_pem(info["certificate"])]
        super().__init__(
            prefer_pss=False,
            embed_roots=embed_roots,
            signing_cert=chain[0],
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )
        self.client = client
        self.key_label = key_label
        self.key_info = info
        self._signature_size = (int(info.get("key_size") or 0) + 7) // 8 or (
            chain[0].public_key.bit_size + 7
        ) // 8

    def get_signature_mechanism_for_digest(self, digest_algorithm: str | None):
        # PKCS#1 v1.5 with the digest pyHanko chose: what the bridge's SHA*_RSA_PKCS produces.
        if digest_algorithm is None:
            return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"})
        return algos.SignedDigestAlgorithm({"algorithm": f"{digest_algorithm}_rsa"})

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._signature_size)
        # requests is blocking: keep the event loop free (pyHanko may run inside aiohttp).
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            _pool(), self.client.sign, self.key_label, data, digest_algorithm
        )
