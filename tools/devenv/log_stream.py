"""Running a long command (an Odoo install, Odoo's test runner) with its output shown live,
kept in a log file, and killed when it falls silent for too long."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from .common import start


def stream_to_log(
    cmd: list, log: Path, env: dict, *, show=None, silence_limit=None, on_start=None
) -> int:
    """Run a command, showing its output and keeping it in a log file for later reading.

    `show(line)`, when given, picks the lines shown; the log file keeps them all.
    `silence_limit` (seconds): a command that prints nothing for that long is taken as hung,
    killed, and said so in the log and on screen (rc is then -9), so that a run that waits for
    ever fails with the line it stopped at instead of running into CI's time limit.
    `on_start(proc)`, when given, receives the process (to stop it from another thread).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = start(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        if on_start:
            on_start(proc)
        last_output = [time.monotonic()]
        hung = threading.Event()
        done = threading.Event()

        def watch():
            while not done.wait(min(10, silence_limit)):
                if time.monotonic() - last_output[0] > silence_limit:
                    hung.set()
                    proc.kill()
                    return

        if silence_limit:
            threading.Thread(target=watch, daemon=True).start()
        try:
            for line in proc.stdout:
                last_output[0] = time.monotonic()
                if show is None or show(line):
                    sys.stderr.write(line)
                out.write(line)
            rc = proc.wait()
        except BaseException:  # Ctrl-C or SIGTERM: never leave Odoo running behind us
            proc.kill()
            raise
        finally:
            done.set()
        if hung.is_set():
            message = (
                f"HUNG: no output for {silence_limit:.0f}s, killed "
                "(the last lines of the log above show where it waited)\n"
            )
            sys.stderr.write(message)
            out.write(message)
        return rc
