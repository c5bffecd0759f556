"""The demo commands: `make run` (serve it), `make reset-demo` (build it again), `make stop`
(stop its cluster and services) and `make clean` (delete everything generated)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .apt import ensure_system_packages
from .common import Fail, say, step
from .demo_config import DEMO_SECRETS, configure_demo
from .demo_services import (
    EXCHANGE,
    SIGNING,
    dispatch_wanted,
    ensure_demo_bridge,
    ensure_demo_exchange,
    stop_demo_bridge,
    stop_demo_exchange,
)
from .names import ADDONS, DEMO_DB, ROOT, RUN, VENV
from .odoo_db import (
    Site,
    drop_database,
    install_modules,
    installed_modules,
    project_modules,
    write_odoo_conf,
)
from .odoo_source import find_odoo
from .postgres import demo_data_dirs, demo_server, existing_demo_cluster
from .python_env import ensure_venv

# The demo database's modules were installed or last updated from this code (modules_fingerprint).
DEMO_FINGERPRINT = RUN / "demo-modules.sha256"
LOADED_SUFFIXES = frozenset({".py", ".xml", ".csv", ".po", ".pot"})


def prepare_demo() -> tuple[Site, Path]:
    """Venv, packages, Odoo, database server and config shared by run and reset-demo."""
    py = ensure_venv()
    ensure_system_packages()
    site = Site(py, find_odoo(py), demo_server())
    (RUN / "data").mkdir(parents=True, exist_ok=True)
    conf = write_odoo_conf(
        site,
        RUN / "odoo.conf",
        RUN / "data",
        # Where snn_signing and snn_dispatch read secret files (configure_demo copies the demo
        # bridge's and exchange's secrets there): a section of its own, [snn]. The test runs
        # set it per test class instead (addons/snn_signing/tests/common.py).
        sections={"snn": {"secrets_dir": DEMO_SECRETS}},
        # Loopback unless told otherwise: the demo's passwords are public.
        http_interface=os.environ.get("SNN_HTTP_INTERFACE", "127.0.0.1"),
        http_port=os.environ.get("SNN_HTTP_PORT", "8069"),
        list_db="False",
        log_level="info",
        # Odoo's default, written out: the scheduled actions (snn_dispatch's deliveries and
        # statuses among them) run in the threads of the server `make run` starts.
        max_cron_threads="2",
    )
    return site, conf


def ensure_demo_database(site: Site, conf: Path) -> None:
    """Create snn_demo with demo data and every module, add modules it still lacks, and update
    the installed ones when their code changed since (a `git pull`): without that Odoo would
    serve new code on the old tables and fail on the first new column."""
    modules = project_modules()
    if not modules:
        raise Fail(f"no Odoo module in {ADDONS}: nothing to demonstrate")
    installed = installed_modules(site, DEMO_DB, modules)
    missing = [m for m in modules if m not in installed]
    log = RUN / "install-demo.log"
    fingerprint = modules_fingerprint(ADDONS, modules)
    # No fingerprint yet: a database made before they were kept, updated once to be sure.
    known = DEMO_FINGERPRINT.read_text() if DEMO_FINGERPRINT.is_file() else None
    if installed and known != fingerprint:
        install_modules(site, conf, DEMO_DB, sorted(installed), log=log, update=True)
    if missing:
        install_modules(site, conf, DEMO_DB, missing, log=log, demo=True)
    DEMO_FINGERPRINT.write_text(fingerprint)


def modules_fingerprint(addons: Path, modules: list) -> str:
    """SHA-256 over what an update of ``modules`` would load (Python, XML, CSV, translations,
    manifests); tests, static assets and documentation change nothing in the database."""
    digest = hashlib.sha256()
    for module in sorted(modules):
        for path in sorted((addons / module).rglob("*")):
            relative = path.relative_to(addons)
            if not path.is_file() or path.suffix not in LOADED_SUFFIXES:
                continue
            if {"tests", "static", "readme"} & set(relative.parts):
                continue
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cmd_run(_args: list) -> int:
    """Serve the demo on http://localhost:8069; Ctrl-C stops Odoo, the cluster, bridge and
    exchange stand-in stay up."""
    site, conf = prepare_demo()
    bridge = ensure_demo_bridge(site.py)
    ensure_demo_database(site, conf)
    exchange = ensure_demo_exchange(site.py) if dispatch_wanted() else None
    configure_demo(site, conf, bridge, exchange)
    port = os.environ.get("SNN_HTTP_PORT", "8069")
    say(
        f"serving database {DEMO_DB} on http://localhost:{port}  (log in as admin/admin, "
        "drafter/drafter, head/head, director/director, clerk/clerk, manager/manager)"
    )
    say(
        "Ctrl-C stops Odoo; `make stop` stops the demo PostgreSQL cluster, token bridge and "
        "exchange stand-in"
    )
    cmd = [str(c) for c in site.odoo_command(conf, "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$")]
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, site.odoo.env())  # noqa: S606 - Odoo takes over this process (and Ctrl-C)
    return 0  # not reached


def cmd_reset_demo(_args: list) -> int:
    """Drop the demo database, its files, its token and the exchange stand-in's store, then
    build them again from scratch."""
    site, conf = prepare_demo()
    stop_demo_bridge()
    shutil.rmtree(SIGNING, ignore_errors=True)
    stop_demo_exchange()
    shutil.rmtree(EXCHANGE, ignore_errors=True)  # its dedup keys name the old numbers
    bridge = ensure_demo_bridge(site.py)
    with step(f"dropping database {DEMO_DB}"):
        drop_database(site, DEMO_DB)
        shutil.rmtree(RUN / "data" / "filestore" / DEMO_DB, ignore_errors=True)
    ensure_demo_database(site, conf)
    exchange = ensure_demo_exchange(site.py) if dispatch_wanted() else None
    configure_demo(site, conf, bridge, exchange)
    say("demo database recreated; `make run` serves it")
    return 0


def cmd_stop(_args: list) -> int:
    """Stop the demo token bridge, the exchange stand-in and the demo cluster (a configured
    server is not ours)."""
    stopped = stop_demo_bridge()
    say("demo token bridge stopped" if stopped else "the demo token bridge is not running")
    stopped = stop_demo_exchange()
    say(
        "demo exchange stand-in stopped" if stopped else "the demo exchange stand-in is not running"
    )
    cluster = existing_demo_cluster()
    if cluster is None or cluster.running_port() is None:
        say("the demo PostgreSQL cluster is not running")
        return 0
    cluster.stop()
    say(f"demo PostgreSQL cluster stopped ({cluster.data})")
    return 0


def cmd_clean(_args: list) -> int:
    """Stop the demo cluster and delete everything generated (the demo database too), not .venv."""
    cmd_stop([])
    for data in demo_data_dirs():
        shutil.rmtree(data.parent if data.parent != RUN else data, ignore_errors=True)
    for path in [RUN, ROOT / ".pytest_cache", ROOT / ".ruff_cache", *ROOT.rglob("__pycache__")]:
        if VENV not in path.parents:
            shutil.rmtree(path, ignore_errors=True)
    say("removed .run (demo database included) and caches; .venv kept (rm -rf .venv to drop it)")
    return 0
