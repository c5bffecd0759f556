"""`make test`: every module installed into a fresh database, all tests in one pytest, and beside
it the module tests again by Odoo's own runner; the counts CI looks for, and why a run is not
green."""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .common import Fail, run, say, step
from .junit import JunitCounts, count_junit, pytest_command
from .names import ADDONS, RESULTS, ROOT, TOOLS
from .odoo_db import (
    Site,
    copy_database,
    drop_database,
    install_modules,
    project_modules,
    write_throwaway_conf,
)
from .odoo_log import RunnerResult
from .odoo_runner import ODOO_RUNNER_ENV, RUNNER_LABEL, run_project_runner
from .postgres import configured_server

# The names of the peer databases, for addons/snn_incoming/tests/test_two_databases.py.
PEER_DATABASES_ENV = "SNN_TEST_PEER_DATABASES"


def report_counts(
    counts: JunitCounts, rc: int, need_odoo: bool, runner: RunnerResult | str | None = None
) -> int:
    """Print the counts CI looks for; 'nothing ran' is a failure, never a pass.

    `runner` is Odoo's own runner's result, or why it did not run (then no failure of its own).
    """
    print(f"Odoo tests: {counts.odoo_ran} ran ({counts.odoo_skipped} skipped)", flush=True)
    print(f"Odoo-free tests: {counts.free_ran} ran ({counts.free_skipped} skipped)", flush=True)
    problems = []
    if isinstance(runner, RunnerResult):
        print(f"{RUNNER_LABEL}: {runner.ran} ran ({len(runner.skipped)} skipped)", flush=True)
        problems += [f"Odoo runner: {p}" for p in runner.problems]
    elif runner is not None:
        print(f"{RUNNER_LABEL}: not run ({runner})", flush=True)
    if counts.misimported:
        problems.append(
            f"{counts.misimported} test(s) in addons/ were not imported as odoo.addons.*: "
            "is there an __init__.py in addons/ or the repository root?"
        )
    if rc == 5:
        problems.append("pytest collected no tests (exit 5)")
    elif rc:
        problems.append(f"pytest failed (exit {rc})")
    if need_odoo and counts.odoo_ran == 0:
        problems.append("no Odoo test ran")
    skipped = counts.odoo_skipped + counts.free_skipped
    if skipped:
        # A skipped test proves nothing (a browser that did not start, a missing tool): CI
        # must not count it as a pass.
        problems.append(f"{skipped} test(s) skipped: see the 'SKIPPED' lines above")
    for problem in problems:
        say(f"FAILED: {problem}")
    return 1 if problems else 0


def test_paths(with_odoo: bool) -> list[Path]:
    """tests/ always; every module's tests/ when Odoo is part of the run."""
    paths = [ROOT / "tests"] if (ROOT / "tests").is_dir() else []
    if with_odoo:
        paths += [p.parent for p in sorted(ADDONS.glob("*/tests/__init__.py"))]
    return [p.relative_to(ROOT) for p in paths]


def run_odoo_tests(site: Site, workdir: Path, args: list, with_runner: bool = True) -> int:
    """Install every module into a fresh database, then run all tests in one pytest and (unless
    `with_runner` is false) at the same time the module tests again with Odoo's own runner on a
    second fresh database of the same server, so that neither way of running them can rot.

    The two run side by side: on two cores, much of either run waits (browsers, LibreOffice,
    the bridge, PostgreSQL), and one after the other they took 38 minutes. Each has its own
    database, configuration, HTTP ports and data directory; the runner's log is kept, and its
    failures are printed when both have ended."""
    modules = project_modules()
    if not modules:
        raise Fail(f"no Odoo module in {ADDONS}: nothing to install, no Odoo test can run")
    suffix = "" if not configured_server() else f"_{secrets.token_hex(4)}"
    dbname, runner_db = f"snn_test{suffix}", f"snn_test_odoo{suffix}"
    peers = [f"{dbname}_peer_a", f"{dbname}_peer_b"]
    conf = write_throwaway_conf(site, workdir)
    runner_procs: list = []
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        install_modules(site, conf, dbname, modules, log=RESULTS / "install.log")
        # Two more organisations' servers, each a database of its own, for the tests that
        # send between agencies (copies of the installed one, made before anyone connects).
        with step("copying it as two peer databases"):
            for peer in peers:
                copy_database(site, conf, dbname, peer)
        runner = f"{ODOO_RUNNER_ENV}=0"
        if with_runner:
            (workdir / "runner").mkdir(exist_ok=True)
            runner_conf = write_throwaway_conf(site, workdir / "runner")
            runner = pool.submit(
                run_project_runner,
                site,
                runner_conf,
                runner_db,
                modules,
                quiet=True,
                on_start=runner_procs.append,
            )
        junit = RESULTS / "junit.xml"
        junit.unlink(missing_ok=True)
        cmd = pytest_command(
            site.py,
            test_paths(with_odoo=True),
            junit,
            ["--odoo-config", conf, "--odoo-database", dbname, "--odoo-http", *args],
        )
        started = time.monotonic()
        with step("pytest (Odoo and Odoo-free tests)"):
            env = {**site.odoo.env((TOOLS,)), PEER_DATABASES_ENV: ",".join(peers)}
            rc = run(cmd, check=False, env=env, cwd=ROOT).returncode
        say(f"pytest: {time.monotonic() - started:.0f}s")
        # pytest's failures show first; ARGS (-x, -k) go to pytest alone, Odoo's runner runs
        # every module test whatever pytest's outcome, so that CI shows both.
        if with_runner:
            with step("waiting for Odoo's runner to end"):
                runner = runner.result()
        return report_counts(count_junit(junit), rc, need_odoo=True, runner=runner)
    except BaseException:  # Ctrl-C, a failed install: never leave the runner's Odoo behind
        for proc in runner_procs:
            proc.kill()
        raise
    finally:
        pool.shutdown(wait=True)
        if configured_server():
            for name in (dbname, runner_db, *peers):
                drop_database(site, name)
