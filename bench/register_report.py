"""The register PDF and the periodic report, for bench/register_bench.py (whose docstring
says what is measured): wall time and where it goes, peak memory, and checks on the PDF's
text."""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import io
import itertools
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from common import time_call, user_env
from register_data import BLOCK_SHARE, BLOCK_YEAR, load_state, registry_of


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

    registry = registry_of(args)
    state = load_state(args)
    company = state["companies"][0]
    url = _serve_http()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", url)
        cr.commit()
        clerk = user_env(cr, company["users"]["clerk1"], company["id"])
        manager = user_env(cr, company["manager"], company["id"])
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
