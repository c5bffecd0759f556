"""Bench: the clerk's issue of an e-signed document with 3 attachments against one without.

    .venv/bin/python bench/attachment_bench.py [--rounds 9]

Sets everything up itself: a throwaway PostgreSQL cluster (tools/devenv.py, or SNN_DB_HOST),
a database with snn_signing (appendices are its own) and snn_docflow, a demo PKI on
SoftHSM2 and one token bridge; then it re-runs itself with Odoo on PYTHONPATH (as devenv runs
Odoo) to measure, in one process:
  - drafts created by their drafter carrying the seed-like letter (each with its own trailing
    comment, so every file differs), half of them with 3 attachments (snn.document.attachment:
    the seed-like letter, a 10-page and a 2-page appendix, so the sizes differ), walked
    submit -> forward -> approve by the drafter, the head and the director, committed;
  - the clerk's issue, `document.with_user(clerk).action_issue()` and its commit, of a
    document with attachments and of one without, alternately (the order swapped every
    round), after one warm-up pair: median, min and max of --rounds each, the ratio with /
    without and the cost of one attachment ((with - without) / 3);
  - where the time goes, per issue, with and without: the engine and bridge calls of the
    issue (the main file's and the attachments' sign_pdf / verify_pdf timed by wrapping them).
Not a test: figures are printed, nothing is asserted. Everything is removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import secrets
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only
sys.path.insert(0, str(ROOT / "bench"))  # common, when not run as a script

import devenv  # noqa: E402
from common import (  # noqa: E402
    bench_database,
    issue_committed,
    run_outside_odoo,
    signing_organisation,
    signing_registry,
)
from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from snn_sign.fonts import FONT_BOLD, register_reportlab_fonts  # noqa: E402
from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: E402

MODULES = ["snn_signing"]  # appendices and their sealing; depends on snn_docflow
ISSUE_MODULE = "odoo.addons.snn_signing.models.snn_document_issue"
ATTACHMENTS_MODULE = "odoo.addons.snn_signing.models.snn_document_attachments"
BRIDGE_MODULE = "odoo.addons.snn_signing.models.snn_sign_bridge"
ATTACHMENTS = 3


# --------------------------------------------------------------------------- setting up


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=9, help="pairs (with, without) issued one by one"
    )
    # The measuring run (this script again, with Odoo importable): set by the first run.
    parser.add_argument("--inner-config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-db", help=argparse.SUPPRESS)
    return parser.parse_args()


def prepare_and_measure(args: argparse.Namespace) -> int:
    """Cluster, database and modules here (no Odoo import); the measuring in a child process
    whose environment is devenv's Odoo environment."""
    with bench_database("snn_attachment_bench", MODULES) as db:
        command = [
            db.py, Path(__file__).resolve(), "--inner-config", db.conf, "--inner-db", db.dbname,
            "--rounds", args.rounds,
        ]  # fmt: skip
        with devenv.step("measuring"):
            return devenv.run(command, check=False, env=db.odoo.env(), cwd=ROOT).returncode


def appendix_pdf(title: str, pages: int) -> bytes:
    """An A4 appendix of ``pages`` pages: a title and a numbered list of units on each page."""
    font = register_reportlab_fonts()
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4)
    width, height = A4
    row = 0
    for page in range(1, pages + 1):
        pdf.setFont(FONT_BOLD, 14)
        pdf.drawCentredString(width / 2, height - 90, title.upper())
        pdf.setFont(font, 12)
        y = height - 130
        while y > 90:
            row += 1
            pdf.drawString(
                85, y, f"{row}. Phòng Nông nghiệp và Phát triển nông thôn huyện số {row:03d}"
            )
            pdf.drawRightString(width - 45, y, f"{(row * 37) % 900 + 100:,} triệu đồng")
            y -= 20
        pdf.drawCentredString(width / 2, 50, f"Trang {page}/{pages}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@dataclass
class Organisation:
    """What _build made (ids only)."""

    clerk_id: int
    with_ids: list  # warm-up + rounds, each with 3 attachments
    without_ids: list  # warm-up + rounds, no attachment
    letter: bytes
    appendices: list  # (name, bytes) as attached (before each document's trailing comment)


def _build(registry, running, args) -> Organisation:
    """A company set up to sign as addons/snn_signing/tests/common.py does (bridge, company and
    director values as there), its drafter, head, director and clerk, and approved documents
    walked there by them, committed."""
    from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415 - Odoo in the measuring run only

    tag = secrets.token_hex(4)
    letter = make_letter_pdf()
    appendices = [
        ("Phụ lục I", letter),
        ("Phụ lục II", appendix_pdf("Phụ lục II: Danh sách đơn vị triển khai", 10)),
        ("Phụ lục III", appendix_pdf("Phụ lục III: Kinh phí thực hiện", 2)),
    ]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        people = [
            ("drafter", "Trần Văn Soạn", "drafter", None),
            ("head", "Lê Thị Trưởng", "head", "VP"),
            ("director", "", "director", None),
            ("clerk", "Phạm Thị Văn Thư", "clerk", None),
        ]
        units = [("VP", "Văn phòng"), ("KHTC", "Kế hoạch - Tài chính")]
        org = signing_organisation(env, running, tag, people, units)
        drafter, head, director, clerk = (
            org.users[login] for login in ("drafter", "head", "director", "clerk")
        )
        unit, other_unit = org.units["VP"], org.units["KHTC"]
        letter_type = org.types[0]

        def draft(i, attached):
            vals = {
                "subject": "V/v triển khai sử dụng chữ ký số chuyên dùng Chính phủ",
                "document_type_id": letter_type.id,
                "department_id": unit.id,
                "signer_id": director.id,
                "signer_authority": "KT. GIÁM ĐỐC",
                "signer_position": "PHÓ GIÁM ĐỐC",
                "file": base64.b64encode(letter + f"%{tag}-{i}\n".encode()),
                "file_name": "218-SNN-VP.pdf",
                "recipient_ids": [
                    Command.create({"department_id": other_unit.id, "purpose": "action"})
                ],
            }
            if attached:
                vals["attachment_ids"] = [
                    Command.create(
                        {
                            "name": name,
                            "file": base64.b64encode(pdf + f"%{tag}-{i}-{n}\n".encode()),
                            "file_name": f"phu-luc-{n}.pdf",
                            "sequence": n,
                        }
                    )
                    for n, (name, pdf) in enumerate(appendices, start=1)
                ]
            return env["snn.document"].with_user(drafter).create(vals)

        count = 1 + args.rounds
        with_docs = [draft(2 * i, attached=True) for i in range(count)]
        without_docs = [draft(2 * i + 1, attached=False) for i in range(count)]
        for document in with_docs + without_docs:
            document.with_user(drafter).action_submit()
            document.with_user(head).action_forward()
            document.with_user(director).action_approve()
        return Organisation(
            clerk.id,
            [d.id for d in with_docs],
            [d.id for d in without_docs],
            letter,
            appendices,
        )


# --------------------------------------------------------------------------- measuring


class Split:
    """Time spent, per issue, in the engine and bridge calls the issue makes (module globals
    patched while timing, then restored): the rest of an issue is Odoo's own work."""

    LABELS = {
        "key": "new bridge client + GET /v1/keys",
        "stamp_pdf": "stamp_pdf (number, date)",
        "sign_pdf:signer": "sign_pdf signer (POST /v1/sign)",
        "sign_pdf:seal": "sign_pdf seal (POST /v1/sign)",
        "verify_pdf": "verify_pdf main file (both signatures)",
        "sign_detached": "sign_detached: trail anchor",
        "sign_pdf:attachment": "sign_pdf attachments' seal (POST /v1/sign)",
        "verify_pdf:attachment": "verify_pdf attachments",
    }

    def __init__(self):
        self.current = defaultdict(float)
        self.calls = defaultdict(int)
        self.rounds = defaultdict(list)  # kind -> [(spent, calls)]

    def _timed(self, name, function, suffix=None):
        def timed(*args, **kwargs):
            label = f"{name}:{kwargs['appearance']}" if name == "sign_pdf" else name
            label = f"{name}:{suffix}" if suffix else label
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.current[label] += time.perf_counter() - start
                self.calls[label] += 1

        return timed

    def _clients(self, client_class):
        """Odoo makes a new BridgeClient per signer and per key check: time its key lookup
        (its first one is a GET /v1/keys)."""

        def make(*args, **kwargs):
            client = client_class(*args, **kwargs)
            client.key = self._timed("key", client.key)
            return client

        return make

    @contextlib.contextmanager
    def patched(self):
        issue, attachments = sys.modules[ISSUE_MODULE], sys.modules[ATTACHMENTS_MODULE]
        bridge = sys.modules[BRIDGE_MODULE]
        wrapped = [
            (issue, name, None) for name in ("stamp_pdf", "sign_pdf", "verify_pdf", "sign_detached")
        ]
        wrapped += [(attachments, "sign_pdf", None), (attachments, "verify_pdf", "attachment")]
        originals = [(module, name, getattr(module, name)) for module, name, _suffix in wrapped]
        originals.append((bridge, "BridgeClient", bridge.BridgeClient))
        for module, name, suffix in wrapped:
            setattr(module, name, self._timed(name, getattr(module, name), suffix))
        bridge.BridgeClient = self._clients(bridge.BridgeClient)
        try:
            yield self
        finally:
            for module, name, function in originals:
                setattr(module, name, function)

    def end_round(self, kind: str, total: float) -> None:
        self.current["rest"] = total - sum(self.current.values())
        self.rounds[kind].append((dict(self.current), dict(self.calls)))
        self.current.clear()
        self.calls.clear()

    def means(self, kind: str) -> dict:
        """label -> (calls per issue, ms per issue): means, not medians, so they add up."""
        rounds = self.rounds[kind]
        return {
            label: (
                statistics.fmean(calls.get(label, 0) for _spent, calls in rounds),
                statistics.fmean(spent.get(label, 0.0) for spent, _calls in rounds) * 1000,
            )
            for label in [*self.LABELS, "rest"]
        }


def time_issues(registry, org: Organisation, split: Split) -> dict:
    """kind -> issue times (s): a warm-up pair, then with and without alternately, the order
    swapped every round."""
    (warm_with, *with_ids), (warm_without, *without_ids) = org.with_ids, org.without_ids
    issue_committed(registry, org.clerk_id, warm_with)  # imports, font caches, first connections
    issue_committed(registry, org.clerk_id, warm_without)
    times = defaultdict(list)
    with split.patched():
        for i, pair in enumerate(zip(with_ids, without_ids, strict=True)):
            kinds = ("with", "without") if i % 2 == 0 else ("without", "with")
            for kind in kinds:
                document_id = pair[0] if kind == "with" else pair[1]
                start = time.perf_counter()
                issue_committed(registry, org.clerk_id, document_id)
                elapsed = time.perf_counter() - start
                split.end_round(kind, elapsed)
                times[kind].append(elapsed)
    return times


def check_issued(registry, org: Organisation) -> list:
    """(label, ok, detail) of what the timed issues left, committed."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        with_docs = env["snn.document"].browse(org.with_ids)
        without_docs = env["snn.document"].browse(org.without_ids)
        issued = (with_docs | without_docs).filtered(lambda d: d.state == "issued" and d.esign)
        sealed = sum(
            len(d.attachment_ids.filtered("sealed_file")) == ATTACHMENTS
            and len(d.attachment_ids.signature_ids) == ATTACHMENTS
            and all(d.attachment_ids.signature_ids.mapped("valid"))
            for d in with_docs
        )
        bare = sum(not d.attachment_ids for d in without_docs)
    total = len(org.with_ids) + len(org.without_ids)
    return [
        ("all issued and e-signed", len(issued) == total, f"{len(issued)}/{total}"),
        (
            f"{ATTACHMENTS} attachments sealed, each with a valid signature record",
            sealed == len(org.with_ids),
            f"{sealed}/{len(org.with_ids)}",
        ),
        ("the others without attachments", bare == len(org.without_ids), f"{bare}"),
    ]


# --------------------------------------------------------------------------- measuring run


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(args: argparse.Namespace) -> int:
    """In the child process: Odoo in process, PKI and bridge, the measurement."""
    with signing_registry(args.inner_config, args.inner_db, "attachment-bench") as (
        registry,
        running,
    ):
        org = _build(registry, running, args)
        split = Split()
        times = time_issues(registry, org, split)
        checks = check_issued(registry, org)
    ms = {kind: [t * 1000 for t in values] for kind, values in times.items()}
    median = {kind: statistics.median(values) for kind, values in ms.items()}
    print()
    print(
        f"the clerk's issue (action_issue + commit), e-signed, seed-like {_pages(org.letter)}-page "
        f"letter ({len(org.letter):,} bytes), {args.rounds} rounds, alternately (ms)"
    )
    print("  attachments (each sealed by the organisation, then verified):")
    for name, pdf in org.appendices:
        print(f"    {name:<12}{_pages(pdf):>3} page(s) {len(pdf):>9,} bytes")
    print(f"  {'':<44}{'median':>9}{'min':>9}{'max':>9}")
    for kind, label in (("with", f"with {ATTACHMENTS} attachments"), ("without", "without")):
        values = ms[kind]
        print(f"  {label:<44}{median[kind]:9.1f}{min(values):9.1f}{max(values):9.1f}")
    print(f"  ratio with / without (medians): {median['with'] / median['without']:.2f}")
    per_attachment = (median["with"] - median["without"]) / ATTACHMENTS
    paired = statistics.median(
        (w - wo) / ATTACHMENTS for w, wo in zip(ms["with"], ms["without"], strict=True)
    )
    print(
        f"  per attachment, (with - without) / {ATTACHMENTS}: {per_attachment:.1f} ms "
        f"(median of the rounds' own differences: {paired:.1f} ms)"
    )
    means = {kind: split.means(kind) for kind in ("with", "without")}
    totals = {kind: sum(ms_ for _calls, ms_ in means[kind].values()) for kind in means}
    print(
        f"  where it goes, mean per issue (ms; mean issue {totals['with']:.1f} with, "
        f"{totals['without']:.1f} without):"
    )
    print(f"    {'':<60}{'with':>10}{'without':>10}")
    for label in [*Split.LABELS, "rest"]:
        name = Split.LABELS.get(label, "the rest: Odoo (checks, number, files, trail, commit)")
        cells = []
        for kind in ("with", "without"):
            calls, value = means[kind][label]
            count = f"x{calls:g} " if label != "rest" and calls else ""
            cells.append(f"{count}{value:.1f}")
        print(f"    {name:<60}{cells[0]:>10}{cells[1]:>10}")
    for label, ok, detail in checks:
        print(f"  check: {label}: {'OK' if ok else 'FAILED'} ({detail})")
    return 0 if all(ok for _label, ok, _detail in checks) else 1


def main() -> int:
    args = _arguments()
    if args.inner_config:
        return measure(args)
    return run_outside_odoo(prepare_and_measure, args)


if __name__ == "__main__":
    sys.exit(main())
