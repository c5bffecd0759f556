"""Odoo's own test runner (`odoo --test-enable --stop-after-init`): on the project's modules
for `make test`, on core modules' tests with ours installed for `make test-core`."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from .common import Fail, say, step
from .log_stream import stream_to_log
from .names import ADDONS, RESULTS, TOOLS
from .odoo_db import Site
from .odoo_log import RunnerResult, parse_runner_log, runner_filter

# `make test` runs the module tests a second time through Odoo's own runner unless this is 0
# (never on CI); `make test-core` runs these tests of Odoo's modules with ours installed.
ODOO_RUNNER_ENV = "SNN_TEST_ODOO_RUNNER"
CORE_TEST_TAGS = (
    "/hr",
    "/base_setup",
    "mail_activity/mail",  # mail's activity tests (TestMailActivityChatter, ...Integrity)
    # base's tests of what we override: res.users.write, res.company.write, ir.attachment
    "/base:TestIrAttachment",
    "/base:TestPermissions",
    "/base:TestUsers",
    "/base:TestUsers2",
    "/base:TestUsersTweaks",
    "/base:TestUsersIdentitycheck",
    "/base:TestCompany",
    # web basics: login, menus, session info, user settings. Not the user switch tour
    # (TestUserSwitch): here it waits for the bus websocket after logging in again and times
    # out at step 14 with hr alone installed too, without our modules.
    "/web:TestWebLogin",
    "/web:LoadMenusTests",
    "/web:TestSessionInfo",
    "/web:TestResUsers",
    # Expects /web/login_successful for a portal user, "valid without portal installed" (its
    # words): run after loading, portal (hr -> digest -> portal) sends that user to /my.
    "-/web:TestWebLogin.test_web_login_external",
    # Odoo's click-everywhere bot as admin: every app's menus, views, filters and group-bys
    # (ours among them) open without a client error. Not a standard test: asked by its tag.
    "click_all/web:TestMenusAdmin",
)
# `make test-core` runs Odoo through this module (core_runner.py: why it exists is said there).
CORE_RUNNER_MODULE = "devenv.core_runner"

RUNNER_LABEL = "Odoo tests (odoo-bin --test-enable)"
# Odoo's runner logs every test it starts (--log-level=info); this long without a line, it waits
# for something that will not come (a lock, a server that cannot answer) and is killed.
RUNNER_SILENCE_LIMIT = 600


def run_odoo_runner(
    site: Site,
    conf: Path,
    dbname: str,
    args: list,
    *,
    log: Path,
    what: str,
    core: bool = False,
    quiet: bool = False,
    on_start=None,
) -> RunnerResult:
    """Odoo's own test runner (`odoo ... --test-enable --stop-after-init`), its log kept and read.

    `core` runs it through CORE_RUNNER_MODULE (every selected test once the registry is loaded).
    `quiet` shows nothing live (it runs beside pytest, whose output it would cut into): its
    failures are printed when it ends. `on_start(proc)` receives the process.
    """
    args = [*args, "--test-enable", "--stop-after-init", "--log-level=info", "-d", dbname]
    cmd = site.odoo_command(conf, *args)
    env = site.odoo.env()
    if core:  # the same arguments after `python -m <module>`; tools/ makes devenv importable
        cmd = [site.py, "-m", CORE_RUNNER_MODULE, *cmd[3:]]
        env = site.odoo.env((TOOLS,))
    started = time.monotonic()
    with step(f"{what} (log: {log})"):
        rc = stream_to_log(
            cmd,
            log,
            env,
            show=(lambda _line: False) if quiet else runner_filter(),
            silence_limit=RUNNER_SILENCE_LIMIT,
            on_start=on_start,
        )
    res = parse_runner_log(log, rc)
    if rc == -signal.SIGKILL:
        started_tests = [line for line in log.read_text().splitlines() if " Starting " in line]
        last = started_tests[-1] if started_tests else "(none started)"
        res.problems.append(f"Odoo's runner hung and was killed; the last test started: {last}")
    stats = ", ".join(f"{m} {n}" for m, n in sorted(res.stats.items())) or "none"
    say(f"{what}: {time.monotonic() - started:.0f}s; tests per module: {stats}")
    for line in res.error_lines[:20]:
        say(f"  {line}")
    if res.late_browser_lines:
        say(
            f"{len(res.late_browser_lines)} browser ERROR line(s) after a tour ended "
            "(not counted as a failure, as Odoo does not):"
        )
        for line in res.late_browser_lines[:10]:
            say(f"  {line}")
    return res


def odoo_runner_wanted() -> bool:
    """SNN_TEST_ODOO_RUNNER=0 skips Odoo's runner in `make test`, except on CI."""
    if os.environ.get(ODOO_RUNNER_ENV, "1").strip() not in ("0", "no", "false"):
        return True
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        raise Fail(f"{ODOO_RUNNER_ENV}=0 is refused on CI (CI is set): both runners must pass")
    return False


def run_project_runner(
    site: Site, conf: Path, dbname: str, modules: list, *, quiet: bool = False, on_start=None
) -> RunnerResult:
    """Every module installed into a fresh database by Odoo's runner, its tests run as Odoo does."""
    tags = ",".join(f"/{m}" for m in modules)
    res = run_odoo_runner(
        site,
        conf,
        dbname,
        ["-i", ",".join(modules), "--test-tags", tags],
        log=RESULTS / "odoo-runner.log",
        what=f"Odoo's test runner on database {dbname} (--test-tags {tags})",
        quiet=quiet,
        on_start=on_start,
    )
    for module in modules:
        if (ADDONS / module / "tests" / "__init__.py").exists() and not res.stats.get(module):
            res.problems.append(f"no test of {module} ran (no odoo.tests.stats line for it)")
    return res
