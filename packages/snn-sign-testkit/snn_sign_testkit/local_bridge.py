"""A token bridge in the "local" profile, as a subprocess: the official's PC in the tests and
the demo. Test keys only; never for real certificates.

    from snn_sign_testkit.local_bridge import start_local_bridge
    bridge = start_local_bridge(workdir, pki, odoo_key_b64=..., origins=("http://127.0.0.1:8069",))
    official = bridge.confirming_official(pin=None)   # confirms each request, as a person would
    ...
    official.stop(); bridge.stop()

The confirmation is what the official's browser does with the bridge's page: it loads the page
(a top-level window of the bridge's own origin), reads its CSRF token and posts the form.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import requests

from snn_sign_testkit.demo_bridge import bridge_command, free_port, wait_until_healthy
from snn_sign_testkit.pki import DemoPki
from snn_sign_testkit.processes import stop_process

ODOO_ORIGIN = "https://odoo.example.gov.vn"
_REQUEST_LINE = re.compile(r"local request id=(\S+)")


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
        stop_process(self.process)

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

    def confirm(self, request_id: str, *, pin: str | None = None, decision="confirm"):
        """Open the confirmation page of ``request_id`` and post its form (the official's
        click); AssertionError unless the page then says the request is settled."""
        url = f"{self.url}/v1/local/confirm/{request_id}"
        page = self.confirm_page(url)
        assert page.status_code == 200, page.text
        form = {"csrf": csrf_token(page.text), "decision": decision}
        if pin:
            form["pin"] = pin
        answer = self.post_confirmation(url, form)
        assert answer.status_code == 200, answer.text
        return answer

    def confirming_official(self, **kwargs) -> ConfirmingOfficial:
        return ConfirmingOfficial(self, **kwargs)


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
        process = subprocess.Popen(  # noqa: S603 - our own bridge command
            bridge_command(config_path),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **pki.env()},
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(process, url, log_path, timeout=30, interval=0.05)
    return LocalBridge(url, config_path, log_path, process)


class ConfirmingOfficial:
    """A thread that confirms (or declines) each new request the bridge logs, through the
    confirmation page, as the official sitting at the PC would: what a browser test cannot do
    from the Odoo tab (the page is another window of another origin)."""

    def __init__(self, bridge: LocalBridge, *, pin: str | None = None, decision="confirm"):
        self.bridge, self.pin, self.decision = bridge, pin, decision
        self.confirmed: list[str] = []
        self.errors: list[str] = []
        # New ones only: a request made before the official sat down is not theirs to confirm.
        self._seen: set[str] = set(_REQUEST_LINE.findall(bridge.log_text()))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.2):
            for request_id in _REQUEST_LINE.findall(self.bridge.log_text()):
                if request_id in self._seen:
                    continue
                self._seen.add(request_id)
                try:
                    self.bridge.confirm(request_id, pin=self.pin, decision=self.decision)
                    self.confirmed.append(request_id)
                except Exception as exc:
                    self.errors.append(f"{request_id}: {exc}")

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- the demo's PC

DEMO_PC_PORT = 8899  # the local profile's example port, and Odoo's default for the PCs' bridge


def write_demo_pc_files(directory: Path, pki: DemoPki, origins: tuple[str, ...]) -> dict:
    """What an official's PC would have, for the demo (``make run``): Odoo's request key pair
    (the private half for Odoo's secrets directory, kept across restarts so the PC's
    configuration stays valid) and the PC bridge's configuration for the demo token, without a
    PIN source (its page asks for the PIN). Returns the paths."""
    from snn_sign.bridge.local_request import new_request_key, public_key_b64  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path = directory / "odoo-request-key.pem"
    if key_path.exists():
        public_b64 = public_key_b64(key_path.read_bytes())
    else:
        private_pem, public_b64 = new_request_key()
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem)
    config_path = directory / "token-bridge.local.toml"
    write_local_config(
        config_path,
        pki,
        port=DEMO_PC_PORT,
        odoo_key_b64=public_b64,
        origins=origins,
        with_pin=False,
    )
    return {"pc_request_key": str(key_path), "pc_bridge_config": str(config_path)}
