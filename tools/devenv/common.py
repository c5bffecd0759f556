"""What every part of devenv uses: failing with a message, progress lines, running commands."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time

from .names import ROOT


class Fail(Exception):
    """A problem the user must fix; printed without a traceback."""


def say(message: str) -> None:
    """Progress goes to stderr so that CI logs interleave it with subprocess output."""
    print(f"[devenv] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def step(name: str):
    """Time each phase: the report and CI logs show where a slow run spends its time."""
    say(f"{name} ...")
    start = time.monotonic()
    yield
    say(f"{name}: done in {time.monotonic() - start:.1f}s")


def run(cmd: list, *, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run a command and fail loudly: a half-made environment is worse than a clear stop."""
    try:
        return subprocess.run([str(c) for c in cmd], check=check, **kwargs)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "") if kwargs.get("capture_output") else ""
        command = " ".join(map(str, cmd))
        raise Fail(f"command failed ({exc.returncode}): {command}\n{detail}") from exc


def start(cmd: list, **kwargs) -> subprocess.Popen:
    """Start a command in the background, in the project's folder, its output as text."""
    return subprocess.Popen([str(c) for c in cmd], cwd=ROOT, text=True, **kwargs)


def probe(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a command whose failure is an answer, not an error; output captured as text."""
    return run(cmd, check=False, capture_output=True, text=True, **kwargs)


def is_root() -> bool:
    """Root needs special care: initdb and postgres refuse to run as root."""
    return os.geteuid() == 0


def free_port() -> int:
    """Ask the kernel for a free TCP port: a server must never collide with another one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
