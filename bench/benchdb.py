"""The throwaway PostgreSQL cluster, database and modules a bench measures on, made as
`make test` makes them (tools/devenv.py); no Odoo import here, the measuring runs in a child
process with devenv's Odoo environment."""

from __future__ import annotations

import contextlib
import secrets
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only

import devenv  # noqa: E402


@dataclass
class BenchDb:
    py: Path  # the venv's Python, for the child runs
    odoo: devenv.Odoo  # odoo.env(): the child runs' environment
    conf: Path  # the Odoo config of the database
    dbname: str
    workdir: Path  # removed at the end


@contextlib.contextmanager
def bench_database(name: str, modules: list[str]):
    """A fresh database ``name`` with ``modules`` installed, on a throwaway cluster (or on the
    configured server, then dropped at the end)."""
    py = devenv.venv_python() if devenv.venv_python().exists() else Path(sys.executable)
    odoo = devenv.find_odoo(py)
    configured = devenv.configured_server()
    dbname = f"{name}_{secrets.token_hex(4)}" if configured else name
    with (
        tempfile.TemporaryDirectory(prefix=f"{name.replace('_', '-')}-") as tmp,
        devenv.throwaway_server() as server,
    ):
        site = devenv.Site(py, odoo, server)
        workdir = Path(tmp)
        conf = devenv.write_odoo_conf(
            site, workdir / "odoo.conf", workdir / "data", http_interface="127.0.0.1"
        )
        try:
            devenv.install_modules(site, conf, dbname, modules, log=workdir / "install.log")
            yield BenchDb(py, odoo, conf, dbname, workdir)
        finally:
            if configured:
                devenv.drop_database(site, dbname)


def run_outside_odoo(prepare_and_measure, args) -> int:
    """The parent run of a bench: SIGTERM/SIGHUP end it through the finally blocks (which
    remove the cluster), and devenv's failures print as one line."""
    signal.signal(signal.SIGTERM, devenv.exit_on_signal)
    signal.signal(signal.SIGHUP, devenv.exit_on_signal)
    try:
        return prepare_and_measure(args)
    except devenv.Fail as exc:
        devenv.say(f"ERROR: {exc}")
        return 1
