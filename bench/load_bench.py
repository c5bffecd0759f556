"""Bench: officials at work on a multi-process Odoo behind nginx, 50, 100 and 200 at once.

    .venv/bin/python bench/load_bench.py [--users 50,100,200] [--seconds 120] [--think 3,12]
                                         [--burst-window 3] [--workers N] [--direct-burst N]

About 11 minutes with the defaults (set-up 2 min, each level: its burst of logins, then
--seconds of work, then the checks). Sets everything up itself, as the other benches do: a
throwaway PostgreSQL cluster and a database with snn_docflow, snn_signing and snn_report
(tools/devenv.py); a demo PKI on SoftHSM2 and the real token bridge (bench/common.py,
signing_registry); organisations of 50 officials each, made as the tests make theirs
(bench/common.py, signing_organisation: 1 signing director, 5 units each with its head, 38
drafters, 6 clerks), with documents waiting in every queue (drafted, submitted, forwarded and
approved through the real steps); then, in the measuring run:
  - Odoo as a separate process in multi-process mode: --workers HTTP workers (default the
    rule of config/odoo.example.conf: 2 x cores + 1 processes, minus the cron worker), one
    cron worker, the gevent process, the example's memory and time limits and db_maxconn,
    proxy_mode (bench/load_servers.py);
  - nginx on 127.0.0.1 with config/nginx.example.conf's server block (TLS with a self-signed
    certificate made at run time, the listen backlog, buffering, timeouts);
  - per level of N users (the first N/50 organisations): the 8 a.m. burst, all N log in at
    random instants within --burst-window seconds through nginx (connections refused or reset,
    login p50/p95/p99, time from the first login to the last), then --seconds of the daily mix
    (bench/load_client.py: open the queue, open a document, preview its PDF, search by subject,
    draft and submit, forward, approve, issue with signing through the bridge, print the
    register), a think time uniform in --think seconds between two actions of one official.
Printed per level: each action's count, p50/p95/p99 (ms) and errors (with their messages),
documents issued per minute, the largest resident memory of one Odoo process and of all of
them, the load average. At the end: every register's numbers taken once each and without gaps,
a sample of signed files verified (snn_sign.verify), the Odoo log's errors, workers replaced.
--think 1,3: an overload (several times what 2 cores serve) shows what breaks past capacity.
--direct-burst N: then N logins within the window straight to Odoo's port, no nginx (the
deployment the README advises against), for comparison.
Not a test: figures are printed; the exit status is 1 when an action failed or a check did.
Everything (Odoo, nginx, bridge, cluster) is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only
sys.path.insert(0, str(ROOT / "bench"))

import devenv  # noqa: E402
from common import (  # noqa: E402
    bench_database,
    run_outside_odoo,
    signing_organisation,
    signing_registry,
)

MODULES = ["snn_docflow", "snn_signing", "snn_report"]
ORG_SIZE = 50  # officials per organisation: a level of N users uses N / 50 of them
UNITS = 5
CLERKS = 6
DRAFTERS = ORG_SIZE - 1 - UNITS - CLERKS  # 38
SUBJECTS = (
    "V/v triển khai sử dụng chữ ký số chuyên dùng Chính phủ",
    "V/v báo cáo tình hình thực hiện nhiệm vụ quý",
    "V/v kế hoạch kiểm tra công tác văn thư, lưu trữ",
    "V/v góp ý dự thảo quy chế làm việc",
)
# Documents waiting when a level starts, per organisation, made through the real steps. The
# approved ones feed the clerks (each level of 2-3 minutes issues a few dozen per
# organisation; a level that runs out of them shows it as few issues, not as errors).
SEED = {"approved": 45, "director_review": 8, "head_review": 10, "draft": 5}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="50,100,200", help="levels, multiples of 50")
    parser.add_argument("--seconds", type=float, default=120, help="work per level")
    parser.add_argument("--think", default="3,12", help="think time range (s) between actions")
    parser.add_argument("--burst-window", type=float, default=3.0, help="logins spread (s)")
    parser.add_argument("--workers", type=int, default=0, help="HTTP workers (0: the rule)")
    parser.add_argument("--cron", type=int, default=1, help="cron workers")
    parser.add_argument("--direct-burst", type=int, default=0, help="logins without nginx")
    # The measuring run (this script again, with Odoo importable): set by the first run.
    parser.add_argument("--inner-config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.levels = [int(n) for n in args.users.split(",")]
    if any(n % ORG_SIZE or n <= 0 for n in args.levels):
        parser.error(f"--users: multiples of {ORG_SIZE}")
    args.think_range = tuple(float(x) for x in args.think.split(","))
    return args


def prepare_and_measure(args: argparse.Namespace) -> int:
    """Cluster, database and modules here (no Odoo import); the measuring in a child process
    whose environment is devenv's Odoo environment."""
    with bench_database("snn_load_bench", MODULES) as db:
        command = [
            db.py, Path(__file__).resolve(), "--inner-config", db.conf, "--inner-db", db.dbname,
            "--users", args.users, "--seconds", args.seconds, "--think", args.think,
            "--burst-window", args.burst_window, "--workers", args.workers, "--cron", args.cron,
            "--direct-burst", args.direct_burst,
        ]  # fmt: skip
        with devenv.step("measuring"):
            return devenv.run(command, check=False, env=db.odoo.env(), cwd=ROOT).returncode


# --------------------------------------------------------------------------- setting up


@dataclass
class Built:
    password: str
    officials: list = field(default_factory=list)  # per organisation: [load_client.Official]
    register_ids: list = field(default_factory=list)


def _people():
    people = [("director", "", "director", None)]
    people += [(f"head{u}", f"Trưởng phòng {u}", "head", f"P{u}") for u in range(UNITS)]
    people += [(f"clerk{k}", f"Văn thư {k}", "clerk", None) for k in range(CLERKS)]
    people += [
        (f"drafter{j}", f"Chuyên viên {j}", "drafter", f"P{j % UNITS}") for j in range(DRAFTERS)
    ]
    return people


def _seed(env, org, values_of, director):
    """SEED's documents, each taken through the real steps by the people who take them."""
    drafters = [u for login, u in org.users.items() if login.startswith("drafter")]
    for state, count in SEED.items():
        for i in range(count):
            drafter = drafters[i % len(drafters)]
            document = env["snn.document"].with_user(drafter).create(values_of(drafter, i, state))
            if state == "draft":
                continue
            document.with_user(drafter).action_submit()
            if state == "head_review":
                continue
            document.with_user(document.head_id).action_forward()
            if state == "director_review":
                continue
            document.with_user(director).action_approve()


def _build(registry, running, levels) -> Built:
    """The organisations (enough for the largest level), their documents, one password for
    all (its hash computed once: 250 hashes would cost minutes), committed."""
    from load_client import Official  # noqa: PLC0415

    from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415 - Odoo in the measuring run

    from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

    built = Built(password=secrets.token_urlsafe(12))
    letter = make_letter_pdf()
    user_ids = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"mail_notrack": True})
        for o in range(max(levels) // ORG_SIZE):
            units = [(f"P{u}", f"Phòng {u}") for u in range(UNITS)]
            org = signing_organisation(env, running, f"o{o}", _people(), units)
            partner = env["res.partner"].create({"name": f"UBND tỉnh ({o})"})
            director = org.users["director"]

            def values_of(drafter, i, state, org=org, partner=partner):
                # The drafter's unit (drafter<j> works in unit P<j % UNITS>, see _people).
                unit = org.units[f"P{int(drafter.login.rsplit('drafter', 1)[1]) % UNITS}"]
                pdf = letter + f"%{org.company.id}-{state}-{i}-{secrets.token_hex(4)}\n".encode()
                return {
                    "subject": SUBJECTS[i % len(SUBJECTS)],
                    "document_type_id": org.types[0].id,
                    "department_id": unit.id,
                    "signer_id": org.users["director"].id,
                    "signer_authority": "KT. GIÁM ĐỐC",
                    "signer_position": "PHÓ GIÁM ĐỐC",
                    "file": base64.b64encode(pdf),
                    "file_name": "du-thao.pdf",
                    "recipient_ids": [
                        Command.create({"partner_id": partner.id, "purpose": "action"})
                    ],
                }

            with devenv.step(f"organisation {o}: {ORG_SIZE} officials, documents in queues"):
                _seed(env, org, values_of, director)
                cr.commit()
            built.register_ids.append(org.register.id)
            officials = []
            clerk_no = 0
            for login, user in org.users.items():
                role = login.rstrip("0123456789")
                official = Official(user.login, role, org.company.id)
                if role == "clerk":
                    official.team = (clerk_no, CLERKS)
                    clerk_no += 1
                if role == "drafter":
                    draft = values_of(user, 0, "new")
                    official.draft = {
                        **draft,
                        "file": draft["file"].decode(),
                        "recipient_ids": [[0, 0, {"partner_id": partner.id, "purpose": "action"}]],
                    }
                officials.append(official)
            built.officials.append(officials)
            user_ids += [user.id for user in org.users.values()]
        hashed = env["res.users"]._crypt_context().hash(built.password)
        cr.execute("UPDATE res_users SET password = %s WHERE id = ANY(%s)", (hashed, user_ids))
    return built


def _server_conf(conf: Path, workdir: Path) -> Path:
    """The bench's Odoo configuration plus [snn] secrets_dir, where signing_company put the
    bridge's secret (the server process reads it from its configuration file)."""
    from odoo.tools import config  # noqa: PLC0415

    server = workdir / "odoo-server.conf"
    server.write_text(conf.read_text() + f"\n[snn]\nsecrets_dir = {config['snn_secrets_dir']}\n")
    server.chmod(0o600)
    return server


def _set_urls(registry, base_url: str, odoo_url: str):
    """Links through nginx; wkhtmltopdf fetches the register's assets from Odoo directly
    (report.url), as it does on a server where the proxy's name does not resolve to itself."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        params = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
        params.set_param("web.base.url", base_url)
        params.set_param("web.base.url.freeze", "True")
        params.set_param("report.url", odoo_url)


# --------------------------------------------------------------------------- checking


def check_numbers(registry, register_ids) -> list:
    """(label, ok, detail): per register and year, numbers 1..max each taken once."""
    from collections import Counter  # noqa: PLC0415

    rows = []
    with registry.cursor() as cr:
        for register_id in register_ids:
            cr.execute(
                "SELECT number_year, number FROM snn_document WHERE register_id = %s "
                "AND number IS NOT NULL",
                (register_id,),
            )
            by_year = Counter()
            numbers = {}
            for year, number in cr.fetchall():
                by_year[(year, number)] += 1
                numbers.setdefault(year, []).append(number)
            for year, taken in sorted(numbers.items()):
                twice = sorted(n for (y, n), c in by_year.items() if y == year and c > 1)
                gaps = sorted(set(range(1, max(taken) + 1)) - set(taken))
                rows.append(
                    (
                        f"register {register_id}, {year}: numbers 1..{max(taken)} once each",
                        not twice and not gaps,
                        f"{len(taken)} taken, twice: {twice[:10]}, gaps: {gaps[:10]}",
                    )
                )
    return rows


def check_signed(registry, ca_pem: bytes, sample: int = 12) -> tuple:
    """(label, ok, detail): a sample of the issued files verify (snn_sign.verify, demo CA)."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    from snn_sign.verify import verify_pdf  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        issued = env["snn.document"].search([("state", "=", "issued")], order="id desc")
        chosen = issued[:: max(1, len(issued) // sample)][:sample]
        good = sum(
            bool(d.signed_file)
            and verify_pdf(
                base64.b64decode(d.with_context(bin_size=False).signed_file), [ca_pem]
            ).ok
            for d in chosen
        )
    return (
        f"signed files verify (a sample of {len(chosen)} of {len(issued)} issued)",
        good == len(chosen) and len(chosen) > 0,
        f"{good}/{len(chosen)}",
    )


# --------------------------------------------------------------------------- measuring run


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def _burst(label: str, sessions, window: float, workdir: Path):
    """The burst, printed with what the kernel and nginx said about it."""
    from load_client import login_burst, percentiles  # noqa: PLC0415
    from load_servers import listen_counters, nginx_errors  # noqa: PLC0415

    before, said = listen_counters(), nginx_errors(workdir)
    burst = login_burst(sessions, window)
    users = len(sessions)
    p50, p95, p99 = percentiles(sorted(burst.times))
    refused = [e for e in burst.errors if e.startswith("connection")]
    print(
        f"  {label}: {users} logins in {burst.seconds:.1f} s (first asked -> last answered); "
        f"login p50 {p50:.0f} / p95 {p95:.0f} / p99 {p99:.0f} ms; "
        f"connections refused/reset {len(refused)}; other errors {len(burst.errors) - len(refused)}"
    )
    for error in sorted(set(burst.errors))[:5]:
        print(f"    {error} (x{burst.errors.count(error)})")
    if burst.failed_after:
        print(
            f"    the failed ones failed after {min(burst.failed_after):.1f} to "
            f"{max(burst.failed_after):.1f} s"
        )
    after = listen_counters()
    print(
        "    kernel, whole machine, during the burst: "
        + ", ".join(f"{name} +{after[name] - before.get(name, 0)}" for name in after)
    )
    for message, count in nginx_errors(workdir).items():
        if count > said.get(message, 0):
            print(f"    nginx: {message[:200]} (x{count - said.get(message, 0)})")
    return burst


def run_level(n, built, nginx, args, *, sampler):
    from load_client import Session, play  # noqa: PLC0415

    officials = [o for org in built.officials[: n // ORG_SIZE] for o in org]
    sessions = [Session(nginx.url, nginx.cert, args.inner_db, o, built.password) for o in officials]
    sampler.reset()
    print(f"\n== {n} users ({n // ORG_SIZE} organisations), think {args.think} s")
    burst = _burst("8 a.m. burst through nginx", sessions, args.burst_window, nginx.workdir)
    cpu = time.process_time()
    recorder, issued, elapsed = play(sessions, args.seconds, args.think_range)
    cpu = time.process_time() - cpu
    load = os.getloadavg()
    print(
        f"  {elapsed:.0f} s of work; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"the simulated users (this process) used {cpu / elapsed:.0%} of a core"
    )
    print(f"  {'action':<18}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    failures = 0
    for action, count, p50, p95, p99, errors in recorder.rows():
        print(f"  {action:<18}{count:>6}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{errors:>8}")
        failures += errors
    for action, messages in recorder.errors.items():
        for message in sorted(set(messages))[:5]:
            print(f"    {action}: {message} (x{messages.count(message)})")
    print(f"  documents issued: {issued}, {issued / (elapsed / 60):.1f} per minute")
    print(
        f"  Odoo processes' resident memory: largest one {_mb(sampler.peak_rss)}, "
        f"all together {_mb(sampler.peak_total)} (max of 1 s samples)"
    )
    return failures + len(burst.errors)


def measure(args: argparse.Namespace) -> int:
    from load_client import Session  # noqa: PLC0415
    from load_servers import (  # noqa: PLC0415
        MemorySampler,
        log_problems,
        login_rate,
        nginx_proxy,
        odoo_server,
        workers_for,
    )

    cores = os.cpu_count() or 1
    workers = args.workers or workers_for(cores, args.cron)
    with signing_registry(args.inner_config, args.inner_db, "load-bench") as (registry, running):
        with devenv.step("organisations and their documents"):
            built = _build(registry, running, args.levels)
        workdir = args.inner_config.parent
        conf = _server_conf(args.inner_config, workdir)
        with (
            devenv.step(f"Odoo: {workers} HTTP workers, {args.cron} cron, gevent; nginx"),
            odoo_server(
                sys.executable, conf, args.inner_db, workdir,
                workers=workers, cron=args.cron, env=dict(os.environ),
            ) as odoo,
            nginx_proxy(workdir, odoo) as nginx,
        ):  # fmt: skip
            _set_urls(registry, nginx.url, f"http://127.0.0.1:{odoo.http_port}")
            print(
                f"\n{cores} cores; Odoo {workers} HTTP workers + {args.cron} cron + gevent "
                f"(config/odoo.example.conf's limits), nginx with TLS (self-signed) on "
                f"{nginx.url}, logins queued at {login_rate()}/s; "
                f"load average before: {os.getloadavg()[0]:.2f}"
            )
            failures = 0
            with MemorySampler(odoo.process.pid).running() as sampler:
                for n in args.levels:
                    failures += run_level(n, built, nginx, args, sampler=sampler)
                if args.direct_burst:
                    officials = [o for org in built.officials for o in org]
                    officials = (officials * 2)[: args.direct_burst]
                    base = f"http://127.0.0.1:{odoo.http_port}"
                    sessions = [
                        Session(base, None, args.inner_db, o, built.password) for o in officials
                    ]
                    print()
                    _burst(
                        "burst straight to Odoo (no nginx)", sessions, args.burst_window, workdir
                    )
            seen = len(sampler.pids)
            problems = log_problems(odoo.log)
        checks = [*check_numbers(registry, built.register_ids)]
        checks.append(check_signed(registry, running.pki.ca_cert.read_bytes()))
    expected = workers + args.cron + 1
    print(f"\nOdoo processes seen: {seen} (started {expected}; more: workers replaced)")
    print(f"Odoo log: {len(problems)} line(s) at ERROR or about limits/concurrency retries")
    kinds = {}
    for line in problems:
        kind = re.sub(r"^\S+ \S+ \d+ ", "", line)  # without date, time and pid
        kind = re.sub(r"\[\d\d/\w+/\d{4} [\d:]+\]|\d+(\.\d+)?", "#", kind)
        kinds[kind] = kinds.get(kind, 0) + 1
    for kind, count in sorted(kinds.items(), key=lambda item: -item[1])[:15]:
        print(f"  {count} x {kind[:240]}")
    for label, ok, detail in checks:
        print(f"check: {label}: {'OK' if ok else 'FAILED'} ({detail})")
    return 0 if not failures and all(ok for _l, ok, _d in checks) else 1


def main() -> int:
    args = _arguments()
    if args.inner_config:
        return measure(args)
    return run_outside_odoo(prepare_and_measure, args)


if __name__ == "__main__":
    sys.exit(main())
