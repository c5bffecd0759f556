"""Helpers for the bridge's local profile: real PAdES signed attributes (as pyHanko makes them
for interrupted signing), hand-made envelopes, and a bridge subprocess in the local profile."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from snn_sign_testkit.demo_bridge import bridge_command, free_port
from snn_sign_testkit.pki import DemoPki

ODOO_ORIGIN = "https://odoo.example.gov.vn"


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


# --------------------------------------------------------------------------- a local bridge


def write_local_config(
    path: Path,
    pki: DemoPki,
    *,
    port: int,
    odoo_key_b64: str,
    origins: tuple[str, ...] = (ODOO_ORIGIN,),
    with_pin: bool = True,
    keys: tuple[tuple[str, str], ...] = (("signer", "personal"), ("seal", "organization")),
    extra: str = "",
) -> None:
    """A local-profile TOML; ``with_pin=False``: no PIN source, so the page asks for it."""
    lines = [
        'profile = "local"',
        "allowed_origins = [" + ", ".join(f'"{o}"' for o in origins) + "]",
        f'odoo_request_key = "{odoo_key_b64}"',
        "[token]",
        f'module = "{pki.module}"',
        f'label = "{pki.token_label}"',
    ]
    if with_pin:
        lines.append(f'pin_file = "{pki.pin_file}"')
    lines += ["[server]", 'host = "127.0.0.1"', f"port = {port}"]
    for label, purpose in keys:
        lines += ["[[keys]]", f'label = "{label}"', f'purpose = "{purpose}"']
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")


@dataclass
class LocalBridge:
    url: str
    config_path: Path
    log_path: Path
    process: subprocess.Popen
    session: requests.Session = field(default_factory=requests.Session)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.session.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # What the Odoo web client (in the official's browser) does: it sends its Origin.
    def api(self, method: str, path: str, *, origin: str | None = ODOO_ORIGIN, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if origin is not None:
            headers["Origin"] = origin
        return self.session.request(method, self.url + path, headers=headers, timeout=10, **kwargs)

    # What the official's browser does with the confirmation page (a top-level window).
    def confirm_page(self, confirm_url: str) -> requests.Response:
        return self.session.get(confirm_url, timeout=10)

    def post_confirmation(self, confirm_url: str, form: dict, *, origin: str | None = None):
        headers = {"Origin": origin or self.url}
        return self.session.post(confirm_url, data=form, headers=headers, timeout=30)


def csrf_token(page_html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page_html)
    assert found, "no CSRF token in the confirmation page"
    return found.group(1)


def start_local_bridge(workdir: Path, pki: DemoPki, **config) -> LocalBridge:
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config_path = workdir / "local.toml"
    write_local_config(config_path, pki, port=port, **config)
    log_path = workdir / "bridge.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            bridge_command(config_path),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **pki.env()},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"bridge exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            if requests.get(url + "/v1/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"bridge did not start:\n{log_path.read_text()}")
        time.sleep(0.05)
    return LocalBridge(url, config_path, log_path, process)
