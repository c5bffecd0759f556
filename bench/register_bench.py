"""Bench: outgoing documents of 8 to 40 organisations, every list, kanban and search of each role.

    .venv/bin/python bench/register_bench.py [--documents 100000] [--organisations 8]
    .venv/bin/python bench/register_bench.py --documents 1000000 --organisations 40 --no-report

The issue's scale: "a province's department issues thousands of documents a year; a province
hosts dozens of departments on one instance". Sets everything up itself, as the other Odoo
benches do: a throwaway PostgreSQL cluster (tools/devenv.py, or SNN_DB_HOST), a database with
snn_dispatch (and so snn_signing and snn_docflow), and snn_report too once every data file
its manifest names exists and it installs (else the bench says why and goes on without it).
Then it runs itself again with Odoo on PYTHONPATH:

  setup (ORM, not timed; about 10 s; people, units, registers and types by bench/common.py's
      organisation(), as the other benches; about 1 minute for 40): --organisations (8 by
      default; 40 with 8 more departments and 32 communes; company 1 is the measured one), each
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
      number constraint holds), codes with the notation snn_docflow's _notation() gives
      (asked of a record in memory, new()); 2 or 3 recipient lines per document (an agency
      on the exchange; a unit of the organisation or another organisation of the instance;
      half of them an agency by e-mail); one delivery per line of each issued document with
      the values snn_dispatch's _delivery_values() gives it (channel and recipient, asked of
      records in memory; states as dispatch leaves them, recalled ones "recalled"; no
      incoming documents, the receivers' side is not measured). The PDF of 1 document in 3
      (the signed one of an e-signed document, else the draft's) as attachment_indexation
      leaves it: no file, its text (600 to 900 bytes: heading, number and date, subject, two
      of 8 legal bases, two of the 12 topics, one of 32 communes, the signer) in
      index_content. No trail rows. Then VACUUM ANALYZE (as autovacuum would have: the
      visibility map set, for index-only scans). Nothing is recomputed: no stored field
      depends on what is written here.
  measure --size N: as company 1's drafter, head of unit, director, clerk and manager (their
      environment, the record rules as they apply to them), the first page as the web client
      asks for it of every list and kanban of the menus the role has (VIEWS): "Waiting for
      Me" (list; cards as a phone shows them), "Documents" (list; kanban by state), "My
      Documents" (list; kanban), "Handled by Me", "To Issue"; and the Documents list searched
      as the search bar searches (SEARCHES: code, subject, signer, recipient, the PDF's text
      for a rare and a common phrase). Lists by web_search_read (limit 80, count limit
      10,001; cards 40), kanbans by web_read_group by state with its group_expand (40 cards
      per column); the specifications are built from
      the views' archs (get_views) and the widgets' fields as the web client builds them
      (addons/snn_docflow/tests/web_client.py, which the query-count tests use too).
      Each: one warm-up, one run listed query by query by Odoo's profiler (not timed), then 5
      runs with the cache invalidated before each: SQL queries (Odoo's per-thread query
      counter; the count most runs make) and the median server time, of which SQL time. With
      --explain (the last size), a first page over 100 ms gets the EXPLAIN (ANALYZE, BUFFERS)
      of its two slowest queries, and each search as the director that of its slowest.
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
modules, 1 to generate the 100,000 documents); with --documents 1000000 --organisations 40
--no-report about 15 minutes (1 to set up the organisations, 7.5 to generate the 1,000,000
documents, 3 to measure them without the indexes).
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only
sys.path.insert(0, str(ROOT / "bench"))  # common, when not run as a script

import devenv  # noqa: E402
from common import (  # noqa: E402
    bench_database,
    run_outside_odoo,
    shape,
    time_call,
    user_env,
)
from register_data import generate, load_state, registry_of, save_state, setup  # noqa: E402
from register_report import report  # noqa: E402

MODULES = ["snn_dispatch"]  # pulls snn_signing and snn_docflow
REPORT_MODULE = "snn_report"
TARGET_MS = 100  # issue 25: first page <= 100 ms (median, warm) on this machine
RUNS = 5  # timed runs after one warm-up; the median is printed
# view -> label, the menu whose groups decide which roles see it (None: every role).
VIEWS = {
    "waiting": ("Waiting for Me (list)", None),
    "waiting_cards": ("Waiting for Me (cards)", None),
    "documents": ("Documents (list)", None),
    "kanban": ("Documents (kanban)", None),
    "mine": ("My Documents (list)", "snn_docflow.snn_document_menu_mine"),
    "mine_kanban": ("My Documents (kanban)", "snn_docflow.snn_document_menu_mine"),
    "handled": ("Handled by Me (list)", "snn_docflow.snn_document_menu_handled"),
    "to_issue": ("To Issue (list)", "snn_docflow.snn_document_menu_to_issue"),
}
# search -> label, the search view's field, what the user types (None: see search_values()).
SEARCHES = {
    "code": ("search code", "code", None),
    "subject": ("search subject", "subject", "chuyển đổi số"),
    "signer": ("search signer", "signer_id", "Giám đốc 2"),
    "recipient": ("search recipient", "recipient_ids", "Kho bạc"),
    "pdf_text": ("search PDF text", "pdf_text", "xã Kiên Đài"),  # 1 PDF in 32
    "pdf_common": ("search PDF (common)", "pdf_text", "phòng cháy, chữa cháy"),  # 1 in 4
}
LABELS = {
    **{view: label for view, (label, _menu) in VIEWS.items()},
    **{f"search_{name}": label for name, (label, _f, _v) in SEARCHES.items()},
}
# role -> the login (in company 1) measured
ROLES = {
    "drafter": "drafter_VP1",
    "head": "head_VP",
    "director": "director1",
    "clerk": "clerk1",
    "manager": "manager",
}
# The indexes these measurements made the modules add; "before" is measured without them
# (dropped in the measuring transaction, which rolls back).
BENCH_INDEXES = {
    "snn_document_company_state_id_idx": "snn.document (company_id, state, id), snn_docflow",
    # issue 25 (1,000,000 documents of 40 organisations)
    "snn_document__subject_index": "snn.document subject (trigram), snn_docflow",
    "snn_document_code_trigram_idx": "snn.document code (trigram), snn_docflow",
    "snn_document__drafter_id_index": "snn.document drafter_id, snn_docflow",
    "snn_document_recipient_partner_company_idx": (
        "snn.document.recipient (partner_id, company_id), snn_docflow"
    ),
    "snn_document_recipient__department_id_index": (
        "snn.document.recipient department_id, snn_docflow"
    ),
}


# --------------------------------------------------------------------------- the outer run


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--documents", type=int, default=100_000, help="the second size (the first is a tenth)"
    )
    parser.add_argument(
        "--organisations", type=int, default=8, choices=range(2, 41), metavar="2..40",
        help="organisations on the instance (company 1 is measured; default 8)",
    )  # fmt: skip
    parser.add_argument(
        "--no-report",
        action="store_true",
        help="skip the register PDF and the periodic report (minutes at 1,000,000)",
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

    rc = child(
        f"setting up {args.organisations} organisations (ORM, not timed)",
        *("--inner", "setup", "--organisations", args.organisations),
    )
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
    report = report and not args.no_report
    if report:
        report_rc = child(
            "register PDF and periodic report", "--inner", "report", "--size", sizes[-1]
        )
    print_table(json.loads(state.read_text()), sizes)
    if not report:
        why = "--no-report" if args.no_report else f"{REPORT_MODULE} is not installable yet"
        print(f"\nregister PDF and periodic report: not measured ({why})")
        return 0
    if report_rc:
        print("\nregister PDF and periodic report: a check FAILED or they failed (see above)")
    return report_rc


def print_table(state: dict, sizes: list[int]) -> None:
    """view x role x size -> queries, ms; the ratio of queries; what differs when it is not 1;
    then without -> with the bench's indexes."""
    results = state["results"]
    small, big = (str(size) for size in sizes)
    keys = list(results[big])  # in the order measured
    print()
    print(
        f"first page as the web client asks for it, company 1 of {len(state['companies'])}: "
        f"SQL queries, server time "
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
    for key in keys:
        view, role = key.split("|")
        rows = [results.get(size, {}).get(key) for size in (small, big)]
        line = f"  {LABELS[view]:<22}{role:<10}"
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
            for query, count in extra.items():
                print(f"    {int(size):,}: {count} x {query}")
    before = results.get(f"{big}-without")
    if not before:
        return
    print()
    print(
        f"at {int(big):,} documents, without -> with the indexes the bench added "
        f"({'; '.join(BENCH_INDEXES.values())}):"
    )
    print(f"  {'':<32}{'ms':>16}{'min':>16}{'SQL ms':>16}{'queries':>12}")
    for key in keys:
        view, role = key.split("|")
        old, new = before.get(key), results[big].get(key)
        if old and new:
            print(
                f"  {LABELS[view]:<22}{role:<10}"
                + "".join(
                    f"{old[name]:>7.1f} ->{new[name]:>7.1f}" for name in ("ms", "min_ms", "sql_ms")
                )
                + f"{old['queries']:>5} ->{new['queries']:>4}"
            )


# --------------------------------------------------------------------------- measure


def view_calls(env, values: dict) -> dict:
    """view or search -> the call the web client makes for its first page, with the
    specification it builds from the view's arch (snn_docflow's tests/web_client.py, as the
    query-count tests); the searches are typed in the search bar of the Documents list."""
    from odoo.addons.snn_docflow.tests import web_client  # noqa: PLC0415

    Document = env["snn.document"]
    list_spec = web_client.view_spec(Document)
    kanban_spec = web_client.view_spec(Document, "kanban")
    queue = env.ref("snn_docflow.snn_document_view_kanban_queue").id
    cards_spec = web_client.view_spec(Document, "kanban", queue)
    waiting = web_client.search_filter(Document, "filter_activities_my")
    mine = web_client.search_filter(Document, "my_documents")

    def page(domain, spec=list_spec, limit=web_client.PAGE):
        return lambda env: web_client.first_page(env["snn.document"], domain, spec, limit)

    def kanban(domain):
        return lambda env: web_client.kanban_first_page(
            env["snn.document"], domain, "state", kanban_spec
        )

    calls = {
        "waiting": page(waiting),
        "waiting_cards": page(waiting, cards_spec, web_client.KANBAN_PAGE),
        "documents": page([]),
        "kanban": kanban([]),
        "mine": page(mine),
        "mine_kanban": kanban(mine),
        "handled": page(web_client.search_filter(Document, "handled_by_me")),
        "to_issue": page(web_client.search_filter(Document, "to_issue")),
    }
    for name, (_label, field, _value) in SEARCHES.items():
        calls[f"search_{name}"] = page(web_client.search_field(Document, field, values[name]))
    return calls


def search_values(cr, company_id: int) -> dict:
    """What the user types for each search: SEARCHES' texts, and for the code the number and
    notation of company 1's last issued document (found in every year that reused its
    number)."""
    cr.execute(
        "SELECT code FROM snn_document WHERE company_id = %s AND code IS NOT NULL"
        " ORDER BY issue_date DESC, id DESC LIMIT 1",
        [company_id],
    )
    return {name: value or cr.fetchone()[0] for name, (_l, _f, value) in SEARCHES.items()}


def sees(env, view: str) -> bool:
    """Whether the user of ``env`` has the menu of ``view``."""
    menu = VIEWS.get(view, (None, None))[1]
    if not menu:
        return True
    groups = env.ref(menu).sudo().group_ids
    return not groups or bool(groups & env.user.sudo().all_group_ids)


def explain(cr, query) -> list[str]:
    cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
    return [row[0] for row in cr.fetchall()]


def measure(args: argparse.Namespace) -> int:
    """The first pages as company 1's director, clerk and drafter; results in the state."""
    registry = registry_of(args)
    state = load_state(args)
    company = state["companies"][0]
    roles = {role: company["users"][login] for role, login in ROLES.items()}
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
        cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
            [tuple(BENCH_INDEXES)],
        )
        found = dict(cr.fetchall())
        for name in BENCH_INDEXES:
            print(f"  index {name}: {found.get(name, 'MISSING')}")
        if args.without_indexes:
            for name in BENCH_INDEXES:
                cr.execute(SQL_DROP_INDEX.format(name))
        values = search_values(cr, company["id"])
        print("  searched for: " + "; ".join(f"{k} {v!r}" for k, v in values.items()))
        for role, uid in roles.items():
            env = user_env(cr, uid, company["id"])
            for view, call in view_calls(env, values).items():
                if not sees(env, view):
                    continue
                row = time_call(env, call)
                _print_row(cr, view, role, row, args.explain)
                results[f"{view}|{role}"] = {k: v for k, v in row.items() if k != "slow"}
        cr.rollback()  # the dropped indexes come back
    key = f"{args.size}-without" if args.without_indexes else str(args.size)
    state["results"][key] = results
    save_state(args, state)
    return 0


SQL_DROP_INDEX = 'DROP INDEX IF EXISTS "{}"'


EXPLAIN_FROM_MS = 5  # the queries of a slow first page worth an EXPLAIN ANALYZE


def _print_row(cr, view: str, role: str, row: dict, with_explain: bool) -> None:
    """The row; with ``with_explain``, the EXPLAIN ANALYZE of the slowest queries of a page over
    the target, and of every search's as the director types it (before/after indexes)."""
    counts = row["query_counts"]
    varying = "" if len(set(counts)) == 1 else f" (runs: {counts})"
    print(
        f"  {LABELS[view]:<22}{role:<10}{row['queries']:>8}{row['ms']:>8.1f}"
        f"{row['min_ms']:>8.1f}{row['sql_ms']:>8.1f}{row['cpu_ms']:>8.1f}{row['shown']:>6}"
        f"{row['length']:>8,}  {row['slowest_ms']:.1f}: {row['slowest'][:60]}{varying}",
        flush=True,
    )
    search = view.startswith("search_") and role == "director"
    if not with_explain or (row["ms"] <= TARGET_MS and not search):
        return
    for delay, query in row["slow"][: 1 if row["ms"] <= TARGET_MS else 2]:
        if delay * 1000 < EXPLAIN_FROM_MS and not search:
            continue
        why = f"over {TARGET_MS} ms" if row["ms"] > TARGET_MS else "a search"
        print(f"    {why}; EXPLAIN ANALYZE of a query of {delay * 1000:.1f} ms:")
        print(f"      {shape(query, 600)}")
        for line in explain(cr, query):
            print(f"      | {line}")


def main() -> int:
    args = _arguments()
    inner = {"setup": setup, "generate": generate, "measure": measure, "report": report}
    if args.inner:
        return inner[args.inner](args)
    return run_outside_odoo(prepare_and_measure, args)


if __name__ == "__main__":
    sys.exit(main())
