"""A token bridge on a demo token, as a subprocess: for the demo (`make run`), the tests and
the bench. Test keys only; never for real certificates.

    from snn_sign_testkit.demo_bridge import start_bridge
    running = start_bridge(workdir, create_demo_pki(workdir / "pki", pin=...))
    ... running.url, running.client_name, running.secret_file ...
    running.stop()

``python -m snn_sign_testkit.demo_bridge DIR [--port N] [--org NAME] [--signer NAME]`` (what
``make run`` starts) makes a demo PKI in DIR/pki, or reuses the one there when it names the
same organisation and signer and its certificates are still valid; starts the bridge with a
fresh client secret (DIR/bridge/client.secret, mode 0600); serves the demo CA's OCSP
responder, CRL and time-stamping authority (trust_services) on the loopback port its
certificates name (DIR/pki/services.json); prints one JSON line (url, client_name,
secret_file, ca_cert, signature_png, seal_png, org_name, signer_name, pid, log, tsa_url) and
nothing more on stdout; and stays in the foreground until SIGTERM or Ctrl-C, which stop the
bridge and the services. The PIN and the secret stay in their 0600 files; nothing prints them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography import x509
from cryptography.x509.oid import NameOID

from snn_sign.bridge.client import BridgeClient
from snn_sign.errors import SnnSignError
from snn_sign_testkit.pki import (
    DEFAULT_MODULE,
    DEFAULT_ORG,
    DEFAULT_SIGNER,
    DemoPki,
    create_demo_pki,
)
from snn_sign_testkit.processes import stop_process
from snn_sign_testkit.trust_services import TrustServices


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
        stop_process(self.process)


def wait_until_healthy(
    process: subprocess.Popen, url: str, log_path: Path, timeout: float, interval: float = 0.1
) -> None:
    """Until the bridge at ``url`` answers /v1/health; RuntimeError with its log when it exits
    or does not answer within ``timeout`` seconds (then it is killed)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"bridge exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            if requests.get(url + "/v1/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"bridge did not start:\n{log_path.read_text()}")
        time.sleep(interval)


def bridge_command(config_path: Path) -> list[str]:
    return [sys.executable, "-m", "snn_token_bridge.cli", "--config", str(config_path)]


def start_bridge(
    workdir: Path,
    pki: DemoPki,
    *,
    client_name: str = "odoo",
    keys: tuple[tuple[str, str], ...] | None = None,
    client_keys: tuple[str, ...] | None = None,
    timeout: float = 30.0,
    command: list[str] | None = None,
    port: int | None = None,
) -> RunningBridge:
    """Start ``snn-token-bridge`` as a subprocess on a loopback port (``port``, default a free
    one); wait for health.

    ``command``: the bridge command without ``--config`` (default: this Python's
    ``-m snn_token_bridge.cli``), e.g. another virtualenv's ``snn-token-bridge``."""
    workdir.mkdir(parents=True, exist_ok=True)
    secret_file = workdir / "client.secret"
    secret = write_secret(secret_file)
    port = port or free_port()
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
    wait_until_healthy(process, url, log_path, timeout)
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


# --------------------------------------------------------------------------- the demo's bridge

# DemoPki's file fields and the names create_demo_pki gives them.
_PKI_FILES = {
    "ca_cert": "ca_cert.pem",
    "ca_key": "ca_key.pem",
    "signer_cert": "signer_cert.pem",
    "seal_cert": "seal_cert.pem",
    "signature_png": "signature.png",
    "seal_png": "seal.png",
}
_TOKEN_LABEL = "snn-demo"  # noqa: S105 - create_demo_pki's default label, not a password
_OWN_MARK = "# SoftHSM2 store of the snn_sign demo token"  # first line of its softhsm2.conf


def _subject(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def load_demo_pki(directory: Path, *, org_name: str, signer_name: str) -> DemoPki | None:
    """The demo PKI that :func:`create_demo_pki` made in ``directory``, when it is complete,
    names this organisation and signer, and its certificates are valid for a week more;
    otherwise None."""
    base = directory.resolve()
    paths = {name: base / file for name, file in _PKI_FILES.items()}
    pin_file, conf = base / "pin", base / "softhsm2.conf"
    if not all(p.is_file() for p in (*paths.values(), pin_file, conf)):
        return None
    pin = pin_file.read_text(encoding="utf-8").strip()
    try:
        certs = {
            name: x509.load_pem_x509_certificate(paths[name].read_bytes())
            for name in ("ca_cert", "signer_cert", "seal_cert")
        }
    except ValueError:
        return None
    services = _services_port(base)
    tsa_cert, tsa_key = base / "tsa_cert.pem", base / "tsa_key.pem"
    if services is None or not (tsa_cert.is_file() and tsa_key.is_file()):
        return None  # made before the demo had its CA's services: made again
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
    fits = (
        pin
        and _subject(certs["signer_cert"], NameOID.COMMON_NAME) == signer_name
        and _subject(certs["signer_cert"], NameOID.ORGANIZATION_NAME) == org_name
        and _subject(certs["seal_cert"], NameOID.COMMON_NAME) == org_name
        and all(c.not_valid_after_utc > soon for c in certs.values())
    )
    if not fits:
        return None
    return DemoPki(
        directory=base,
        softhsm2_conf=conf,
        tokendir=base / "tokens",
        token_label=_TOKEN_LABEL,
        module=DEFAULT_MODULE,
        org_name=org_name,
        signer_name=signer_name,
        pin=pin,
        pin_file=pin_file,
        tsa_cert=tsa_cert,
        tsa_key=tsa_key,
        **paths,
    )


_SERVICES_FILE = "services.json"  # the port its certificates name for OCSP, CRL and the TSA


def _services_port(base: Path) -> int | None:
    try:
        return int(json.loads((base / _SERVICES_FILE).read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_demo_pki(directory: Path, *, org_name: str, signer_name: str) -> DemoPki:
    """Reuse the demo PKI in ``directory`` (see :func:`load_demo_pki`), or make a new one with a
    random PIN; an outdated one is replaced only when it is ours (its softhsm2.conf says so)."""
    pki = load_demo_pki(directory, org_name=org_name, signer_name=signer_name)
    if pki is not None:
        return pki
    if directory.exists() and any(directory.iterdir()):
        conf = directory / "softhsm2.conf"
        ours = conf.is_file() and conf.read_text(encoding="utf-8").startswith(_OWN_MARK)
        if not ours:
            raise SnnSignError(
                f"{directory} có dữ liệu khác, không phải PKI demo; hãy dùng thư mục khác.",
                f"{directory} holds something other than a demo PKI; use another directory.",
            )
        shutil.rmtree(directory)
    port = free_port()  # from now on the certificates name it: kept in services.json
    pki = create_demo_pki(
        directory,
        token_label=_TOKEN_LABEL,
        pin=secrets.token_hex(8),
        org_name=org_name,
        signer_name=signer_name,
        services_url=f"http://127.0.0.1:{port}",
    )
    (pki.directory / _SERVICES_FILE).write_text(json.dumps({"port": port}) + "\n")
    return pki


def _stop_on_signal(signum, _frame):
    raise SystemExit(0)


DEMO_CSC_CREDENTIAL = "director"
DEMO_CSC_SEAL_CREDENTIAL = "seal"


def _start_demo_csc(directory: Path, pki: DemoPki):
    """The test CSC service with the director's key (a PIN made here, and an OTP "sent" to
    directory/csc-phone.log) and the organisation's seal (a PIN of its own, no OTP), each
    holder's PIN and bearer token in 0600 files (director.*, seal.*)."""
    from snn_sign_testkit.csc_process import start_csc_service  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pins = {holder: f"{secrets.randbelow(10**6):06d}" for holder in ("director", "seal")}
    running = start_csc_service(
        directory,
        pki,
        [
            {
                "id": DEMO_CSC_CREDENTIAL,
                "user": "director",
                "key_label": pki.signer_label,
                "certificates": [pki.signer_cert, pki.ca_cert],
                "pin": pins["director"],
                "otp": True,
            },
            {
                "id": DEMO_CSC_SEAL_CREDENTIAL,
                "user": "seal",
                "key_label": pki.seal_label,
                "certificates": [pki.seal_cert, pki.ca_cert],
                "pin": pins["seal"],
                "otp": False,
            },
        ],
    )
    for holder, pin in pins.items():
        for name, value in ((f"{holder}.pin", pin), (f"{holder}.token", running.tokens[holder])):
            fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(value + "\n")
    return running


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snn_sign_testkit.demo_bridge",
        description="A token bridge on a demo SoftHSM2 token (test keys only), for the demo.",
    )
    parser.add_argument("directory", type=Path, help="where the demo PKI and bridge files live")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--org", default=DEFAULT_ORG, help="organisation (seal certificate CN, O)")
    parser.add_argument("--signer", default=DEFAULT_SIGNER, help="signer (personal certificate CN)")
    parser.add_argument("--client", default="odoo", help="the bridge client's name")
    parser.add_argument(
        "--odoo-origin",
        action="append",
        default=[],
        help="an origin of the demo's web client, for the PC bridge's configuration (repeat)",
    )
    args = parser.parse_args(argv)

    from snn_sign_testkit.local_bridge import write_demo_pc_files  # noqa: PLC0415 - it imports us

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    base = args.directory.resolve()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    base.chmod(0o700)  # the token, its PIN and the client secret are inside
    try:
        pki = ensure_demo_pki(base / "pki", org_name=args.org, signer_name=args.signer)
        # The demo CA's OCSP responder, CRL and TSA, on the port its certificates name.
        services = TrustServices.bind(_services_port(pki.directory)).serve(pki)
        running = start_bridge(
            base / "bridge", pki, client_name=args.client, port=args.port or None
        )
    except (SnnSignError, RuntimeError, OSError) as error:
        print(f"demo bridge: {error}", file=sys.stderr)
        return 1
    try:
        csc = _start_demo_csc(base / "csc", pki)
    except (RuntimeError, OSError) as error:
        print(f"demo bridge: the remote-signing service: {error}", file=sys.stderr)
        running.stop()
        services.stop()
        return 1
    try:
        info = {
            "url": running.url,
            "client_name": running.client_name,
            "secret_file": str(running.secret_file),
            "ca_cert": str(pki.ca_cert),
            "signature_png": str(pki.signature_png),
            "seal_png": str(pki.seal_png),
            "org_name": pki.org_name,
            "signer_name": pki.signer_name,
            "pid": running.process.pid,
            "log": str(running.log_path),
            "tsa_url": services.tsa_url,
            # The director's key also at a remote-signing service (CSC), for the demo of
            # remote signing: its PIN and access token in 0600 files, its OTPs in csc_phone.
            "csc_url": csc.url,
            "csc_credential": DEMO_CSC_CREDENTIAL,
            "csc_token_file": str(base / "csc" / "director.token"),
            "csc_pin_file": str(base / "csc" / "director.pin"),
            "csc_seal_credential": DEMO_CSC_SEAL_CREDENTIAL,
            "csc_seal_token_file": str(base / "csc" / "seal.token"),
            "csc_seal_pin_file": str(base / "csc" / "seal.pin"),
            "csc_phone": str(csc.phone),
            # What a clerk's PC would run (README, "Demo users"): the seal and the director's
            # key on the demo token, through a bridge in the local profile.
            "seal_cert": str(pki.seal_cert),
            "signer_cert": str(pki.signer_cert),
            "pki_env": pki.env(),
            **write_demo_pc_files(
                base / "pc", pki, tuple(args.odoo_origin) or ("http://localhost:8069",)
            ),
        }
        print(json.dumps(info), flush=True)
        # Nothing more on stdout: whoever read that line may have closed the pipe.
        returncode = running.process.wait()
        print(
            f"demo bridge: the bridge exited ({returncode}), see {running.log_path}",
            file=sys.stderr,
        )
        return returncode or 1
    except KeyboardInterrupt:
        return 0
    finally:
        running.stop()
        csc.stop()
        services.stop()


if __name__ == "__main__":
    sys.exit(main())
