"""The CSC test service (csc_service) in a process of its own, on a demo PKI's token: what the
Odoo tests start. PKCS#11 reads its configuration once per process, so a service loaded into
a test process that already loaded another token would see the wrong keys.

    running = start_csc_service(workdir, pki, [
        {"id": "director", "user": "director", "key_label": "signer", "pin": "2468",
         "otp": True, "certificates": [pki.signer_cert, pki.ca_cert]},
    ])
    running.url, running.tokens["director"], running.last_otp("director"); running.stop()
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from snn_sign_testkit.processes import stop_process


@dataclass
class RunningCsc:
    url: str
    tokens: dict[str, str]  # user -> bearer token
    process: subprocess.Popen
    phone: Path  # the service's stderr: each OTP it sends, as the holder's phone shows it

    def last_otp(self, credential_id: str, timeout: float = 10.0) -> str:
        """The last one-time code sent for ``credential_id`` (waits for it to arrive)."""
        pattern = re.compile(rf"^OTP for {re.escape(credential_id)}: (\S+)$", re.MULTILINE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.findall(self.phone.read_text(encoding="utf-8", errors="replace"))
            if found:
                return found[-1]
            time.sleep(0.05)
        raise TimeoutError(f"no OTP sent for {credential_id}")

    def stop(self) -> None:
        stop_process(self.process)


def start_csc_service(workdir: Path, pki, credentials: list[dict]) -> RunningCsc:
    """Start the service for ``credentials`` (id, user, key_label, certificates: paths, pin,
    otp) on ``pki``'s token; return when it answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    spec = {
        "token": {
            "softhsm2_conf": str(pki.softhsm2_conf),
            "module": pki.module,
            "label": pki.token_label,
            "pin_file": str(pki.pin_file),
        },
        "credentials": [
            {**c, "certificates": [str(path) for path in c["certificates"]]} for c in credentials
        ],
    }
    spec_path = workdir / "csc-spec.json"
    fd = os.open(spec_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds PINs
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(spec, handle)
    phone = workdir / "csc-phone.log"
    with open(phone, "wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own test service
            [sys.executable, "-m", "snn_sign_testkit.csc_service", "--spec", str(spec_path)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, **pki.env()},
        )
    line = process.stdout.readline()  # its one line once it serves; b"" when it died first
    if not line:
        process.wait()
        raise RuntimeError(f"the CSC service did not start:\n{phone.read_text()}")
    started = json.loads(line)
    return RunningCsc(started["url"], started["tokens"], process, phone)
