"""Odoo databases: the config file a run uses, the project's modules, installing them (the log
kept and refused on any ERROR), and the few SQL questions devenv asks."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .common import Fail, free_port, run, say, step
from .log_stream import stream_to_log
from .names import ADDONS
from .odoo_log import ODOO_LOG_PROBLEM, ODOO_LOG_WARNING
from .odoo_source import Odoo
from .postgres import DbServer


@dataclass
class Site:
    """What every Odoo step needs: the venv's Python, Odoo, and a database server."""

    py: Path
    odoo: Odoo
    server: DbServer

    def odoo_command(self, conf: Path, *args) -> list:
        """`python -m odoo` works for a source tree and an installed package alike."""
        return [self.py, "-m", "odoo", "-c", conf, *args]


def sql(site: Site, statement: str, params=(), dbname="postgres") -> list:
    """Run one statement with the venv's psycopg2 (no psql needed on a configured server)."""
    code = (
        "import json, sys, psycopg2\n"
        "a = json.loads(sys.stdin.read())\n"
        "c = psycopg2.connect(**a['dsn']); c.autocommit = True; cur = c.cursor()\n"
        "cur.execute(a['sql'], a['params'])\n"
        "print(json.dumps(cur.fetchall() if cur.description else []))\n"
    )
    payload = {"dsn": site.server.dsn(dbname), "sql": statement, "params": list(params)}
    # On stdin, not argv: a configured server's password must not show up in `ps`.
    out = run([site.py, "-c", code], input=json.dumps(payload), capture_output=True, text=True)
    return json.loads(out.stdout)


def project_modules() -> list[str]:
    """Every installable module in addons/: the project installs and tests all of them."""
    mods = []
    for manifest in sorted(ADDONS.glob("*/__manifest__.py")):
        text = manifest.read_text()
        if not re.search(r"['\"]installable['\"]\s*:\s*False", text):
            mods.append(manifest.parent.name)
    return mods


def write_odoo_conf(
    site: Site, path: Path, data_dir: Path, sections: dict | None = None, **extra
) -> Path:
    """An Odoo config for this run; the admin (master) password is random, never a default.
    ``sections``: other sections than [options] ({name: {key: value}}), for the add-ons."""
    odoo, server = site.odoo, site.server
    options = {
        "addons_path": ",".join(str(p) for p in odoo.addons_path()),
        "db_host": server.host,
        "db_port": server.port,
        "db_user": server.user,
        "admin_passwd": secrets.token_urlsafe(24),
        "data_dir": data_dir,
        "log_level": "warn",
        **extra,
    }
    if server.password:
        options["db_password"] = server.password
    text = "[options]\n" + "".join(f"{k} = {v}\n" for k, v in options.items())
    for name, values in (sections or {}).items():
        text += f"\n[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
    path.write_text(text)
    path.chmod(0o600)
    return path


def write_throwaway_conf(site: Site, workdir: Path) -> Path:
    """The config of a throwaway run in ``workdir``: its own data directory, HTTP on free
    loopback ports (tests start the web server)."""
    return write_odoo_conf(
        site,
        workdir / "odoo.conf",
        workdir / "data",
        http_interface="127.0.0.1",
        http_port=free_port(),
        gevent_port=free_port(),
    )


def installed_modules(site: Site, dbname: str, modules: list[str]) -> set[str]:
    """Which of `modules` are installed in a database (empty when it has no Odoo yet)."""
    if not database_exists(site, dbname):
        return set()
    rows = sql(site, "SELECT to_regclass('ir_module_module') IS NOT NULL", dbname=dbname)
    if not rows[0][0]:
        return set()
    query = "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)"
    return {r[0] for r in sql(site, query, [modules], dbname=dbname)}


def database_exists(site: Site, dbname: str) -> bool:
    """Whether a database exists on the server."""
    return bool(sql(site, "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]))


def drop_database(site: Site, dbname: str) -> None:
    """Drop a database, disconnecting whoever still uses it."""
    sql(
        site,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [dbname],
    )
    sql(site, f'DROP DATABASE IF EXISTS "{dbname}"')


def install_modules(
    site: Site,
    conf: Path,
    dbname: str,
    modules: list,
    *,
    log: Path,
    demo: bool = False,
    update: bool = False,
) -> None:
    """Install modules (or ``update`` installed ones: their new fields, views, data) with Odoo
    and refuse any ERROR/CRITICAL in its log (Odoo exits 0 then)."""
    # Warnings and worse only: the log is shown live and scanned; INFO would bury the problems.
    option = "-u" if update else "-i"
    args = ["-d", dbname, option, ",".join(modules), "--stop-after-init", "--log-level=warn"]
    if demo:
        args.append("--with-demo")  # Odoo 19 installs no demo data unless asked
    doing = "updating" if update else "installing"
    with step(f"{doing} {', '.join(modules)} in database {dbname}"):
        rc = stream_to_log(site.odoo_command(conf, *args), log, site.odoo.env())
    lines = log.read_text().splitlines()
    problems = [line for line in lines if ODOO_LOG_PROBLEM.match(line)]
    warnings = [line for line in lines if ODOO_LOG_WARNING.match(line)]
    if warnings:
        say(f"{len(warnings)} WARNING line(s) in the install log ({log})")
    missing = set(modules) - installed_modules(site, dbname, modules)
    if rc != 0 or problems or missing:
        shown = "\n".join(problems[:50]) or "(no ERROR lines; see the log)"
        raise Fail(
            f"module installation failed (exit {rc}, not installed: "
            f"{', '.join(sorted(missing)) or 'none'}); full log: {log}\n{shown}"
        )


def copy_database(site: Site, conf: Path, source: str, target: str) -> None:
    """``target`` as a copy of the installed ``source`` (PostgreSQL template copy, nobody
    connected to ``source`` yet) with its filestore: another organisation's server for the
    tests that need two databases (snn_incoming's end-to-end test)."""
    import shutil  # noqa: PLC0415 - only this helper copies files

    drop_database(site, target)
    sql(site, f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    data_dir = Path(
        next(
            line.split("=", 1)[1].strip()
            for line in conf.read_text().splitlines()
            if line.startswith("data_dir")
        )
    )
    filestore = data_dir / "filestore"
    if (filestore / source).is_dir():
        shutil.rmtree(filestore / target, ignore_errors=True)
        shutil.copytree(filestore / source, filestore / target)
