"""What every Odoo bench shares.

Outside Odoo (no Odoo import): the throwaway PostgreSQL cluster, database and modules a bench
measures on, made as `make test` makes them (tools/devenv.py); the measuring then runs in a
child process with devenv's Odoo environment.

Inside that child (Odoo importable, an env given): the organisation a bench measures in, made
as the tests' set-up classes make theirs (addons/snn_docflow/tests/common.py: units with their
heads, one user per role, registers and document types; addons/snn_signing/tests/common.py:
the token bridge, the organisation's seal, the demo CA as trusted root, a signing director).
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only

import devenv  # noqa: E402

# --------------------------------------------------------------------------- outside Odoo


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


def odoo_registry(config_file: Path, dbname: str):
    """In a child run: the registry of the bench's database, Odoo configured as devenv
    configured it."""
    from odoo.modules.registry import Registry  # noqa: PLC0415 - Odoo only in the child runs
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", str(config_file)], setup_logging=True)
    return Registry(dbname)


def exchange_child_command(script: str, db: BenchDb, running, docs: int, **extra) -> list:
    """The child runs' command (without --inner) of a bench against the exchange's stand-in
    ``running``: what they need of it (its address, our system, the secret's file, its log,
    and ``extra``) written beside the database, as the children read it back."""
    info = db.workdir / "exchange.json"
    info.write_text(
        json.dumps(
            {
                "url": running.url,
                "system_id": running.system_id,
                "secret_file": str(running.secret_file),
                "pid": running.pid,
                "log": str(running.log_path),
                **extra,
            }
        )
    )
    return [
        db.py, Path(script).resolve(), "--inner-config", db.conf, "--inner-db", db.dbname,
        "--inner-exchange", info, "--docs", docs,
    ]  # fmt: skip


def exchange_registry(args):
    """In a child run of an exchange bench: the registry of the bench's database, the
    exchange's secret read by name from the server's secrets directory: beside the stand-in's
    files unless devenv's configuration names one (see put_secret)."""
    registry = odoo_registry(args.inner_config, args.inner_db)
    from odoo.tools import config  # noqa: PLC0415 - Odoo only in the child runs

    if not config.get("snn_secrets_dir"):
        config["snn_secrets_dir"] = str(args.inner_exchange.parent / "secrets")
    return registry


@contextlib.contextmanager
def signing_registry(config_file: Path, dbname: str, name: str, *, services: bool = False):
    """In a child run: (registry, running bridge): a demo PKI on SoftHSM2 and a token bridge on
    it, set up before the registry loads (this process's PKCS#11 module reads the PKI's
    environment once), stopped and removed at the end. ``services``: the PKI's certificates
    name an OCSP responder and a CRL, served with a TSA on loopback (trust_services), as
    ``running.services``; signing_company() then timestamps (PAdES B-LTA)."""
    from snn_sign_testkit.demo_bridge import start_bridge  # noqa: PLC0415
    from snn_sign_testkit.pki import create_demo_pki  # noqa: PLC0415
    from snn_sign_testkit.trust_services import TrustServices  # noqa: PLC0415

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" per signature
    trust = TrustServices.bind() if services else None
    with tempfile.TemporaryDirectory(prefix=f"snn-{name}-pki-") as tmp:
        pki = create_demo_pki(
            Path(tmp) / "pki", pin=secrets.token_hex(4), services_url=trust and trust.url
        )
        if trust:
            trust.serve(pki)
        os.environ.update(pki.env())
        running = start_bridge(Path(tmp) / "bridge", pki)
        running.services = trust
        try:
            yield odoo_registry(config_file, dbname), running
        finally:
            running.stop()
            if trust:
                trust.stop()


def issue_committed(registry, clerk_id: int, document_id: int) -> None:
    """What one click of the clerk on Issue does: its own transaction, committed."""
    from odoo import api  # noqa: PLC0415

    with registry.cursor() as cr:
        api.Environment(cr, clerk_id, {})["snn.document"].browse(document_id).action_issue()


# --------------------------------------------------------------------------- the organisation

LETTER = ("Công văn", None)  # a document type without a code: notation organisation-unit


@dataclass
class Organisation:
    company: object
    users: dict = field(default_factory=dict)  # login (without the prefix) -> res.users
    units: dict = field(default_factory=dict)  # unit code -> hr.department
    register: object = None
    secret_register: object = None
    types: list = field(default_factory=list)  # snn.document.type, in the order given


def organisation(
    env,
    company,
    people,
    units=(("VP", "Văn phòng"),),
    *,
    types=(LETTER,),
    secret_register=False,
    login_prefix="",
    **user_values,
) -> Organisation:
    """``company``'s people, units, registers and types, made in few batched creates.

    ``people``: (login, name, role, unit code or None): a user with that snn_docflow role
    (drafter, head, director, clerk, manager) and, with a unit, an employee in it; the head of a
    unit is its person with the role "head". ``units``: (code, name). ``types``: (name, code),
    numbered in the normal register. ``user_values``: more values for every user (tz, …)."""
    from odoo import Command  # noqa: PLC0415 - Odoo only in the child runs

    group = {role: env.ref(f"snn_docflow.group_{role}").id for role in {p[2] for p in people}}
    users = env["res.users"].create(
        [
            {
                "name": name,
                "login": f"{login_prefix}{login}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "group_ids": [Command.set([group[role]])],
                **user_values,
            }
            for login, name, role, _unit in people
        ]
    )
    org = Organisation(company, users=dict(zip((p[0] for p in people), users, strict=True)))
    departments = env["hr.department"].create(
        [{"name": name, "snn_code": code, "company_id": company.id} for code, name in units]
    )
    org.units = dict(zip((code for code, _name in units), departments, strict=True))
    staffed = [(p, u) for p, u in zip(people, users, strict=True) if p[3]]
    employees = env["hr.employee"].create(
        [
            {
                "name": u.name,
                "user_id": u.id,
                "company_id": company.id,
                "department_id": org.units[p[3]].id,
            }
            for p, u in staffed
        ]
    )
    for (person, _user), employee in zip(staffed, employees, strict=True):
        if person[2] == "head":
            org.units[person[3]].manager_id = employee
    Register = env["snn.register"]
    org.register = Register.create({"name": "Sổ văn bản đi", "company_id": company.id})
    if secret_register:
        org.secret_register = Register.create(
            {"name": "Sổ văn bản mật đi", "company_id": company.id, "confidential": True}
        )
    org.types = list(
        env["snn.document.type"].create(
            [
                {
                    "name": name,
                    "code": code or False,
                    "company_id": company.id,
                    "register_id": org.register.id,
                }
                for name, code in types
            ]
        )
    )
    return org


def put_secret(company, name: str, source) -> str:
    """Copy the secret file ``source`` as ``name`` into ``company``'s directory of the server's
    secrets directory (option snn_secrets_dir; when the bench's configuration sets none, a
    directory beside ``source``, set for this process) and return ``name``, the value of the
    bridge's or company's secret file setting."""
    from odoo.tools import config  # noqa: PLC0415 - Odoo is importable where this runs

    if not config.get("snn_secrets_dir"):
        config["snn_secrets_dir"] = str(Path(source).parent / "secrets")
    folder = Path(config["snn_secrets_dir"]) / str(company.id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(Path(source).read_bytes())
    target.chmod(0o600)
    return name


def signing_company(env, running, tag: str):
    """(company, bridge): a new company that signs through the running demo bridge, set up with
    SigningCase's values (addons/snn_signing/tests/common.py): its seal on the demo token, the
    demo CA trusted, e-signing mandatory since 2019."""
    from odoo.addons.snn_signing.tests.common import (  # noqa: PLC0415 - in the child runs only
        BRIDGE_SECRET,
        bridge_values,
        company_signing_values,
    )

    company = env["res.company"].create(
        {"name": f"Bench {tag}", "snn_org_code": "SNN", "snn_place": "Tuyên Quang"}
    )
    put_secret(company, BRIDGE_SECRET, running.secret_file)
    bridge = env["snn.sign.bridge"].create(
        {**bridge_values(running), "name": "Token bridge (bench)", "company_id": company.id}
    )
    company.write(company_signing_values(bridge, running.pki))
    if getattr(running, "services", None):
        company.write({"snn_tsa_url": running.services.tsa_url})
    return company, bridge


def make_signer(user, bridge, running):
    """``user`` (a director) signs with the demo PKI's personal key through ``bridge``, as
    SigningCase's director does."""
    from odoo.addons.snn_signing.tests.common import (  # noqa: PLC0415 - in the child runs only
        director_signing_values,
    )

    pki = running.pki
    user.write({"name": pki.signer_name, **director_signing_values(bridge, pki)})
    return user


def signing_organisation(env, running, tag: str, people, units=(("VP", "Văn phòng"),)):
    """organisation() in a new signing_company(), logins prefixed with ``tag``; its user
    "director" signs (make_signer)."""
    company, bridge = signing_company(env, running, tag)
    org = organisation(env, company, people, units, login_prefix=f"{tag}_")
    make_signer(org.users["director"], bridge, running)
    return org


# --------------------------------------------------------------------------- measuring


def user_env(registry_cr, uid: int, company_id: int, **extra):
    """The environment of a request of ``uid``: their context, their company, bin_size."""
    from odoo import api  # noqa: PLC0415

    env = api.Environment(registry_cr, uid, {})
    context = {
        **env["res.users"].context_get(),
        "allowed_company_ids": [company_id],
        "bin_size": True,
        **extra,
    }
    return api.Environment(registry_cr, uid, context)


@contextlib.contextmanager
def odoo_query_counters():
    """Odoo's per-thread query counters (odoo.sql_db adds to them when they exist, as for an
    HTTP request's log line): (count, seconds) of the queries made inside."""
    thread = threading.current_thread()
    saved = {
        name: getattr(thread, name)
        for name in ("query_count", "query_time")
        if hasattr(thread, name)
    }
    thread.query_count, thread.query_time = 0, 0.0
    counted = {}
    try:
        yield counted
    finally:
        counted.update(count=thread.query_count, seconds=thread.query_time)
        del thread.query_count, thread.query_time
        for name, value in saved.items():
            setattr(thread, name, value)


def time_call(env, call, rounds: int = 5) -> dict:
    """One warm-up, one run listed query by query (Odoo's profiler, SQL collector; not timed),
    then ``rounds`` runs with the cache invalidated before each: the median run's wall time, SQL
    time and this process's CPU time (which waiting for a busy CPU does not inflate), and the
    fastest run's wall time."""
    from odoo.tools.profiler import Profiler  # noqa: PLC0415

    call(env)
    env.invalidate_all()
    with Profiler(collectors=["sql"], db=None) as profiler:
        call(env)
    listed = sorted(profiler.collectors[0].entries, key=lambda entry: entry["start"])
    runs = []
    for _ in range(rounds):
        env.invalidate_all()
        with odoo_query_counters() as counted:
            start, cpu = time.perf_counter(), time.process_time()
            shown, length = call(env)
            elapsed = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - cpu) * 1000
        runs.append((elapsed, counted["count"], counted["seconds"] * 1000, shown, length, cpu))
    runs.sort(key=lambda run: run[0])
    elapsed, _queries, sql_ms, shown, length, cpu = runs[len(runs) // 2]
    # The count most runs make: a run may fill a cache the warm-up left (a rule's groups).
    queries = collections.Counter(run[1] for run in runs).most_common(1)[0][0]
    slow = sorted(listed, key=lambda entry: entry["time"], reverse=True)[:2]
    return {
        "ms": elapsed,
        "min_ms": runs[0][0],
        "cpu_ms": cpu,
        "queries": queries,
        "query_counts": [run[1] for run in runs],
        "sql_ms": sql_ms,
        "shown": shown,
        "length": length,
        "slowest_ms": slow[0]["time"] * 1000 if slow else 0.0,
        "slowest": shape(slow[0]["query"], 160) if slow else "",
        "shapes": [shape(entry["query"], 110) for entry in listed],
        "slow": [(entry["time"], entry["full_query"]) for entry in slow],
    }


def shape(query, width: int) -> str:
    return " ".join(str(query).split())[:width]
