"""Supervising the demo's background programs (launchers): each in a session of its own, its
pid in a file, found again by a later `make run` and stopped with its whole process group."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path

from .common import Fail, start


def process_alive(pid: int) -> bool:
    """A running process; a zombie (exited, not yet reaped by its parent) is not."""
    if Path("/proc/self/stat").exists():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_group(pgid: int) -> list[int]:
    """Live members of a process group (Linux /proc; elsewhere its leader only)."""
    if not Path("/proc/self/stat").exists():
        return [pgid] if process_alive(pgid) else []
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def launcher_pid(pid_file: Path, module: str) -> int | None:
    """The launcher an earlier `make run` started, if it still runs: a pid file can outlive
    its process, and the pid be taken by another one, hence the command-line check."""
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return None
    if not process_alive(pid):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and module.encode() not in cmdline.read_bytes():
        return None
    return pid


def stop_launcher(pid_file: Path, module: str, what: str) -> bool:
    """SIGTERM the launcher's process group, SIGKILL after 10 s. False when it was not
    running."""
    pid = launcher_pid(pid_file, module)
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return False
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while process_group(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not process_group(pid):
            return True
    raise Fail(f"{what} (process group {pid}) did not stop")


def start_launcher(cmd: list, *, pid_file: Path, log: Path, timeout: float, what: str) -> dict:
    """Start a launcher in a session of its own: Ctrl-C of `make run` stops Odoo and leaves
    it running, like the database; `make stop` stops it. It prints one JSON line (where it
    listens, where its files are), read here; its stderr goes to `log`."""
    module = str(cmd[2])  # [python, "-m", module, ...]
    with log.open("w") as err:
        proc = start(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    proc.stdout.close()
    try:
        info = json.loads(line)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        stop_launcher(pid_file, module, what)
        tail = log.read_text(errors="replace").strip().splitlines()[-20:]
        raise Fail(f"{what} did not start (log: {log}):\n" + ("\n".join(tail) or "(no output)"))
    return info
