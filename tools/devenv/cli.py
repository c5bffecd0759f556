"""Developer environment behind `make run`, `make test` and friends.

Standard library only: it must run on any python3 >= 3.10 *before* the project's virtualenv
exists. It makes that virtualenv, checks the Debian packages the signing code needs, finds
Odoo 19 (never copying it into the project), starts a private PostgreSQL cluster when no
database server is configured, and then either serves the demo (with a token bridge on a demo
token and a stand-in of the document exchange) or runs every test on a throwaway database.

    python3 tools/devenv.py venv | run | reset-demo | stop | test [pytest args] |
                            test-sign [pytest args] | test-core | lint | clean | screenshots

Configuration (environment variables) is described in README.md, section "Configuration".
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

from .apt import ensure_system_packages
from .common import Fail, run, say
from .demo_commands import cmd_clean, cmd_reset_demo, cmd_run, cmd_stop
from .junit import count_junit, pytest_command
from .lint import cmd_lint
from .names import RESULTS, ROOT, TOOLS
from .odoo_db import Site, drop_database, install_modules, project_modules, write_throwaway_conf
from .odoo_runner import CORE_TEST_TAGS, odoo_runner_wanted, run_odoo_runner
from .odoo_source import find_odoo
from .postgres import configured_server, throwaway_server
from .python_env import ensure_venv
from .test_runs import report_counts, run_odoo_tests, test_paths


def cmd_venv(_args: list) -> int:
    """Make (or refresh) .venv only."""
    say(f"virtualenv ready: {ensure_venv()}")
    return 0


def cmd_test(args: list) -> int:
    """Everything, on throwaway databases: what CI runs through .ci/run."""
    with_runner = odoo_runner_wanted()
    py = ensure_venv()
    ensure_system_packages()
    odoo = find_odoo(py)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snn-test-") as tmp, throwaway_server() as server:
        return run_odoo_tests(Site(py, odoo, server), Path(tmp), args, with_runner)


def cmd_test_core(_args: list) -> int:
    """Odoo's own tests of the modules we depend on (CORE_TEST_TAGS), with ours installed."""
    py = ensure_venv()
    ensure_system_packages()
    odoo = find_odoo(py)
    RESULTS.mkdir(parents=True, exist_ok=True)
    modules = project_modules()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="snn-core-") as tmp, throwaway_server() as server:
        site = Site(py, odoo, server)
        dbname = "snn_core" if not configured_server() else f"snn_core_{secrets.token_hex(4)}"
        workdir = Path(tmp)
        conf = write_throwaway_conf(site, workdir)
        try:
            install_modules(site, conf, dbname, modules, log=RESULTS / "core-install.log")
            res = run_odoo_runner(
                site,
                conf,
                dbname,
                ["--test-tags", ",".join(CORE_TEST_TAGS)],
                log=RESULTS / "core-tests.log",
                what=f"Odoo's tests of core modules with {', '.join(modules)} installed",
                core=True,
            )
        finally:
            if configured_server():
                drop_database(site, dbname)
    print(f"Odoo core tests with our modules: {res.ran} ran ({len(res.skipped)} skipped)")
    say(f"make test-core: {time.monotonic() - started:.0f}s in all")
    for problem in res.problems:
        say(f"FAILED: {problem}")
    return 1 if res.problems else 0


def cmd_test_sign(args: list) -> int:
    """Only the Odoo-free tests (engine, bridge, CLI): no Odoo, no database."""
    py = ensure_venv()
    ensure_system_packages()
    RESULTS.mkdir(parents=True, exist_ok=True)
    junit = RESULTS / "junit-sign.xml"
    junit.unlink(missing_ok=True)
    cmd = pytest_command(py, test_paths(with_odoo=False), junit, ["-p", "no:odoo", *args])
    paths = [str(TOOLS), os.environ.get("PYTHONPATH")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    rc = run(cmd, check=False, env=env, cwd=ROOT).returncode
    return report_counts(count_junit(junit), rc, need_odoo=False)


def cmd_screenshots(_args: list) -> int:
    """Each demo user's first screen, desktop and phone, from the demo `make run` serves."""
    py = ensure_venv()
    ensure_system_packages()  # Chromium
    return run([py, TOOLS / "screenshots.py"], check=False, cwd=ROOT).returncode


COMMANDS = {
    "venv": cmd_venv,
    "run": cmd_run,
    "reset-demo": cmd_reset_demo,
    "stop": cmd_stop,
    "test": cmd_test,
    "test-sign": cmd_test_sign,
    "test-core": cmd_test_core,
    "lint": cmd_lint,
    "clean": cmd_clean,
    "screenshots": cmd_screenshots,
}


def exit_on_signal(signum, _frame):
    """Turn SIGTERM/SIGHUP into SystemExit so `finally` blocks stop the throwaway cluster."""
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    """Dispatch by hand: everything after the command goes to pytest untouched."""
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, exit_on_signal)
    signal.signal(signal.SIGHUP, exit_on_signal)
    try:
        return COMMANDS[argv[0]](argv[1:])
    except Fail as exc:
        say(f"ERROR: {exc}")
        return 1
