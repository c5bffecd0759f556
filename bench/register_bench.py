"""Bench: 100,000 outgoing documents of 8 organisations, seen by their director, clerk and drafter.

    .venv/bin/python bench/register_bench.py [--documents 100000]

The issue's scale: "a province's department issues thousands of documents a year; a province
hosts dozens of departments on one instance". Sets everything up itself, as the other Odoo
benches do: a throwaway PostgreSQL cluster (tools/devenv.py, or SNN_DB_HOST), a database with
snn_dispatch (and so snn_signing and snn_docflow), and snn_report too once every data file
its manifest names exists and it installs (else the bench says why and goes on without it).
Then it runs itself again with Odoo on PYTHONPATH:

  setup (ORM, not timed; about 10 s): 8 organisations (company 1 is the measured one), each
      with its abbreviation and agency code, 5 units with a head (employee + user), 2 drafters
      per unit, 2 directors, 2 clerks, a manager, a normal and a confidential register and 6
      document types; 20 outside agencies (12 on the exchange, 8 by e-mail only).
  generate --size N (COPY, timed and printed; about 1 minute for 100,000): the documents,
      made afresh for each size (what an earlier size made is emptied first), ids in the
      order they were drafted:
      - what does not grow with the archive, the same at every size: the queues (per
        organisation 20 documents in head review per head, each with a review to-do for the
        head; 120 in director review per director, a to-do for the signer; 120 approved, an
        issue to-do for each clerk; per drafter 2 returned drafts with a fix to-do and 4
        plain drafts) and the last month's flow (November 2026: 8 documents issued per
        organisation and working day), so that the first pages show the same mix at both sizes;
      - the archive, 2022-01-03 to 2026-10-30 on working days: 93 % issued, 1.5 % cancelled
        after issue (the number kept), 1 % recalled, 2.5 % cancelled in review (no number),
        3 % secret (confidential register, on paper), the rest e-signed (some on paper by the
        clerk's choice before July 2022);
      - company 1's normal register of 2025 holds exactly N / 20 entries (5,000 at 100,000;
        some cancelled, some recalled); company 1's other documents skip 2025;
      numbers 1..K per register and year in issue order, gap-free (the unique register/year/
      number constraint holds), codes as the issue step writes them; 2 or 3 recipient lines
      per document (an agency on the exchange; a unit of the organisation or another
      organisation of the instance; half of them an agency by e-mail); one delivery per line
      of each issued document as the issue step queues them (channel by snn_dispatch's rules,
      states as dispatch leaves them, recalled ones "recalled"; no incoming documents, the
      receivers' side is not measured). No trail rows, no attachments. Then ANALYZE. Nothing
      is recomputed: no stored field depends on what is written here.
  measure --size N: as company 1's director, clerk and drafter (their environment, the
      record rules as they apply to them), the first page as the web client asks for it:
      "Waiting for Me" (the search filter's domain) and "Documents" (no filter) in the list
      view (web_search_read, limit 80, count limit 10,001), and the kanban (web_read_group by
      state with its group_expand, 40 cards per column); the specifications are built from
      the views' archs (get_views) and the widgets' fields as the web client builds them.
      Each: one warm-up, then 5 runs with the cache invalidated before each: SQL queries
      (cr.sql_log_count; the count most runs make) and the median server time, of which SQL
      time. A first page over 150 ms gets the EXPLAIN ANALYZE of its two slowest queries.
      At the last size it measures first without the indexes this bench made the modules add
      (BENCH_INDEXES, dropped inside the measuring transaction, which rolls back), then with.
  report (when snn_report is installed; at the last size): the register PDF of that register
      and year as the clerk prints it (snn.register.print, _render_qweb_pdf of
      snn_report.action_report_register), wkhtmltopdf fetching its assets from an Odoo HTTP
      server in the same process: wall time and where it goes, peak RSS of the Odoo process
      (RUSAGE_SELF) and of wkhtmltopdf (VmHWM read while it runs), pages, size; checks on its
      text (pdftotext): every number 1..N/20 once and in order, no row cut through a line at
      a page break, column headings on every page. The periodic report of 2025 as the
      manager: snn.period.report._figures(), its PDF, and the pivot of snn.document.report
      (formatted_read_grouping_sets as the web client calls it): server times.

The sizes are --documents / 10 and --documents. At the end: the table view x role x size ->
queries, ms, with the ratio of queries between the sizes (it must be 1.0; the queries made at
one size only are listed otherwise), and the first pages without -> with the bench's indexes.
Not a test: figures are printed, nothing is asserted (the exit status is 1 when a register
check fails). Everything is removed at the end. A run takes about 4 minutes (1 to install the
modules, 1 to generate the 100,000 documents).
"""

from __future__ import annotations

import argparse
import ast
import collections
import contextlib
import datetime
import hashlib
import io
import itertools
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only
sys.path.insert(0, str(ROOT / "bench"))  # benchdb, when not run as a script

import devenv  # noqa: E402
from benchdb import bench_database, run_outside_odoo  # noqa: E402

MODULES = ["snn_dispatch"]  # pulls snn_signing and snn_docflow
REPORT_MODULE = "snn_report"
TARGET_MS = 150  # the issue: first page <= 150 ms on this machine
RUNS = 5  # timed runs after one warm-up; the median is printed
PAGE = 80  # the list view's first page
KANBAN_PAGE = 40  # cards per kanban column
COUNT_LIMIT = 10_000  # the web client's count limit (it asks for one more)
SEED = 20260101

COMPANIES = [  # abbreviation, name, agency code
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "000.00.11.H53"),
    ("STC", "Sở Tài chính", "000.00.12.H53"),
    ("SXD", "Sở Xây dựng", "000.00.13.H53"),
    ("SYT", "Sở Y tế", "000.00.14.H53"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo", "000.00.15.H53"),
    ("SNV", "Sở Nội vụ", "000.00.16.H53"),
    ("SCT", "Sở Công Thương", "000.00.17.H53"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "000.00.18.H53"),
]
UNITS = [
    ("VP", "Văn phòng"),
    ("KHTC", "Phòng Kế hoạch - Tài chính"),
    ("TCCB", "Phòng Tổ chức cán bộ"),
    ("TTr", "Thanh tra"),
    ("NV", "Phòng Nghiệp vụ"),
]
TYPES = [  # name, code (none: a letter), weight
    ("Công văn", None, 55),
    ("Quyết định", "QĐ", 15),
    ("Báo cáo", "BC", 10),
    ("Kế hoạch", "KH", 8),
    ("Tờ trình", "TTr", 6),
    ("Thông báo", "TB", 6),
]
EXCHANGE_AGENCIES = [
    "UBND tỉnh Tuyên Quang", "Văn phòng UBND tỉnh", "Bộ Nông nghiệp và Môi trường",
    "Bộ Tài chính", "Bộ Nội vụ", "UBND xã Yên Sơn", "UBND xã Sơn Dương", "UBND xã Hàm Yên",
    "UBND xã Chiêm Hóa", "UBND phường Minh Xuân", "Kho bạc Nhà nước khu vực VIII",
    "Công an tỉnh Tuyên Quang",
]  # fmt: skip
MAIL_AGENCIES = [
    "Báo Tuyên Quang", "Đài Phát thanh - Truyền hình tỉnh", "Hội Nông dân tỉnh",
    "Liên minh Hợp tác xã tỉnh", "Công ty TNHH Chè Mỹ Lâm", "Trường Cao đẳng Kỹ thuật",
    "Hội Chữ thập đỏ tỉnh", "Ngân hàng Chính sách xã hội tỉnh",
]  # fmt: skip
TOPICS = [
    "triển khai sử dụng chữ ký số chuyên dùng Chính phủ",
    "báo cáo kết quả thực hiện nhiệm vụ quý",
    "kế hoạch kiểm tra công tác phòng, chống thiên tai",
    "đề nghị thẩm định dự toán kinh phí năm",
    "tổ chức hội nghị tổng kết công tác năm",
    "góp ý dự thảo Nghị quyết của Hội đồng nhân dân tỉnh",
    "cử cán bộ tham dự lớp bồi dưỡng kiến thức quản lý nhà nước",
    "tăng cường công tác phòng cháy, chữa cháy mùa khô",
    "thực hiện chế độ báo cáo thống kê định kỳ",
    "phê duyệt kế hoạch lựa chọn nhà thầu gói thầu tư vấn",
    "điều chỉnh chỉ tiêu kế hoạch vốn đầu tư công",
    "đẩy mạnh chuyển đổi số trong cơ quan nhà nước",
]
# The queues (per user, the same at every size; see the docstring).
QUEUE_HEAD = 20
QUEUE_DIRECTOR = 120
QUEUE_CLERK = 120
DRAFTS_RETURNED = 2
DRAFTS_PLAIN = 4
BLOCK_SHARE = 20  # company 1's 2025 register holds size / 20 entries (5,000 of 100,000)
BLOCK_YEAR = 2025
FIRST_DAY = datetime.date(2022, 1, 3)
LAST_DAY = datetime.date(2026, 11, 30)
QUEUE_SINCE = datetime.datetime(2026, 11, 5, 8, 0)  # the queues were drafted since
RECENT_FROM = datetime.date(2026, 11, 2)  # the last month's flow, the same at every size
RECENT_PER_DAY = 8  # documents issued per organisation and working day in that month
ESIGN_FROM = datetime.date(2022, 7, 1)  # before: some on paper by the clerk's choice
# Fields the web client adds for a widget (the widget's fieldDependencies in mail's JS).
ACTIVITY_WIDGET_FIELDS = (
    "activity_exception_decoration", "activity_exception_icon", "activity_state",
    "activity_summary", "activity_type_icon", "activity_type_id",
)  # fmt: skip
WIDGET_FIELDS = {"list_activity": ACTIVITY_WIDGET_FIELDS, "kanban_activity": ACTIVITY_WIDGET_FIELDS}
VIEWS = ("waiting", "documents", "kanban")
VIEW_LABELS = {
    "waiting": "Waiting for Me (list)",
    "documents": "Documents (list)",
    "kanban": "Documents (kanban)",
}
ROLES = ("director", "clerk", "drafter")
# The indexes these measurements made the modules add; "before" is measured without them
# (dropped in the measuring transaction, which rolls back).
BENCH_INDEXES = {
    "snn_document_company_state_id_idx": "snn.document (company_id, state, id), snn_docflow",
}


# --------------------------------------------------------------------------- the outer run


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--documents", type=int, default=100_000, help="the second size (the first is a tenth)"
    )
    # The runs with Odoo importable (this script again): set by the first run.
    parser.add_argument(
        "--inner", choices=("setup", "generate", "measure", "report"), help=argparse.SUPPRESS
    )
    parser.add_argument("--inner-config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-db", help=argparse.SUPPRESS)
    parser.add_argument("--inner-state", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--without-indexes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--explain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.inner and args.documents < 60_000:
        parser.error("--documents must be at least 60000 (a tenth holds the queues and the month)")
    return args


def report_module_missing() -> list[str]:
    """The data files snn_report's manifest names that do not exist yet (all of them when the
    manifest itself is missing)."""
    manifest = ROOT / "addons" / REPORT_MODULE / "__manifest__.py"
    if not manifest.exists():
        return [str(manifest.relative_to(ROOT))]
    data = ast.literal_eval(manifest.read_text()).get("data", [])
    return [name for name in data if not (manifest.parent / name).exists()]


def prepare_and_measure(args: argparse.Namespace) -> int:
    """Cluster, database and modules here (no Odoo import); setup, generation and the
    measurements in child processes whose environment is devenv's Odoo environment."""
    missing = report_module_missing()
    if missing:
        devenv.say(
            f"{REPORT_MODULE} left out: {len(missing)} data file(s) of its manifest missing "
            f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"
        )
        return _run(args, MODULES, report=False)
    started = False
    try:
        with bench_database("snn_register_bench", [*MODULES, REPORT_MODULE]) as db:
            started = True
            return _run_on(db, args, report=True)
    except devenv.Fail as exc:
        if started:
            raise
        first = str(exc).splitlines()[0]
        devenv.say(f"{REPORT_MODULE} does not install ({first}): measuring without it")
    return _run(args, MODULES, report=False)


def _run(args, modules, report) -> int:
    with bench_database("snn_register_bench", modules) as db:
        return _run_on(db, args, report=report)


def _run_on(db, args, report: bool) -> int:
    state = db.workdir / "state.json"
    command = [
        db.py, Path(__file__).resolve(), "--inner-config", db.conf, "--inner-db", db.dbname,
        "--inner-state", state,
    ]  # fmt: skip

    def child(label, *extra) -> int:
        with devenv.step(label):
            return devenv.run(
                [*command, *extra], check=False, env=db.odoo.env(), cwd=ROOT
            ).returncode

    rc = child("setting up 8 organisations (ORM, not timed)", "--inner", "setup")
    sizes = [args.documents // 10, args.documents]
    for size in sizes:
        rc = rc or child(f"generating {size:,} documents", "--inner", "generate", "--size", size)
        last = ["--explain"] if size == sizes[-1] else []
        if last:
            rc = rc or child(
                f"measuring at {size:,} documents without the bench's indexes",
                *("--inner", "measure", "--size", size, "--without-indexes", *last),
            )
        rc = rc or child(
            f"measuring at {size:,} documents", "--inner", "measure", "--size", size, *last
        )
    if rc:
        return rc
    if report:
        report_rc = child(
            "register PDF and periodic report", "--inner", "report", "--size", sizes[-1]
        )
    print_table(json.loads(state.read_text()), sizes)
    if not report:
        print(
            f"\nregister PDF and periodic report: not measured ({REPORT_MODULE} is not "
            "installable yet; the bench measures them as soon as it is)"
        )
        return 0
    if report_rc:
        print("\nregister PDF and periodic report: a check FAILED or they failed (see above)")
    return report_rc


def print_table(state: dict, sizes: list[int]) -> None:
    """view x role x size -> queries, ms; the ratio of queries; what differs when it is not 1;
    then without -> with the bench's indexes."""
    results = state["results"]
    small, big = (str(size) for size in sizes)
    print()
    print(
        f"first page as the web client asks for it, company 1 of 8: SQL queries, server time "
        f"(ms: median of {RUNS} runs, cache invalidated; min: fastest run), target <= "
        f"{TARGET_MS} ms"
    )
    print(
        f"  {'view':<22}{'role':<10}"
        + "".join(f"{f'{int(size):,} documents':>24}" for size in (small, big))
        + f"{'queries':>9}"
    )
    print(f"  {'':<32}" + f"{'queries':>8}{'ms':>8}{'min':>8}" * 2 + f"{'ratio':>9}")
    differing = []
    for view in VIEWS:
        for role in ROLES:
            key = f"{view}|{role}"
            rows = [results.get(size, {}).get(key) for size in (small, big)]
            line = f"  {VIEW_LABELS[view]:<22}{role:<10}"
            for row in rows:
                line += (
                    f"{row['queries']:>8}{row['ms']:>8.1f}{row['min_ms']:>8.1f}"
                    if row
                    else f"{'-':>24}"
                )
            if all(rows):
                ratio = rows[1]["queries"] / rows[0]["queries"]
                line += f"{ratio:>9.2f}"
                if ratio != 1:
                    differing.append((key, rows))
            print(line + ("  over" if rows[1] and rows[1]["ms"] > TARGET_MS else ""))
    for key, rows in differing:
        only = [collections.Counter(row["shapes"]) for row in rows]
        print(f"  {key}: queries made at one size only:")
        for size, extra in ((small, only[0] - only[1]), (big, only[1] - only[0])):
            for shape, count in extra.items():
                print(f"    {int(size):,}: {count} x {shape}")
    before = results.get(f"{big}-without")
    if not before:
        return
    print()
    print(
        f"at {int(big):,} documents, without -> with the indexes the bench added "
        f"({'; '.join(BENCH_INDEXES.values())}):"
    )
    print(f"  {'':<32}{'ms':>16}{'min':>16}{'SQL ms':>16}{'queries':>12}")
    for view in VIEWS:
        for role in ROLES:
            key = f"{view}|{role}"
            old, new = before.get(key), results[big].get(key)
            if old and new:
                print(
                    f"  {VIEW_LABELS[view]:<22}{role:<10}"
                    + "".join(
                        f"{old[name]:>7.1f} ->{new[name]:>7.1f}"
                        for name in ("ms", "min_ms", "sql_ms")
                    )
                    + f"{old['queries']:>5} ->{new['queries']:>4}"
                )


# --------------------------------------------------------------------------- Odoo side


def _odoo(args: argparse.Namespace):
    """The registry of the bench's database, Odoo configured as devenv configured it."""
    from odoo.modules.registry import Registry  # noqa: PLC0415 - Odoo only in the child runs
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", str(args.inner_config)], setup_logging=True)
    return Registry(args.inner_db)


def _load_state(args) -> dict:
    return json.loads(args.inner_state.read_text()) if args.inner_state.exists() else {}


def _save_state(args, state: dict) -> None:
    args.inner_state.write_text(json.dumps(state, ensure_ascii=False, indent=1))


# --------------------------------------------------------------------------- setup (ORM)


def setup(args: argparse.Namespace) -> int:
    """The organisations, their people, units, registers and types, and the outside
    agencies; their ids in the state file."""
    from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415

    registry = _odoo(args)
    began = time.perf_counter()
    with registry.cursor() as cr:
        quiet = {
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
            "no_reset_password": True,
        }
        env = api.Environment(cr, SUPERUSER_ID, quiet)
        group = {
            name: env.ref(f"snn_docflow.group_{name}").id
            for name in ("drafter", "head", "director", "clerk", "manager")
        }
        companies = []
        for index, (code, name, organ_id) in enumerate(COMPANIES, 1):
            values = {
                "name": f"{name} tỉnh Tuyên Quang",
                "snn_org_code": code,
                "snn_org_full_name": f"{name} tỉnh Tuyên Quang",
                "snn_governing_body": "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
                "snn_place": "Tuyên Quang",
                "snn_organ_id": organ_id,
                "snn_esign_trial_date": "2021-06-01",
                "snn_esign_mandatory_date": str(ESIGN_FROM),
            }
            if index == 1:
                company = env.ref("base.main_company")
                company.write(values)
            else:
                company = env["res.company"].create(values)
            companies.append(_setup_company(env, company, index, group, Command))
        agencies = env["res.partner"].create(
            [
                {"name": name, "is_company": True, "snn_organ_id": f"000.{i:02d}.00.G{i:02d}"}
                for i, name in enumerate(EXCHANGE_AGENCIES, 1)
            ]
            + [
                {"name": name, "is_company": True, "email": f"vanthu{i}@example.vn"}
                for i, name in enumerate(MAIL_AGENCIES, 1)
            ]
        )
        state = {
            "companies": companies,
            "exchange_agencies": [
                [p.id, p.name, p.snn_organ_id] for p in agencies[: len(EXCHANGE_AGENCIES)]
            ],
            "mail_agencies": [[p.id, p.name, p.email] for p in agencies[len(EXCHANGE_AGENCIES) :]],
            "activity_types": {
                kind: [activity.id, activity.summary]
                for kind in ("review", "fix", "issue")
                for activity in [env.ref(f"snn_docflow.mail_activity_type_{kind}")]
            },
            "model_id": env["ir.model"]._get_id("snn.document"),
            "results": {},
        }
    _save_state(args, state)
    users = sum(len(c["users"]) for c in companies)
    print(
        f"setup: {len(companies)} organisations, {users} users, "
        f"{sum(len(c['units']) for c in companies)} units, {len(agencies)} outside agencies "
        f"in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    return 0


def _setup_company(env, company, index, group, Command) -> dict:
    """One organisation's people (users with employees), units, registers and types."""
    code = company.snn_org_code

    def user(login, name, role):
        return {
            "name": name,
            "login": f"c{index}_{login}",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "group_ids": [Command.set([group[role]])],
            "tz": "Asia/Ho_Chi_Minh",
        }

    # (login, name, role, unit): heads and drafters in their unit, the others in the office.
    people = [(f"head_{u}", f"Trưởng {unit} ({code})", "head", u) for u, unit in UNITS]
    people += [(f"director{j}", f"Giám đốc {j} ({code})", "director", "VP") for j in (1, 2)]
    people += [(f"clerk{j}", f"Văn thư {j} ({code})", "clerk", "VP") for j in (1, 2)]
    people += [("manager", f"Quản trị ({code})", "manager", "VP")]
    people += [
        (f"drafter_{u}{j}", f"Chuyên viên {u} {j} ({code})", "drafter", u)
        for u, _unit in UNITS
        for j in (1, 2)
    ]
    users = env["res.users"].create([user(*person[:3]) for person in people])
    by_login = {person[0]: u for person, u in zip(people, users, strict=True)}
    units = env["hr.department"].create(
        [{"name": name, "snn_code": u, "company_id": company.id} for u, name in UNITS]
    )
    unit_of = dict(zip((u for u, _n in UNITS), units, strict=True))
    employees = env["hr.employee"].create(
        [
            {
                "name": u.name,
                "user_id": u.id,
                "company_id": company.id,
                "department_id": unit_of[person[3]].id,
            }
            for person, u in zip(people, users, strict=True)
        ]
    )
    employee_of = {e.user_id.id: e for e in employees}
    for u, unit in unit_of.items():
        unit.manager_id = employee_of[by_login[f"head_{u}"].id]
    normal, confidential = env["snn.register"].create(
        [
            {"name": "Sổ văn bản đi", "company_id": company.id},
            {"name": "Sổ văn bản mật đi", "company_id": company.id, "confidential": True},
        ]
    )
    types = env["snn.document.type"].create(
        [
            {
                "name": name,
                "code": type_code or False,
                "company_id": company.id,
                "register_id": normal.id,
            }
            for name, type_code, _weight in TYPES
        ]
    )
    return {
        "id": company.id,
        "code": code,
        "name": company.name,
        "users": {login: u.id for login, u in by_login.items()},
        "units": [
            {
                "id": unit_of[u].id,
                "code": u,
                "name": unit_of[u].name,
                "head": by_login[f"head_{u}"].id,
                "drafters": [by_login[f"drafter_{u}{j}"].id for j in (1, 2)],
            }
            for u, _name in UNITS
        ],
        "directors": [by_login["director1"].id, by_login["director2"].id],
        "clerks": [by_login["clerk1"].id, by_login["clerk2"].id],
        "manager": by_login["manager"].id,
        "registers": {"normal": normal.id, "confidential": confidential.id},
        "partner": [company.partner_id.id, company.name, company.snn_organ_id],
        "types": [[t.id, t.code or None, w] for t, (_n, _c, w) in zip(types, TYPES, strict=True)],
    }


# --------------------------------------------------------------------------- generate (SQL)


def _working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


class Plan:
    """The documents of one size, with their recipient lines, deliveries and to-dos, as rows
    for COPY. Seeded: the same size gives the same rows."""

    def __init__(self, state: dict, size: int):
        self.state = state
        self.size = size
        self.rng = random.Random(SEED + size)
        self.docs: list[dict] = []
        days = _working_days(FIRST_DAY, RECENT_FROM - datetime.timedelta(days=1))
        self.days = days
        self.days_2025 = [d for d in days if d.year == BLOCK_YEAR]
        self.days_but_2025 = [d for d in days if d.year != BLOCK_YEAR]
        self.recent_days = _working_days(RECENT_FROM, LAST_DAY)
        self.type_weights = [w for _name, _code, w in TYPES]
        self.block = size // BLOCK_SHARE

    # ---------------------------------------------------------------- documents

    def build(self) -> None:
        for company in self.state["companies"]:
            self._queues(company)
            for day in self.recent_days:
                for _ in range(RECENT_PER_DAY):
                    self._archived(company, day, block=False)
        archive = self.size - len(self.docs) - self.block
        if archive < 0:
            raise SystemExit(f"{self.size} documents cannot hold the queues and the register")
        companies = self.state["companies"]
        first = companies[0]
        for _ in range(archive):
            company = self.rng.choice(companies)
            days = self.days_but_2025 if company is first else self.days
            self._archived(company, self.rng.choice(days), block=False)
        for _ in range(self.block):
            self._archived(first, self.rng.choice(self.days_2025), block=True)
        self.docs.sort(key=lambda doc: doc["create_date"])
        self._number()

    def _new(self, company, unit, state, created) -> dict:
        rng = self.rng
        type_id, type_code, _w = rng.choices(company["types"], weights=self.type_weights)[0]
        deputy = rng.random() < 0.6
        topic = rng.choice(TOPICS)
        subject = f"V/v {topic}" if type_code is None else f"{TYPES_BY_CODE[type_code]} về {topic}"
        urgency = rng.choices(("normal", "urgent", "very_urgent", "flash"), weights=(85, 10, 4, 1))[
            0
        ]
        return {
            "company": company,
            "unit": unit,
            "type_code": type_code,
            "subject": f"{subject} (hồ sơ {len(self.docs) + 1})",
            "document_type_id": type_id,
            "company_id": company["id"],
            "department_id": unit["id"],
            "drafter_id": rng.choice(unit["drafters"]),
            "signer_id": company["directors"][1 if deputy else 0],
            "signer_authority": "KT. GIÁM ĐỐC" if deputy else None,
            "signer_position": "PHÓ GIÁM ĐỐC" if deputy else "GIÁM ĐỐC",
            "urgency": urgency,
            "confidentiality": "normal",
            "state": state,
            "create_date": created,
            "write_date": created,
            "todo": [],  # (kind, user id)
        }

    def _queue_time(self) -> datetime.datetime:
        span = (datetime.datetime(2026, 12, 1, 17, 0) - QUEUE_SINCE).total_seconds()
        return QUEUE_SINCE + datetime.timedelta(seconds=int(self.rng.random() * span))

    def _queues(self, company) -> None:
        rng = self.rng
        units = company["units"]
        for unit in units:
            for _ in range(QUEUE_HEAD):
                doc = self._new(company, unit, "head_review", self._queue_time())
                doc["todo"] = [("review", unit["head"])]
                self.docs.append(doc)
            for drafter in unit["drafters"]:
                for returned in [True] * DRAFTS_RETURNED + [False] * DRAFTS_PLAIN:
                    doc = self._new(company, unit, "draft", self._queue_time())
                    doc["drafter_id"] = drafter
                    if returned:
                        doc["return_reason"] = "Đề nghị bổ sung căn cứ pháp lý và nơi nhận."
                        doc["todo"] = [("fix", drafter)]
                    self.docs.append(doc)
        for index, director in enumerate(company["directors"]):
            for _ in range(QUEUE_DIRECTOR):
                doc = self._new(company, rng.choice(units), "director_review", self._queue_time())
                doc["signer_id"] = director
                doc["signer_authority"] = "KT. GIÁM ĐỐC" if index else None
                doc["signer_position"] = "PHÓ GIÁM ĐỐC" if index else "GIÁM ĐỐC"
                doc["todo"] = [("review", director)]
                self.docs.append(doc)
        for _ in range(QUEUE_CLERK):
            doc = self._new(company, rng.choice(units), "approved", self._queue_time())
            doc["approved_sha256"] = hashlib.sha256(doc["subject"].encode()).hexdigest()
            doc["todo"] = [("issue", clerk) for clerk in company["clerks"]]
            self.docs.append(doc)

    def _archived(self, company, day: datetime.date, block: bool) -> None:
        rng = self.rng
        drafted = datetime.datetime.combine(day, datetime.time(8)) - datetime.timedelta(
            days=rng.randint(0, 10), minutes=rng.randint(0, 540)
        )
        doc = self._new(company, rng.choice(company["units"]), "issued", drafted)
        r = rng.random()
        if not block and r < 0.025:
            doc["state"] = "cancelled"  # in review, never numbered
            doc["cancel_reason"] = "Không còn phù hợp: đã có văn bản khác thay thế."
            doc["write_date"] = drafted + datetime.timedelta(days=2)
            self.docs.append(doc)
            return
        if r < 0.04:
            doc["state"] = "cancelled"  # after issue: it keeps its number
            doc["cancel_reason"] = "Ban hành nhầm: hủy, giữ số trong sổ."
        elif r < 0.05:
            doc["state"] = "recalled"
            doc["recall_reason"] = "Thu hồi để sửa đổi nội dung theo chỉ đạo của UBND tỉnh."
        if not block and rng.random() < 0.03:
            doc["confidentiality"] = "secret" if rng.random() < 0.3 else "confidential"
            doc["register"] = "confidential"
            doc["paper_reason"] = "secret"
        else:
            doc["register"] = "normal"
            if day < ESIGN_FROM and rng.random() < 0.3:
                doc["paper_reason"] = "clerk_choice"
            else:
                doc["esign"] = True
        doc["issue_date"] = day
        doc["issued_at"] = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(
            minutes=rng.randint(0, 480)
        )
        doc["write_date"] = doc["issued_at"]
        self.docs.append(doc)

    def _number(self) -> None:
        """Numbers 1..K per register and year in issue order; codes as the issue step writes
        them; ids in drafting order."""
        for index, doc in enumerate(self.docs):
            doc["index"] = index
        numbered: dict[tuple, list] = {}
        for doc in self.docs:
            if doc.get("issue_date"):
                register = doc["company"]["registers"][doc["register"]]
                doc["register_id"] = register
                numbered.setdefault((register, doc["issue_date"].year), []).append(doc)
        for (_register, year), docs in numbered.items():
            docs.sort(key=lambda doc: (doc["issued_at"], doc["index"]))
            for number, doc in enumerate(docs, 1):
                doc["number"], doc["number_year"] = number, year
                org = doc["company"]["code"]
                notation = (
                    f"{doc['type_code']}-{org}"
                    if doc["type_code"]
                    else f"{org}-{doc['unit']['code']}"
                )
                doc["code"] = f"{number:02d}/{notation}"
                digest = hashlib.sha256(doc["code"].encode() + str(year).encode()).hexdigest()
                doc["approved_sha256"] = digest
                if doc.get("esign"):
                    doc["signed_sha256"] = digest[::-1]
                    doc["signed_file_name"] = doc["code"].replace("/", "-") + ".pdf"

    # ---------------------------------------------------------------- rows

    DOCUMENT_COLUMNS = (
        "id", "subject", "document_type_id", "company_id", "department_id", "drafter_id",
        "signer_id", "signer_authority", "signer_position", "urgency", "confidentiality",
        "state", "register_id", "number", "number_year", "code", "issue_date", "return_reason",
        "cancel_reason", "recall_reason", "approved_sha256", "esign", "paper_reason",
        "signed_sha256", "signed_file_name", "create_uid", "create_date", "write_uid",
        "write_date",
    )  # fmt: skip

    def document_rows(self, first_id: int):
        for offset, doc in enumerate(self.docs):
            doc["id"] = first_id + offset
            doc["create_uid"] = doc["drafter_id"]
            doc["write_uid"] = doc["drafter_id"]
            yield [doc.get(column) for column in self.DOCUMENT_COLUMNS]

    def lines(self) -> list[dict]:
        """2 or 3 recipient lines per document: an agency on the exchange (for action), a
        unit of this organisation or another organisation of the instance (for information;
        both delivered inside Odoo), half of them an agency by e-mail too."""
        rng = self.rng
        state = self.state
        lines = []
        for doc in self.docs:
            chosen = [{"partner": rng.choice(state["exchange_agencies"]), "purpose": "action"}]
            if rng.random() < 0.5:
                chosen.append({"unit": rng.choice(doc["company"]["units"])})
            else:
                other = rng.choice([c for c in state["companies"] if c is not doc["company"]])
                chosen.append({"partner": other["partner"], "company": other})
            if rng.random() < 0.5:
                chosen.append({"partner": rng.choice(state["mail_agencies"]), "mail": True})
            for sequence, line in enumerate(chosen, 1):
                line.setdefault("purpose", "information")
                lines.append({**line, "doc": doc, "sequence": sequence * 10})
        return lines

    LINE_COLUMNS = (
        "id", "sequence", "document_id", "partner_id", "department_id", "purpose",
        "create_uid", "create_date", "write_uid", "write_date",
    )  # fmt: skip

    @staticmethod
    def line_rows(lines, first_id: int):
        for offset, line in enumerate(lines):
            line["id"] = first_id + offset
            doc = line["doc"]
            yield [
                line["id"], line["sequence"], doc["id"],
                line["partner"][0] if "partner" in line else None,
                line["unit"]["id"] if "unit" in line else None,
                line["purpose"], doc["create_uid"], doc["create_date"], doc["create_uid"],
                doc["create_date"],
            ]  # fmt: skip

    DELIVERY_COLUMNS = (
        "id", "document_id", "recipient_id", "company_id", "recipient_name", "partner_id",
        "target_company_id", "target_department_id", "organ_id", "email", "channel", "state",
        "urgent", "queued_at", "sent_at", "received_at", "handled_at", "attempts",
        "edxml_document_id", "recall_state", "last_error", "create_uid", "create_date",
        "write_uid", "write_date",
    )  # fmt: skip
    STATES_BY_CHANNEL = {
        "internal": (("done", 50), ("accepted", 20), ("processing", 10), ("received", 20)),
        "exchange": (("done", 50), ("accepted", 15), ("processing", 10), ("received", 15),
                     ("sent", 8), ("refused", 1), ("failed", 1)),
        "email": (("sent", 97), ("failed", 3)),
    }  # fmt: skip

    def delivery_rows(self, lines, first_id: int):
        """One delivery per line of each document that was issued (cancelled and recalled ones
        too), as the issue step queues them and dispatch leaves them."""
        rng = self.rng
        next_id = first_id
        for line in lines:
            doc = line["doc"]
            if not doc.get("issue_date"):
                continue
            channel, why_paper = self._channel(doc, line)
            if channel == "paper":
                state = "paper"
            elif doc["state"] == "recalled":
                state = "recalled"
            else:
                states, weights = zip(*self.STATES_BY_CHANNEL[channel], strict=True)
                state = rng.choices(states, weights=weights)[0]
            queued = doc["issued_at"]
            sent = queued + datetime.timedelta(minutes=rng.randint(1, 15))
            arrived = state in ("received", "accepted", "processing", "done", "recalled")
            received = sent + datetime.timedelta(minutes=rng.randint(1, 120)) if arrived else None
            handled = (
                (received or sent) + datetime.timedelta(hours=rng.randint(1, 72))
                if state in ("accepted", "processing", "done", "refused")
                else None
            )
            partner = line.get("partner")
            unit = line.get("unit")
            company = doc["company"]
            if unit:
                target_company = company["id"]
            elif "company" in line and channel == "internal":
                target_company = line["company"]["id"]
            else:
                target_company = None
            edxml_id = (
                f"{COMPANY_ORGAN[company['code']]},{doc['issue_date']:%Y/%m/%d},{doc['code']}"
                if channel == "exchange"
                else None
            )
            yield [
                next_id, doc["id"], line["id"], company["id"],
                unit["name"] if unit else partner[1],
                partner[0] if partner else None,
                target_company,
                unit["id"] if unit else None,
                partner[2] if partner and not line.get("mail") else None,  # its agency code
                partner[2] if partner and line.get("mail") else None,
                channel, state, doc["urgency"] != "normal", queued,
                sent if channel != "paper" and state != "failed" else None,
                received, handled,
                1 if channel != "paper" else 0,
                edxml_id,
                "agreed" if state == "recalled" and channel != "email" else None,
                why_paper or ("Mất kết nối trục liên thông" if state == "failed" else None),
                SUPERUSER, queued, SUPERUSER, handled or received or sent,
            ]  # fmt: skip
            next_id += 1

    @staticmethod
    def _channel(doc, line) -> tuple[str, str | None]:
        """snn_dispatch's _channel_for on this line."""
        if doc["confidentiality"] != "normal":
            return "paper", "Secret documents are never sent electronically."
        if not doc.get("esign"):
            return "paper", "Issued on paper: it is delivered on paper."
        if "unit" in line or "company" in line:
            return "internal", None
        return ("email" if line.get("mail") else "exchange"), None

    ACTIVITY_COLUMNS = (
        "id", "res_model_id", "res_model", "res_id", "res_name", "activity_type_id",
        "summary", "date_deadline", "user_id", "user_tz", "automated", "active", "create_uid",
        "create_date", "write_uid", "write_date",
    )  # fmt: skip

    def activity_rows(self, first_id: int):
        types = self.state["activity_types"]
        model_id = self.state["model_id"]
        next_id = first_id
        for doc in self.docs:
            for kind, user_id in doc["todo"]:
                type_id, summary = types[kind]
                created = doc["write_date"]
                delay = 0 if kind == "issue" else 1
                yield [
                    next_id, model_id, "snn.document", doc["id"], doc["subject"], type_id,
                    summary, (created + datetime.timedelta(days=delay)).date(), user_id,
                    "Asia/Ho_Chi_Minh", True, True, SUPERUSER, created, SUPERUSER, created,
                ]  # fmt: skip
                next_id += 1


SUPERUSER = 1
TYPES_BY_CODE = {code: name for name, code, _w in TYPES if code}
COMPANY_ORGAN = {code: organ for code, _name, organ in COMPANIES}


_COPY_FORMATS = {  # other types (int, date) as str() writes them
    bool: lambda value: "t" if value else "f",
    datetime.datetime: lambda value: value.isoformat(sep=" "),
}
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": ""})


def _copy_value(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if type(value) is str:
        return value.translate(_COPY_ESCAPES)
    return _COPY_FORMATS.get(type(value), str)(value)


def _copy(cr, table: str, columns, rows) -> int:
    """COPY rows into table; the number of rows."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_copy_value(value) for value in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    cr._obj.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def _reserve_ids(cr, table: str, count: int) -> int:
    """The first of ``count`` ids taken from the table's sequence at once."""
    cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cr.fetchone()[0]
    cr.execute("SELECT nextval(%s)", [sequence])
    first = cr.fetchone()[0]
    cr.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


def generate(args: argparse.Namespace) -> int:
    """Empty what an earlier size made, then COPY this size's rows; ANALYZE."""
    registry = _odoo(args)
    state = _load_state(args)
    began = time.perf_counter()
    plan = Plan(state, args.size)
    plan.build()
    lines = plan.lines()
    built = time.perf_counter() - began
    counts = {}
    with registry.cursor() as cr:
        cr.execute("DELETE FROM mail_activity WHERE res_model = 'snn.document'")
        cr.execute("TRUNCATE snn_document CASCADE")  # lines, deliveries, trails, incoming
        first = _reserve_ids(cr, "snn_document", len(plan.docs))
        counts["documents"] = _copy(
            cr, "snn_document", Plan.DOCUMENT_COLUMNS, plan.document_rows(first)
        )
        first = _reserve_ids(cr, "snn_document_recipient", len(lines))
        counts["recipient lines"] = _copy(
            cr, "snn_document_recipient", Plan.LINE_COLUMNS, plan.line_rows(lines, first)
        )
        first = _reserve_ids(cr, "snn_delivery", len(lines))
        counts["deliveries"] = _copy(
            cr, "snn_delivery", Plan.DELIVERY_COLUMNS, plan.delivery_rows(lines, first)
        )
        todo = sum(len(doc["todo"]) for doc in plan.docs)
        first = _reserve_ids(cr, "mail_activity", todo)
        counts["to-dos"] = _copy(
            cr, "mail_activity", Plan.ACTIVITY_COLUMNS, plan.activity_rows(first)
        )
        cr.commit()
        copied = time.perf_counter() - began - built
        cr.execute("ANALYZE")
        cr.commit()
        elapsed = time.perf_counter() - began
        cr.execute("SELECT state, count(*) FROM snn_document GROUP BY 1 ORDER BY 2 DESC")
        states = cr.fetchall()
        company = state["companies"][0]
        cr.execute(
            "SELECT count(*), min(number), max(number), count(DISTINCT number) FROM snn_document"
            " WHERE register_id = %s AND number_year = %s",
            [company["registers"]["normal"], BLOCK_YEAR],
        )
        block = cr.fetchone()
        cr.execute(
            "SELECT user_id, count(*) FROM mail_activity WHERE res_model = 'snn.document'"
            " GROUP BY 1"
        )
        queue = dict(cr.fetchall())
    print(
        f"generated {args.size:,} documents in {elapsed:.1f} s (rows built in Python "
        f"{built:.1f} s, COPY {copied:.1f} s, ANALYZE {elapsed - built - copied:.1f} s): "
        + ", ".join(f"{count:,} {name}" for name, count in counts.items())
    )
    print("  states: " + ", ".join(f"{name} {count:,}" for name, count in states))
    print(
        f"  the measured register (company 1, normal register, {BLOCK_YEAR}): {block[0]:,} "
        f"entries, numbers {block[1]}..{block[2]}, {block[3]:,} distinct"
    )
    users = company["users"]
    print(
        "  to-dos in company 1: director1 {}, clerk1 {}, drafter_VP1 {}, head_VP {}".format(
            *(
                queue.get(users[login], 0)
                for login in ("director1", "clerk1", "drafter_VP1", "head_VP")
            )
        ),
        flush=True,
    )
    return 0


# --------------------------------------------------------------------------- measure


def _user_env(registry_cr, uid: int, company_id: int, **extra):
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


def _field_spec(field_type: str) -> dict:
    """What the web client asks of a field without a sub-view (getFieldsSpec)."""
    return {"fields": {"display_name": {}}} if field_type in ("many2one", "reference") else {}


def view_specs(env) -> dict:
    """The specification of the default list and kanban views, from their archs, with the
    fields the widgets add (as the web client builds it)."""
    from lxml import etree  # noqa: PLC0415

    Document = env["snn.document"]
    views = Document.get_views([(False, "list"), (False, "kanban")])["views"]
    specs = {}
    for view_type in ("list", "kanban"):
        spec = {}
        for node in etree.fromstring(views[view_type]["arch"]).iter("field"):
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue  # a sub-view's field
            name = node.get("name")
            spec[name] = _field_spec(Document._fields[name].type)
            for extra in WIDGET_FIELDS.get(node.get("widget"), ()):
                spec.setdefault(extra, _field_spec(Document._fields[extra].type))
        specs[view_type] = spec
    return specs


def view_calls(specs: dict, uid: int) -> dict:
    """view -> the call the web client makes for its first page."""

    def listed(domain):
        def call(env):
            result = env["snn.document"].web_search_read(
                domain, specs["list"], offset=0, limit=PAGE, order="",
                count_limit=COUNT_LIMIT + 1,
            )  # fmt: skip
            return len(result["records"]), result["length"]

        return call

    def kanban(env):
        result = (
            env["snn.document"]
            .with_context(read_group_expand=True)
            .web_read_group(
                [],
                ["state"],
                [],
                limit=None,
                offset=0,
                order="",
                auto_unfold=True,
                opening_info=[],
                unfold_read_specification=specs["kanban"],
                unfold_read_default_limit=KANBAN_PAGE,
                groupby_read_specification={},
            )
        )
        groups = result["groups"]
        cards = sum(len(group.get("__records", ())) for group in groups)
        return cards, sum(group["__count"] for group in groups)

    return {
        "waiting": listed([("activity_ids.user_id", "=", uid)]),
        "documents": listed([]),
        "kanban": kanban,
    }


class QueryLog:
    """Each query of the current thread with its time (Odoo's query hooks)."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def hook(self, _cr, query, params, _start, delay):
        self.queries.append((delay, query, params))

    @contextlib.contextmanager
    def recording(self):
        thread = threading.current_thread()
        hooks = getattr(thread, "query_hooks", None)
        thread.query_hooks = [*(hooks or ()), self.hook]
        try:
            yield self
        finally:
            if hooks is None:
                del thread.query_hooks
            else:
                thread.query_hooks = hooks

    def sql_ms(self) -> float:
        return sum(delay for delay, _q, _p in self.queries) * 1000

    def slowest(self, count: int = 1):
        return sorted(self.queries, key=lambda row: row[0], reverse=True)[:count]


def time_call(env, call) -> dict:
    """One warm-up, then RUNS runs with the cache invalidated before each: the median run's
    wall time, SQL time and this process's CPU time (which waiting for a busy CPU does not
    inflate), and the fastest run's wall time."""
    cr = env.cr
    call(env)
    runs = []
    for _ in range(RUNS):
        env.invalidate_all()
        log = QueryLog()
        before = cr.sql_log_count
        with log.recording():
            start, cpu = time.perf_counter(), time.process_time()
            shown, length = call(env)
            elapsed = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - cpu) * 1000
        runs.append((elapsed, cr.sql_log_count - before, log, shown, length, cpu))
    runs.sort(key=lambda run: run[0])
    elapsed, _queries, log, shown, length, cpu = runs[len(runs) // 2]
    # The count most runs make: a run may fill a cache the warm-up left (a rule's groups).
    queries = collections.Counter(run[1] for run in runs).most_common(1)[0][0]
    slow_ms, slow_query, _params = log.slowest()[0]
    return {
        "ms": elapsed,
        "min_ms": runs[0][0],
        "cpu_ms": cpu,
        "queries": queries,
        "query_counts": [run[1] for run in runs],
        "sql_ms": log.sql_ms(),
        "shown": shown,
        "length": length,
        "slowest_ms": slow_ms * 1000,
        "slowest": _shape(slow_query, 160),
        "shapes": [_shape(query, 110) for _delay, query, _params in log.queries],
        "log": log,
    }


def _shape(query, width: int) -> str:
    return " ".join(str(query).split())[:width]


def explain(cr, query, params) -> list[str]:
    cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
    return [row[0] for row in cr.fetchall()]


def measure(args: argparse.Namespace) -> int:
    """The first pages as company 1's director, clerk and drafter; results in the state."""
    registry = _odoo(args)
    state = _load_state(args)
    company = state["companies"][0]
    users = company["users"]
    roles = {
        "director": users["director1"],
        "clerk": users["clerk1"],
        "drafter": users["drafter_VP1"],
    }
    results = {}
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    without = " WITHOUT the indexes this bench added" if args.without_indexes else ""
    print(
        f"\nfirst pages at {args.size:,} documents{without}, company 1: {RUNS} runs after a "
        f"warm-up, cache invalidated before each; ms = the median run's server time, min = "
        f"the fastest run's, SQL and CPU (this process) = the median run's; load average "
        f"{load} on {os.cpu_count()} CPUs"
    )
    print(
        f"  {'view':<22}{'role':<10}{'queries':>8}{'ms':>8}{'min':>8}{'SQL':>8}{'CPU':>8}"
        f"{'shown':>6}{'of':>8}  slowest query (ms)"
    )
    with registry.cursor() as cr:
        if args.without_indexes:
            for name in BENCH_INDEXES:
                cr.execute(SQL_DROP_INDEX.format(name))
        for role, uid in roles.items():
            env = _user_env(cr, uid, company["id"])
            calls = view_calls(view_specs(env), uid)
            for view in VIEWS:
                row = time_call(env, calls[view])
                _print_row(cr, view, role, row, args.explain)
                results[f"{view}|{role}"] = {k: v for k, v in row.items() if k != "log"}
        cr.rollback()  # the dropped indexes come back
    key = f"{args.size}-without" if args.without_indexes else str(args.size)
    state["results"][key] = results
    _save_state(args, state)
    return 0


SQL_DROP_INDEX = 'DROP INDEX IF EXISTS "{}"'


EXPLAIN_FROM_MS = 5  # the queries of a slow first page worth an EXPLAIN ANALYZE


def _print_row(cr, view: str, role: str, row: dict, explain_slow: bool) -> None:
    counts = row["query_counts"]
    varying = "" if len(set(counts)) == 1 else f" (runs: {counts})"
    print(
        f"  {VIEW_LABELS[view]:<22}{role:<10}{row['queries']:>8}{row['ms']:>8.1f}"
        f"{row['min_ms']:>8.1f}{row['sql_ms']:>8.1f}{row['cpu_ms']:>8.1f}{row['shown']:>6}"
        f"{row['length']:>8,}  {row['slowest_ms']:.1f}: {row['slowest'][:60]}{varying}",
        flush=True,
    )
    if not explain_slow or row["ms"] <= TARGET_MS:
        return
    for delay, query, params in row["log"].slowest(2):
        if delay * 1000 < EXPLAIN_FROM_MS:
            continue
        print(f"    over {TARGET_MS} ms; EXPLAIN ANALYZE of a query of {delay * 1000:.1f} ms:")
        print(f"      {_shape(cr.mogrify(query, params).decode(), 600)}")
        for line in explain(cr, query, params):
            print(f"      | {line}")


# --------------------------------------------------------------------------- report


def _serve_http() -> str:
    """An Odoo HTTP server in this process (a thread), for wkhtmltopdf to fetch the report's
    assets from, as it does from a running Odoo; its URL."""
    from odoo import http  # noqa: PLC0415
    from odoo.service.server import ThreadedServer  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config["http_interface"], config["http_port"] = "127.0.0.1", port
    ThreadedServer(http.root).http_spawn()
    return f"http://127.0.0.1:{port}"


ODOO_SPLIT_CHARS = 4 * 2**20  # ir.actions.report._run_wkhtmltopdf splits from 4 Mi characters


def _self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _hwm_kb(pid: int) -> int:
    """VmHWM (peak resident set) of a running process, 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class ReportSplit:
    """Where one PDF's time goes: methods wrapped on the registry's classes and module
    functions, restored afterwards; the wkhtmltopdf run itself with its peak RSS, read from
    /proc while it runs (RUSAGE_CHILDREN would count the Odoo process it was forked from)."""

    PARTS = [
        # (key, label, model or module, attribute)
        ("html", "QWeb HTML (the template, the entries included)", "ir.actions.report",
         "_render_qweb_html"),
        ("entries", "  of which the entries (search, deliveries, 5 columns)",
         "snn.register.print", "_entries"),
        ("prepare", "Odoo's HTML preparation (lxml: bodies, header, footer)",
         "ir.actions.report", "_prepare_html"),
        ("files", "wkhtmltopdf run by Odoo (temp files, table split, process)",
         "ir.actions.report", "_run_wkhtmltopdf"),
        ("pages", "page numbers written on the PDF (snn_sign.pagination)",
         "odoo.addons.snn_report.models.ir_actions_report", "number_pages"),
    ]  # fmt: skip

    def __init__(self, registry):
        self.registry = registry
        self.spent = collections.defaultdict(float)
        self.process_s = 0.0
        self.process_peak_kb = 0
        self.html: list[str] = []  # the bodies handed to wkhtmltopdf

    def _timed(self, key, function):
        def timed(*args, **kwargs):
            if key == "files":  # ir.actions.report._run_wkhtmltopdf(self, bodies, ...)
                self._bodies(args[1])
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[key] += time.perf_counter() - start

        return timed

    def _bodies(self, bodies) -> None:
        self.html += list(bodies)

    def odoo_split(self) -> tuple[list[int], int]:
        """The bodies' sizes (characters, as Odoo counts them), and the tables they hold once
        Odoo's split of long tables ran on them (it runs on bodies from ODOO_SPLIT_CHARS on:
        it cuts a table's direct rows, so one with a thead and a tbody stays whole)."""
        import lxml.html  # noqa: PLC0415

        base = sys.modules["odoo.addons.base.models.ir_actions_report"]
        tables = 0
        for body in self.html:
            tree = lxml.html.fromstring(body)
            base._split_table(tree, 500)
            tables += len(list(tree.iter("table")))
        return [len(body) for body in self.html], tables

    def _wkhtmltopdf(self, module):
        """Odoo's module function that runs the binary, with its peak RSS polled."""

        def run(args):
            start = time.perf_counter()
            process = subprocess.Popen(
                [module._wkhtml().bin, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                encoding="utf-8",
            )
            done = threading.Event()

            def poll():
                while not done.wait(0.02):
                    self.process_peak_kb = max(self.process_peak_kb, _hwm_kb(process.pid))

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            out, err = process.communicate()
            done.set()
            poller.join()
            self.process_s += time.perf_counter() - start
            return subprocess.CompletedProcess(process.args, process.returncode, out, err)

        return run

    @contextlib.contextmanager
    def patched(self):
        saved = []
        for key, _label, owner_name, name in self.PARTS:
            owner = (
                sys.modules[owner_name]
                if owner_name.startswith("odoo.")
                else self.registry[owner_name]
            )
            saved.append((owner, name, owner.__dict__.get(name)))
            setattr(owner, name, self._timed(key, getattr(owner, name)))
        base = sys.modules["odoo.addons.base.models.ir_actions_report"]
        saved.append((base, "_run_wkhtmltopdf", base._run_wkhtmltopdf))
        base._run_wkhtmltopdf = self._wkhtmltopdf(base)
        try:
            yield self
        finally:
            for owner, name, original in reversed(saved):
                if original is None:
                    delattr(owner, name)
                else:
                    setattr(owner, name, original)

    def rows(self, total: float) -> list:
        rows = [(label, self.spent[key]) for key, label, *_ in self.PARTS]
        rows.insert(4, ("  of which the wkhtmltopdf process", self.process_s))
        top = sum(self.spent[key] for key in ("html", "prepare", "files", "pages"))
        rows.append(("the rest (report lookup, PDF streams, attachment check)", total - top))
        return rows


def register_text(pdf: bytes) -> list[str]:
    """The PDF's text, page by page, in the order it is drawn (poppler's pdftotext -raw:
    a table row by row; pypdf says the same, 30 times slower)."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def check_register(pages: list[str], org_code: str, entries: int) -> list:
    """(label, ok, detail): the entries' numbers, read from their codes ("05/SNNMT-VP",
    "05/QĐ-SNNMT"; a code wrapped in its cell is still one), each once and in order; the
    column headings on every page."""
    code = re.compile(rf"\b(\d+)\s*/\s*(?:[^\W\d_]+\s*-\s*)?{re.escape(org_code)}\b")
    per_page = [[int(m.group(1)) for m in code.finditer(page)] for page in pages]
    numbers = [number for page in per_page for number in page]
    seen = collections.Counter(numbers)
    expected = list(range(1, entries + 1))
    missing = [n for n in expected if n not in seen]
    twice = sorted(n for n, count in seen.items() if count > 1)
    # A row cut through a text line at a page break is drawn on both pages: its code ends
    # one page and starts the next.
    cut = sum(
        1
        for before, after in itertools.pairwise(per_page)
        if before and after and before[-1] == after[0]
    )
    firsts = list(dict.fromkeys(numbers))
    headed = sum("Số, ký hiệu" in " ".join(page.split()) for page in pages)
    return [
        (
            f"every number 1..{entries:,} exactly once, in order",
            numbers == expected,
            f"{len(numbers):,} codes read; {len(missing)} missing {missing[:8]}; "
            f"{len(twice)} twice {twice[:8]}; first readings in order: "
            f"{'yes' if firsts == sorted(firsts) else 'no'}",
        ),
        (
            "no row cut through a line at a page break (its code on two pages)",
            not cut,
            f"{cut} of {len(pages) - 1} page breaks",
        ),
        (
            "column headings on every page",
            headed == len(pages),
            f"on {headed} of {len(pages)} pages",
        ),
    ]


def report(args: argparse.Namespace) -> int:
    """The register PDF of company 1's 2025 register as its clerk prints it, and the periodic
    report of 2025 as its manager reads it."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = _odoo(args)
    state = _load_state(args)
    company = state["companies"][0]
    url = _serve_http()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", url)
        cr.commit()
        clerk = _user_env(cr, company["users"]["clerk1"], company["id"])
        manager = _user_env(cr, company["manager"], company["id"])
        results = []
        for label, part in (
            ("register PDF", lambda: _register_pdf(registry, clerk, company, args.size)),
            ("periodic report", lambda: _period_report(manager)),
        ):
            try:  # the module is being written: one part failing leaves the other measured
                results.append(part())
            except Exception:
                print(f"\n{label}: FAILED\n{traceback.format_exc()}", flush=True)
                results.append(False)
            cr.rollback()
    return 0 if all(results) else 1


def _render_register(env, register_id: int, year: int) -> bytes:
    wizard = env["snn.register.print"].create(
        {
            "register_id": register_id,
            "date_from": datetime.date(year, 1, 1),
            "date_to": datetime.date(year, 12, 31),
        }
    )
    pdf, _kind = env["ir.actions.report"]._render_qweb_pdf(
        "snn_report.action_report_register", wizard.ids
    )
    return pdf


def _register_pdf(registry, env, company: dict, size: int) -> bool:
    from pypdf import PdfReader  # noqa: PLC0415

    entries = size // BLOCK_SHARE
    registers = company["registers"]
    began = time.perf_counter()
    _render_register(env, registers["confidential"], 2024)  # warm-up: assets, fonts
    warm_up = time.perf_counter() - began
    rss_before = _self_peak_mb()
    split = ReportSplit(registry)
    with split.patched():
        began = time.perf_counter()
        pdf = _render_register(env, registers["normal"], BLOCK_YEAR)
        elapsed = time.perf_counter() - began
    rss_after = _self_peak_mb()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    checks = check_register(register_text(pdf), company["code"], entries)
    print(
        f"\nregister PDF: company 1's normal register, {BLOCK_YEAR}, {entries:,} entries, "
        f"printed by the clerk (after a warm-up on a small register: {warm_up:.1f} s)"
    )
    print(f"  wall time {elapsed:.1f} s; {pages} pages, {len(pdf) / 1024:,.0f} KiB")
    sizes, tables = split.odoo_split()
    print(
        f"  HTML handed to wkhtmltopdf: {len(sizes)} body of "
        + ", ".join(f"{size:,}" for size in sizes)
        + f" characters; Odoo splits the tables of a body from {ODOO_SPLIT_CHARS:,} on, "
        f"which would leave {tables} table(s) here"
    )
    print("  where the time goes:                                               s")
    for label, spent in split.rows(elapsed):
        print(f"    {label:<62}{spent:6.1f}")
    print(
        f"  peak RSS: Odoo process {rss_before:.0f} MB before, {rss_after:.0f} MB after; "
        f"wkhtmltopdf {split.process_peak_kb / 1024:.0f} MB"
    )
    for label, ok, detail in checks:
        print(f"  check: {label}: {'OK' if ok else 'FAILED'} ({detail})")
    return all(ok for _label, ok, _detail in checks)


def _period_report(env) -> bool:
    """snn.period.report._figures() for a year, its PDF, and the pivot of snn.document.report."""
    wizard = env["snn.period.report"].create({"period": "year", "year": BLOCK_YEAR})

    def figures(env):
        result = wizard.with_env(env)._figures()
        return len(result["rows"]), result["totals"].get("issued_count", 0)

    row = time_call(env, figures)
    print(
        f"\nperiodic report {BLOCK_YEAR} of company 1 as its manager "
        f"({row['length']:,} documents issued in {row['shown']} unit x type rows):"
    )
    _print_timed("snn.period.report._figures()", row)
    began = time.perf_counter()
    pdf, _kind = env["ir.actions.report"]._render_qweb_pdf(
        "snn_report.action_report_period", wizard.ids
    )
    print(
        f"    its PDF (snn_report.action_report_period): {time.perf_counter() - began:.1f} s, "
        f"{len(pdf) / 1024:,.0f} KiB"
    )
    call, described = pivot_call(env)
    _print_timed(f"pivot of snn.document.report ({described})", time_call(env, call))
    return True


def _print_timed(label: str, row: dict) -> None:
    print(
        f"    {label}: {row['ms']:.1f} ms (min {row['min_ms']:.1f}; {row['queries']} queries, "
        f"SQL {row['sql_ms']:.1f} ms, slowest {row['slowest_ms']:.1f} ms: {row['slowest'][:70]})"
    )


def pivot_call(env):
    """The first load of the default pivot view of snn.document.report as the web client
    makes it: formatted_read_grouping_sets over every pair of row and column prefixes."""
    from lxml import etree  # noqa: PLC0415

    Report = env["snn.document.report"]
    arch = Report.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
    rows, cols, measures = [], [], []
    for node in etree.fromstring(arch).iter("field"):
        name, kind = node.get("name"), node.get("type")
        field = Report._fields[name.split(":")[0]]
        if kind in ("row", "col"):
            spec = f"{name}:{node.get('interval')}" if node.get("interval") else name
            if field.type in ("date", "datetime") and ":" not in spec:
                spec += ":month"
            (rows if kind == "row" else cols).append(spec)
        elif kind == "measure":
            measures.append(f"{name}:{field.aggregator or 'sum'}")
    measures.append("__count")
    sets = []
    for i in range(len(rows) + 1):
        for j in range(len(cols) + 1):
            group = rows[:i] + cols[:j]
            if sorted(group) not in [sorted(s) for s in sets]:
                sets.append(group)
    domain = year_domain(Report)

    def call(env):
        result = env["snn.document.report"].formatted_read_grouping_sets(domain, sets, measures)
        return len(result), 0

    return call, (
        f"rows {', '.join(rows) or '-'}, columns {', '.join(cols) or '-'}, "
        f"{len(measures) - 1} measures and the count, {BLOCK_YEAR}'s issue dates"
    )


def year_domain(Report) -> list:
    """The year's rows: on the first date field the report has (issue_date if any)."""
    dates = [name for name, field in Report._fields.items() if field.type == "date"]
    name = "issue_date" if "issue_date" in dates else (dates[0] if dates else None)
    if not name:
        return []
    return [(name, ">=", f"{BLOCK_YEAR}-01-01"), (name, "<=", f"{BLOCK_YEAR}-12-31")]


def main() -> int:
    args = _arguments()
    inner = {"setup": setup, "generate": generate, "measure": measure, "report": report}
    if args.inner:
        return inner[args.inner](args)
    return run_outside_odoo(prepare_and_measure, args)


if __name__ == "__main__":
    sys.exit(main())
