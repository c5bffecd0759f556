"""The demo's two background services, each started once and reused while it answers:

- the token bridge (BRIDGE_MODULE): the demo signs for real, with a SoftHSM2 token holding a
  test CA, the demo director's personal key and the organisation's seal. The token is made once
  in .run/signing and reused; the PIN and the bridge client's secret stay in 0600 files there.
- the stand-in of the document exchange (EXCHANGE_MODULE): snn_dispatch sends to outside
  agencies through the provincial exchange (LGSP), which cannot be reached from here, and
  snn_incoming receives from them. Its files are in .run/exchange: the demo system's HMAC
  secret (0600), an SQLite store (messages, mailboxes, dedup keys, statuses) and exchange.log,
  one line per request. The demo system serves the demo company's agency code (demo.json
  dispatch): it alone reads that mailbox. A second system, the sending agency's (demo.json
  incoming; its secret in .run/exchange/systems/, 0600), is known but bound to no agency code,
  so the demo can put a letter from that agency into the demo company's mailbox
  (demo_shell.py), and the documents the demo company sends it are still answered by the
  stand-in itself with a status 01 ("arrived"), which Odoo's scheduled action fetches on its
  next run. `make reset-demo` starts it afresh with an empty store, since the rebuilt database
  numbers its documents from 01 again.

Both run as the user running make (only PostgreSQL refuses root), so .run/ suits them in every
case; Ctrl-C of `make run` leaves them running, `make stop` stops them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
import urllib.request
from pathlib import Path

from .common import say, step
from .demo_config import demo_data
from .names import BRIDGE_MODULE, DISPATCH_ADDON, EXCHANGE_MODULE, RUN
from .odoo_db import project_modules
from .processes import launcher_pid, start_launcher, stop_launcher

SIGNING = RUN / "signing"
BRIDGE_PID = SIGNING / "bridge.pid"  # the launcher, leader of the bridge's process group
BRIDGE_INFO = SIGNING / "bridge.json"  # its JSON line: url, secret_file, ca_cert, ... (no secret)
BRIDGE_LAUNCHER_LOG = SIGNING / "demo-bridge.log"
BRIDGE_START_TIMEOUT = 180  # seconds; the first start also makes the token

EXCHANGE = RUN / "exchange"
EXCHANGE_PID = EXCHANGE / "stand-in.pid"
EXCHANGE_INFO = EXCHANGE / "stand-in.json"  # its JSON line: url, system_id, secret_file, ...
EXCHANGE_LAUNCHER_LOG = EXCHANGE / "stand-in.stderr.log"
EXCHANGE_START_TIMEOUT = 60  # seconds


def demo_bridge_pid() -> int | None:
    """The bridge's launcher an earlier `make run` started, if it still runs."""
    return launcher_pid(BRIDGE_PID, BRIDGE_MODULE)


def bridge_healthy(url: str) -> bool:
    """GET /v1/health, never through a proxy (the bridge is on loopback)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url + "/v1/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop_demo_bridge() -> bool:
    """Stop the launcher and the bridge; False when it was not running."""
    return stop_launcher(BRIDGE_PID, BRIDGE_MODULE, "the demo token bridge")


def start_demo_bridge(py: Path) -> dict:
    """Start the bridge's launcher (see start_launcher); its JSON line says where the bridge
    listens and where its files are. The certificates name the demo company and director of
    the demo data (see demo_config.py)."""
    SIGNING.mkdir(parents=True, exist_ok=True, mode=0o700)
    SIGNING.chmod(0o700)
    names = demo_data()["certificates"]
    cmd = [py, "-m", BRIDGE_MODULE, SIGNING, "--org", names["org"], "--signer", names["signer"]]
    port = os.environ.get("SNN_HTTP_PORT", "8069")
    for host in ("localhost", "127.0.0.1"):  # as the browser shows the demo's address
        cmd += ["--odoo-origin", f"http://{host}:{port}"]
    info = start_launcher(
        cmd,
        pid_file=BRIDGE_PID,
        log=BRIDGE_LAUNCHER_LOG,
        timeout=BRIDGE_START_TIMEOUT,
        what="the demo token bridge",
    )
    BRIDGE_INFO.write_text(json.dumps(info, indent=2) + "\n")
    return info


def ensure_demo_bridge(py: Path) -> dict:
    """The running demo bridge, or a new one. Before Odoo installs anything: snn_signing's
    constraints ask the bridge about a key whenever one is configured."""
    if demo_bridge_pid() is not None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            info = json.loads(BRIDGE_INFO.read_text())
            if bridge_healthy(info["url"]):
                say(f"demo token bridge on {info['url']} (already running)")
                return info
        stop_demo_bridge()  # alive but not answering: start afresh
    with step("starting the demo token bridge"):
        info = start_demo_bridge(py)
    say(f"demo token bridge on {info['url']} (token and log in {SIGNING})")
    return info


def exchange_healthy(info: dict) -> bool:
    """GET /_standin/health signed as the sending system (SNN-HMAC, the scheme of
    snn_sign.bridge.auth, written out here: devenv imports nothing of the project), never
    through a proxy: a 200 proves the stand-in answers and still takes the secret Odoo uses."""
    path = "/_standin/health"
    try:
        url = info["url"]
        if not url.startswith("http://127.0.0.1:"):  # the stand-in listens on loopback only
            return False
        secret = Path(info["secret_file"]).read_bytes().strip()
        ts, nonce = str(int(time.time())), secrets.token_urlsafe(18)
        signed = "\n".join(["GET", path, ts, nonce, hashlib.sha256(b"").hexdigest()])
        sig = hmac.new(secret, signed.encode(), hashlib.sha256).hexdigest()
        auth = f"SNN-HMAC client={info['system_id']},ts={ts},nonce={nonce},sig={sig}"
        request = urllib.request.Request(url + path, headers={"Authorization": auth})  # noqa: S310
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=2) as response:
            return response.status == 200
    except (OSError, KeyError, TypeError, ValueError):
        return False


def stop_demo_exchange() -> bool:
    """Stop the exchange's stand-in; False when it was not running."""
    return stop_launcher(EXCHANGE_PID, EXCHANGE_MODULE, "the demo exchange stand-in")


def exchange_command(py: Path) -> list[str]:
    """The stand-in's command line: its files in RUN/exchange, the demo system bound to the
    demo company's agency code."""
    dispatch = demo_data()["dispatch"]
    system = dispatch["system_id"]
    binding = f"{system}={dispatch['organ_id']}"
    return [
        str(c) for c in (py, "-m", EXCHANGE_MODULE, RUN, "--system-id", system, "--organ", binding)
    ]


def ensure_sender_secret() -> bool:
    """The sending agency's system secret (0600), made once; True when made now (a running
    stand-in reads its systems only when it starts)."""
    path = EXCHANGE / "systems" / f"{demo_data()['incoming']['sender_system_id']}.secret"
    if path.is_file() and path.read_bytes().strip():
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return True


def ensure_demo_exchange(py: Path) -> dict:
    """The running stand-in of the document exchange, or a new one (also when the running
    one was started with another command line, e.g. before the bindings existed)."""
    EXCHANGE.mkdir(parents=True, exist_ok=True, mode=0o700)
    EXCHANGE.chmod(0o700)
    command = exchange_command(py)
    new_system = ensure_sender_secret()
    if launcher_pid(EXCHANGE_PID, EXCHANGE_MODULE) is not None:
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(EXCHANGE_INFO.read_text())
            same = isinstance(info, dict) and info.get("command") == command
            if same and not new_system and exchange_healthy(info):
                say(f"demo exchange stand-in on {info['url']} (already running)")
                return info
        stop_demo_exchange()  # alive but not answering, or started otherwise: start afresh
    with step("starting the demo exchange stand-in"):
        info = start_launcher(
            command,
            pid_file=EXCHANGE_PID,
            log=EXCHANGE_LAUNCHER_LOG,
            timeout=EXCHANGE_START_TIMEOUT,
            what="the demo exchange stand-in",
        )
        info["command"] = command  # what the next `make run` compares
        EXCHANGE_INFO.write_text(json.dumps(info, indent=2) + "\n")
    say(f"demo exchange stand-in on {info['url']} (its store and request log in {EXCHANGE})")
    return info


def dispatch_wanted() -> bool:
    """The stand-in runs only for a demo that has snn_dispatch to use it."""
    return DISPATCH_ADDON in project_modules()
