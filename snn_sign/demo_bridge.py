"""A token bridge on a demo token, as a subprocess: for the demo (`make run`), the tests and
the bench. Test keys only; never for real certificates.

    from snn_sign.demo_bridge import start_bridge
    running = start_bridge(workdir, create_demo_pki(workdir / "pki", pin=...))
    ... running.url, running.client_name, running.secret_file ...
    running.stop()

``python -m snn_sign.demo_bridge DIR [--port N]`` makes a demo PKI in DIR (or reuses the one
there), starts the bridge, prints one JSON line (url, client_name, secret_file, ca_cert,
signature_png, seal_png, pid) and stays in the foreground until it is stopped.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from snn_sign.bridge.client import BridgeClient
from snn_sign.pki import DemoPki


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_secret(path: Path) -> bytes:
    secret = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret + b"\n")
    return secret


def write_config(
    path: Path,
    pki: DemoPki,
    *,
    port: int,
    secret_file: Path,
    client_name: str = "odoo",
    pin_file: Path | None = None,
    keys: tuple[tuple[str, str], ...] = (("signer", "personal"), ("seal", "organization")),
    client_keys: tuple[str, ...] | None = None,
) -> None:
    """``client_keys``: the client's ``keys = [...]`` restriction (None: no line, all keys)."""
    lines = [
        "[token]",
        f'module = "{pki.module}"',
        f'label = "{pki.token_label}"',
        f'pin_file = "{pin_file or pki.pin_file}"',
        "[server]",
        'host = "127.0.0.1"',
        f"port = {port}",
        "[[clients]]",
        f'name = "{client_name}"',
        f'secret_file = "{secret_file}"',
    ]
    if client_keys is not None:
        lines.append("keys = [" + ", ".join(f'"{label}"' for label in client_keys) + "]")
    for label, purpose in keys:
        lines += ["[[keys]]", f'label = "{label}"', f'purpose = "{purpose}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class RunningBridge:
    url: str
    client_name: str
    secret: bytes = field(repr=False)
    secret_file: Path
    config_path: Path
    log_path: Path
    pki: DemoPki
    process: subprocess.Popen
    client: BridgeClient

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def bridge_command(config_path: Path) -> list[str]:
    return [sys.executable, "-m", "snn_sign.cli.bridge_cli", "--config", str(config_path)]


def start_bridge(
    workdir: Path,
    pki: DemoPki,
    *,
    client_name: str = "odoo",
    keys: tuple[tuple[str, str], ...] | None = None,
    client_keys: tuple[str, ...] | None = None,
    timeout: float = 30.0,
    command: list[str] | None = None,
) -> RunningBridge:
    """Start ``snn-token-bridge`` as a subprocess on a free loopback port; wait for health.

    ``command``: the bridge command without ``--config`` (default: this Python's
    ``-m snn_sign.cli.bridge_cli``), e.g. another virtualenv's ``snn-token-bridge``."""
    workdir.mkdir(parents=True, exist_ok=True)
    secret_file = workdir / "client.secret"
    secret = write_secret(secret_file)
    port = free_port()
    config_path = workdir / "bridge.toml"
    kwargs = {} if keys is None else {"keys": keys}
    write_config(
        config_path,
        pki,
        port=port,
        secret_file=secret_file,
        client_name=client_name,
        client_keys=client_keys,
        **kwargs,
    )
    log_path = workdir / "bridge.log"
    env = {**os.environ, **pki.env()}
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own bridge command
            [*command, "--config", str(config_path)] if command else bridge_command(config_path),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
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
        time.sleep(0.1)
    return RunningBridge(
        url,
        client_name,
        secret,
        secret_file,
        config_path,
        log_path,
        pki,
        process,
        BridgeClient(url, client_name, secret),
    )
