"""Reading Odoo's log: problems in an install log, and what Odoo's test runner did (results,
per-module stats, skips, ERROR lines), with the live filter of the runner's output."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ODOO_LOG_PROBLEM = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
ODOO_LOG_WARNING = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ WARNING ")
# Any Odoo log line: date time pid LEVEL db logger: message (tracebacks continue unprefixed).
ODOO_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): "
    r"(?P<message>.*)$"
)
# What Odoo's test runner logs (odoo/tests/result.py, odoo/service/server.py): one result line
# per database, one stats line per module, and `skipped <test> : <reason>` for every skip (the
# result line has no skip count; the skip line is INFO, hence --log-level=info for the runner).
ODOO_TEST_RESULT = re.compile(r"^(\d+) failed, (\d+) error\(s\) of (\d+) tests\b")
ODOO_TEST_STATS = re.compile(r"^(\w+): (\d+) tests\b")
ODOO_TEST_SKIP = re.compile(r"^skipped (.+) : ")
ODOO_BROWSER_LATE = re.compile(r"^(Error|Exception) received after termination: ")


@dataclass
class RunnerResult:
    """What one `odoo --test-enable --stop-after-init` run did, read from its log."""

    rc: int
    ran: int = 0  # Odoo's count (testsRun): skipped tests included
    failed: int | None = None  # None: no result line at all
    errors: int = 0
    skipped: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # module -> tests, from odoo.tests.stats
    error_lines: list = field(default_factory=list)
    late_browser_lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def parse_runner_log(log: Path, rc: int) -> RunnerResult:
    """Read Odoo's result, stats, skip and ERROR/CRITICAL lines; `problems` say why not green."""
    res = RunnerResult(rc)
    for line in log.read_text(errors="replace").splitlines():
        m = ODOO_LOG_LINE.match(line)
        if not m:
            continue
        logger, message = m["logger"], m["message"]
        if logger == "odoo.tests.result" and (r := ODOO_TEST_RESULT.match(message)):
            res.failed = (res.failed or 0) + int(r[1])
            res.errors += int(r[2])
            res.ran += int(r[3])
        elif logger == "odoo.tests.stats" and (r := ODOO_TEST_STATS.match(message)):
            res.stats[r[1]] = res.stats.get(r[1], 0) + int(r[2])
        elif m["level"] == "INFO" and (r := ODOO_TEST_SKIP.match(message)):
            res.skipped.append(f"{logger}: {r[1]}")
        if m["level"] in ("ERROR", "CRITICAL") and logger != "odoo.tests.result":
            # What the browser says after a tour has ended (Odoo logs it at ERROR and lets the
            # test pass: a page still loading when the tab closes) is shown, not fatal.
            late = logger.endswith(".browser") and ODOO_BROWSER_LATE.match(message)
            (res.late_browser_lines if late else res.error_lines).append(line)
    if rc:
        res.problems.append(f"odoo exited with {rc}")
    if res.failed is None:
        res.problems.append("no 'odoo.tests.result' line in the log (did the run finish?)")
    elif res.failed or res.errors:
        res.problems.append(f"{res.failed} failed, {res.errors} error(s) of {res.ran} tests")
    elif res.ran == 0:
        res.problems.append("no test ran")
    if res.skipped:
        res.problems.append(f"{len(res.skipped)} test(s) skipped: " + "; ".join(res.skipped[:10]))
    if res.error_lines:
        res.problems.append(f"{len(res.error_lines)} ERROR/CRITICAL line(s) in the log")
    return res


def runner_filter():
    """Live: warnings and worse (with their tracebacks), test results, stats, skips, progress."""
    state = {"shown": False}

    def show(line: str) -> bool:
        m = ODOO_LOG_LINE.match(line)
        if not m:
            return state["shown"]  # a traceback or a multi-line message goes with its first line
        state["shown"] = (
            m["level"] not in ("INFO", "DEBUG")
            or m["logger"] in ("odoo.tests.result", "odoo.tests.stats")
            or bool(ODOO_TEST_SKIP.match(m["message"]))
            or bool(re.match(r"(Starting post tests|\d+ post-tests in )", m["message"]))
            or "s test)" in m["message"]  # "Module X loaded in 9s (incl. 8s test), ..."
        )
        return state["shown"]

    return show
