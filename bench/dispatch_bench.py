"""Bench: one run of the dispatch cron on 1,000 issued documents with 3 recipients each.

    .venv/bin/python bench/dispatch_bench.py [--docs 1000] [--latency-ms 100] [--threads 8]
                                             [--profile]

The issue's target: "1,000 issued documents with 3 recipients each, delivered by one cron run:
time, and each delivery exactly once (target <= 60 s on this machine)"; since issue 25 against
a stand-in that answers each message after 100 ms (--latency-ms; a real exchange takes 50 to
200 ms), which one message at a time (--threads 1, the baseline) would add 100 s to. The
messages of a batch go out through a bounded pool of threads (snn_delivery_send.py,
EXCHANGE_THREADS) while the internal deliveries and e-mails are made.

Sets everything up itself, as bench/issue_bench.py does: a throwaway PostgreSQL cluster
(tools/devenv.py, or SNN_DB_HOST), a database with snn_dispatch (and so snn_signing and
snn_docflow) and the local stand-in of the provincial exchange
(snn_sign_testkit.demo_exchange; the real exchange cannot be reached from here). Then it runs
itself twice more with Odoo on PYTHONPATH:

  setup (not timed; batched ORM, about 15 s for 1,000 documents): the main company as
      "000.00.11.H53" with the stand-in as its exchange and an e-mail address; two units with
      heads (the drafting one and the receiving one); an outside agency "000.00.00.H53" with an
      e-mail address; a partner with an e-mail address only; --docs documents created as drafts
      and then written as issued and e-signed (state, esign, number, register, code, issue
      date, signed file) as sudo, each with 3 recipient lines (the receiving unit, the agency,
      the mail-only partner). The signed file is one PDF shared by all: snn_sign's sample
      letter, NOT signed (dispatch sends the stored file as it is and never verifies it, so a
      real signature would change nothing measured here). Then `_queue_deliveries()` on each
      document, as the issue step does (3 deliveries each: internal, exchange, email), and a
      commit.
  dispatch (timed, in a fresh process): ONE call of `env["snn.delivery"]._cron_dispatch()` as
      the scheduled action's user, in a fresh transaction, with the defaults the cron uses
      (batches of 100, `ir.cron._commit_progress` after each batch, which outside a cron
      worker just commits). A real cron worker stops after ~10 s of progress and runs again at
      once ("partially done"); the sum is this one call's time plus a few restarts.

What is printed:
  wall time of that one call (its last commit included), deliveries per second, and where the
  time went: each channel's send (internal: incoming document, two state moves, the head's
  to-do and Odoo's "assigned to you" e-mail for it; email: mail.mail with the PDF; exchange:
  edXML, POST to the stand-in, state move, the e-mail copy), polling, claiming/counting, the
  commits with their post-commit hooks (Odoo sends the notification e-mails it marked
  "force send" right after each commit, each on a cursor of its own) and the rest (the batch
  loop, savepoints, sendability checks, the last commit). Wrapped methods are
  timed with perf_counter; their overhead is negligible. Peak RSS of the dispatch process
  (resource.getrusage) before the call (registry loaded) and after it.
  Checks (exit status 1 when one fails): no delivery left in the queue; internal ones
  "received" with exactly one incoming document each; exchange ones "sent" or later, and the
  stand-in's `received()` holds each (DocumentId, agency) accepted exactly once, no duplicate,
  no refusal, one message per document; exactly one mail.mail per e-mail delivery and one copy
  per exchange delivery with an e-mail address. E-mail deliveries stay "queued" with their
  mail.mail waiting in Odoo's mail queue: they become "sent" when the mail queue sends them,
  which this bench does not run.
  Last line: "1,000 docs × 3 recipients: N s (target <= 60 s): OK|SLOW" (for another --docs
  the target is scaled: 60 ms per document).

--profile runs the timed call under cProfile (its time is then inflated) and prints the top 25
functions by cumulative time and the top 15 by own time. --docs 50 is a quick try. Everything
is removed at the end. A run takes about 3 minutes (1 to install the modules, 15 s to set up).
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import cProfile
import hashlib
import io
import json
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only
sys.path.insert(0, str(ROOT / "bench"))  # common, when not run as a script

import devenv  # noqa: E402
from common import (  # noqa: E402
    bench_database,
    exchange_child_command,
    exchange_registry,
    organisation,
    put_secret,
    run_outside_odoo,
)

from snn_sign_testkit.demo_exchange import RunningExchange, start_exchange  # noqa: E402
from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: E402

MODULES = ["snn_dispatch"]  # pulls snn_signing and snn_docflow
OUR_ORGAN_ID = "000.00.11.H53"
AGENCY_ORGAN_ID = "000.00.00.H53"
TARGET_SECONDS_PER_DOC = 60 / 1000  # the issue: 1,000 documents in at most 60 s
DISPATCH_CRON = "snn_dispatch.ir_cron_dispatch"
ARRIVED = ("sent", "received", "accepted", "processing", "done")  # exchange: "sent" or later


# --------------------------------------------------------------------------- the outer run


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--docs", type=int, default=1000, help="issued documents (3 deliveries each)"
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=100,
        help="the stand-in answers each message this late (a real exchange: 50-200 ms)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="messages to the exchange in flight at once (default: the module's own; 1: one "
        "at a time, the baseline)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the timed call (top 25 cumulative)"
    )
    # The runs with Odoo importable (this script again): set by the first run.
    parser.add_argument("--inner", choices=("setup", "dispatch"), help=argparse.SUPPRESS)
    parser.add_argument("--inner-config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-db", help=argparse.SUPPRESS)
    parser.add_argument("--inner-exchange", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    return args


def prepare_and_measure(args: argparse.Namespace) -> int:
    """Cluster, database, modules and the exchange's stand-in here (no Odoo import); the setup
    and the timed run in two child processes whose environment is devenv's Odoo environment."""
    with bench_database("snn_dispatch_bench", MODULES) as db:
        running = start_exchange(
            db.workdir / "exchange", directory=[AGENCY_ORGAN_ID], latency_ms=args.latency_ms
        )
        try:
            command = exchange_child_command(__file__, db, running, args.docs)
            with devenv.step(f"setting up {args.docs} issued documents (not timed)"):
                rc = devenv.run([*command, "--inner", "setup"], check=False, env=db.odoo.env())
            if rc.returncode:
                return rc.returncode
            dispatch = [*command, "--inner", "dispatch", *(["--profile"] * args.profile)]
            dispatch += ["--latency-ms", args.latency_ms]
            if args.threads:
                dispatch += ["--threads", args.threads]
            with devenv.step("one run of the dispatch cron"):
                return devenv.run(dispatch, check=False, env=db.odoo.env(), cwd=ROOT).returncode
        finally:
            running.stop()


# --------------------------------------------------------------------------- setup (child 1)


def setup(args: argparse.Namespace) -> int:
    """The organisation, its --docs issued documents and their queued deliveries, committed."""
    from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415

    exchange = json.loads(args.inner_exchange.read_text())
    registry = exchange_registry(args)  # the addons path is known from here on
    from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today  # noqa: PLC0415

    letter = make_letter_pdf()  # one PDF for every document (see the docstring: not signed)
    began = time.perf_counter()
    with registry.cursor() as cr:
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        env = api.Environment(cr, SUPERUSER_ID, quiet)
        company = env.ref("base.main_company")
        company.write(
            {
                "name": "Sở Nông nghiệp và PTNT Tuyên Quang",
                "snn_org_full_name": "Sở Nông nghiệp và Phát triển nông thôn tỉnh Tuyên Quang",
                "snn_org_code": "SNN",
                "snn_place": "Tuyên Quang",
                "email": "vanthu@snn.example.vn",
                "snn_organ_id": OUR_ORGAN_ID,
                "snn_exchange_url": exchange["url"],
                "snn_exchange_system_id": exchange["system_id"],
                "snn_exchange_secret_file": put_secret(
                    company, "exchange.secret", exchange["secret_file"]
                ),
            }
        )

        people = [
            ("bench_head_vp", "Lê Thị Trưởng", "head", "VP"),
            ("bench_head_khtc", "Trần Văn Kế", "head", "KHTC"),
            ("bench_director", "Nguyễn Công Hàm", "director", None),
        ]
        units = [("VP", "Văn phòng"), ("KHTC", "Kế hoạch - Tài chính")]
        org = organisation(env, company, people, units)
        for login, user in org.users.items():  # heads get Odoo's "assigned to you" e-mail
            user.email = f"{login}@snn.example.vn"
        director = org.users["bench_director"]
        unit_vp, unit_khtc = org.units["VP"], org.units["KHTC"]
        agency, mail_only = env["res.partner"].create(
            [
                {
                    "name": "Sở Tài chính tỉnh Tuyên Quang",
                    "is_company": True,
                    "snn_organ_id": AGENCY_ORGAN_ID,
                    "email": "stc@example.com",
                },
                {"name": "UBND tỉnh Tuyên Quang", "is_company": True, "email": "ubnd@example.com"},
            ]
        )
        register, letter_type = org.register, org.types[0]

        def lines():  # fresh dicts for each document: create may change what it is given
            return [
                Command.create({"department_id": unit_khtc.id, "purpose": "action"}),
                Command.create({"partner_id": agency.id, "purpose": "information"}),
                Command.create({"partner_id": mail_only.id, "purpose": "information"}),
            ]

        Document = env["snn.document"]
        documents = Document.browse()
        for start in range(0, args.docs, 250):
            documents |= Document.create(
                [
                    {
                        "subject": f"V/v triển khai sử dụng chữ ký số chuyên dùng (bench {i + 1})",
                        "document_type_id": letter_type.id,
                        "department_id": unit_vp.id,
                        "signer_id": director.id,
                        "signer_authority": "KT. GIÁM ĐỐC",
                        "signer_position": "PHÓ GIÁM ĐỐC",
                        "recipient_ids": lines(),
                    }
                    for i in range(start, min(start + 250, args.docs))
                ]
            )
        # The signed file while still drafts (issued documents freeze it), then the issue's
        # other results, as the issue step writes them (as sudo: they are workflow fields).
        documents.write(
            {
                "signed_file": base64.b64encode(letter),
                "signed_sha256": hashlib.sha256(letter).hexdigest(),
            }
        )
        today = vietnam_today()
        for number, document in enumerate(documents, 1):
            code = f"{number:02d}/SNN-VP"
            document.write(
                {
                    "register_id": register.id,
                    "number_year": today.year,
                    "number": number,
                    "code": code,
                    "issue_date": today,
                    "signed_file_name": code.replace("/", "-") + ".pdf",
                }
            )
        documents.write({"state": "issued", "esign": True})
        created = time.perf_counter() - began
        for document in documents:
            document._queue_deliveries()  # what the issue step does once issued
        env.flush_all()
        queued = time.perf_counter() - began - created
        counts = dict(env["snn.delivery"]._read_group([], ["channel"], ["__count"]))
    total = sum(counts.values())
    print(
        f"setup: {len(documents)} issued documents in {created:.1f} s, {total} deliveries "
        f"queued in {queued:.1f} s ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})",
        flush=True,
    )
    return 0


# --------------------------------------------------------------------------- dispatch (child 2)


class Split:
    """Time per part of the cron run: methods wrapped on the registry's model classes (and the
    exchange client's send), restored afterwards. Parts marked "of which" are inside another."""

    PARTS = [
        # (key, label, model or None for the exchange client, method, nested in)
        ("poll", "poll the exchange for statuses", "snn.delivery", "_poll_exchanges", None),
        ("claim", "claim a batch (SELECT ... FOR UPDATE SKIP LOCKED)", "snn.delivery",
         "_claim_due", None),
        ("count", "count what is still due", "snn.delivery", "_count_due", None),
        ("internal", "internal: incoming doc + moves + head's to-do", "snn.delivery",
         "_send_internal", None),
        ("todo", "  of which the head's to-do (+ its notification mail)",
         "snn.incoming.document", "_ask_head_to_handle", "internal"),
        ("email", "email: mail.mail + PDF attachment", "snn.delivery", "_send_email", None),
        ("exchange_post", "exchange: edXML built, handed to the pool", "snn.delivery",
         "_post_exchange", None),
        ("exchange", "exchange: answer awaited, move, e-mail copy", "snn.delivery",
         "_apply_exchange", None),
        ("copy", "  of which the e-mail copy (mail.mail + PDF + edXML)", "snn.delivery",
         "_queue_mail", "exchange"),
        # In the pool's threads, overlapping the rest: summed over them, not part of the total.
        ("post", "POST /v1/messages in the pool's threads (summed)", None, "send", None),
        ("commit", "commit per batch + post-commit hooks", "snn.delivery", "_progress",
         None),
    ]  # fmt: skip

    CONCURRENT = ("post",)  # timed in other threads

    def __init__(self, registry):
        self.registry = registry
        self.spent = collections.defaultdict(float)
        self.calls = collections.defaultdict(int)
        self.depth = collections.defaultdict(int)  # "copy" counts inside "exchange" only

    def _timed(self, key, function, inside):
        def timed(*args, **kwargs):
            if inside and not self.depth[inside]:
                return function(*args, **kwargs)  # e.g. _queue_mail of an e-mail delivery
            self.depth[key] += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[key] += time.perf_counter() - start
                self.calls[key] += 1
                self.depth[key] -= 1

        return timed

    @contextlib.contextmanager
    def patched(self):
        from snn_edxml.exchange import ExchangeClient  # noqa: PLC0415

        saved = []
        for key, _label, model, method, inside in self.PARTS:
            owner = ExchangeClient if model is None else self.registry[model]
            saved.append((owner, method, owner.__dict__.get(method)))
            setattr(owner, method, self._timed(key, getattr(owner, method), inside))
        try:
            yield self
        finally:
            for owner, method, original in reversed(saved):
                if original is None:
                    delattr(owner, method)
                else:
                    setattr(owner, method, original)

    def rows(self, total: float) -> list:
        """(label, seconds, calls); the rest is total minus the top-level parts."""
        rows = [(label, self.spent[key], self.calls[key]) for key, label, *_ in self.PARTS]
        top = sum(
            self.spent[key]
            for key, *_rest, inside in self.PARTS
            if inside is None and key not in self.CONCURRENT
        )
        rows.append(("the rest: batch loop, savepoints, checks, last commit", total - top, 0))
        return rows


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def dispatch(args: argparse.Namespace) -> int:
    """The timed cron call, then the checks on what it committed."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = exchange_registry(args)  # the addons path is set from here on
    from odoo.addons.snn_dispatch.models import snn_delivery_send  # noqa: PLC0415

    if args.threads:  # read by each batch's _send
        snn_delivery_send.EXCHANGE_THREADS = args.threads
    threads = snn_delivery_send.EXCHANGE_THREADS
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron_uid = env.ref(DISPATCH_CRON).user_id.id
        queued = dict(
            env["snn.delivery"]._read_group([("state", "=", "queued")], ["channel"], ["__count"])
        )
        documents = env["snn.document"].search_count([("state", "=", "issued")])
        letter_size = len(env["snn.document"].search([], limit=1)._signed_pdf_bytes())
    rss_before = _peak_rss_mb()

    split = Split(registry)
    profiler = cProfile.Profile() if args.profile else None
    with split.patched():
        start = time.perf_counter()
        with registry.cursor() as cr:  # a fresh transaction, as the cron worker's job_cr
            Delivery = api.Environment(cr, cron_uid, {})["snn.delivery"]
            if profiler:
                profiler.runcall(Delivery._cron_dispatch)
            else:
                Delivery._cron_dispatch()
        elapsed = time.perf_counter() - start  # the cursor's commit included
    rss_after = _peak_rss_mb()

    checks = check_dispatched(registry, json.loads(args.inner_exchange.read_text()))
    total = sum(queued.values())
    print()
    print(
        f"dispatch: ONE call of snn.delivery._cron_dispatch() as the cron's user (uid "
        f"{cron_uid}), batches of 100, a commit after each"
    )
    print(
        f"  {documents:,} issued, e-signed documents; signed_file = snn_sign's sample letter "
        f"({letter_size:,} bytes), one PDF for all, not really signed (dispatch never verifies)"
    )
    print(
        f"  deliveries queued: {total:,} ("
        + ", ".join(f"{channel} {count:,}" for channel, count in sorted(queued.items()))
        + ")"
    )
    print(
        f"  the stand-in answers each message after {args.latency_ms} ms; {threads} message(s) "
        "to the exchange in flight at once"
    )
    print(
        f"  wall time: {elapsed:.1f} s = {total / elapsed:.0f} deliveries/s, "
        f"{elapsed / max(documents, 1) * 1000:.1f} ms per document"
        + ("  (under cProfile: inflated)" if profiler else "")
    )
    print("  where the time goes:                                      s     calls  ms/call")
    for label, spent, calls in split.rows(elapsed):
        per_call = f"{spent / calls * 1000:8.1f}" if calls else ""
        print(f"    {label:<54}{spent:6.1f}  {calls or '':>6}  {per_call}")
    print(
        f"  peak RSS of the dispatch process: {rss_before:.0f} MB before (registry loaded), "
        f"{rss_after:.0f} MB after"
    )
    for label, ok, detail in checks:
        print(f"  check: {label}: {'OK' if ok else 'FAILED'} ({detail})")
    if profiler:
        for order, top, name in (("cumulative", 25, "cumulative"), ("tottime", 15, "own")):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
            print(f"\ncProfile of the call, top {top} by {name} time:")
            print(out.getvalue().strip("\n"))
    target = TARGET_SECONDS_PER_DOC * documents
    scaled = "" if documents == 1000 else ", scaled from 60 s per 1,000"
    verdict = "OK" if elapsed <= target else "SLOW"
    print(
        f"\n{documents:,} docs × 3 recipients: {elapsed:.1f} s (target ≤ {target:g} s{scaled}): "
        f"{verdict}"
    )
    return 0 if all(ok for _label, ok, _detail in checks) else 1


def _standin(info: dict) -> RunningExchange:
    """The running stand-in, as seen from this process (it was started by the outer run):
    enough of RunningExchange to call its control endpoints (received())."""
    secret_file = Path(info["secret_file"])
    return RunningExchange(
        info["url"], info["system_id"], secret_file.read_bytes().strip(), secret_file,
        info["pid"], Path(info["log"]), process=None,
    )  # fmt: skip


def check_dispatched(registry, exchange_info: dict) -> list:
    """(label, ok, detail) of each check on the committed result."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Delivery = env["snn.delivery"]
        due = Delivery._count_due()
        cr.execute(
            """SELECT channel, state, mail_id IS NOT NULL, count(*) FROM snn_delivery
               GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
        )
        states = cr.fetchall()
        cr.execute(
            """SELECT d.id, d.state, d.incoming_id, count(i.id), min(i.id)
                 FROM snn_delivery d LEFT JOIN snn_incoming_document i ON i.delivery_id = d.id
                WHERE d.channel = 'internal' GROUP BY d.id"""
        )
        internal = cr.fetchall()
        cr.execute("SELECT count(*) FROM snn_incoming_document")
        incoming_total = cr.fetchone()[0]
        # mail.mail per delivery: the module's mails carry attachments of their delivery.
        cr.execute(
            """SELECT a.res_id, count(DISTINCT m.id), array_agg(DISTINCT m.email_to),
                      array_agg(DISTINCT m.state)
                 FROM mail_mail m
                 JOIN message_attachment_rel r ON r.message_id = m.mail_message_id
                 JOIN ir_attachment a ON a.id = r.attachment_id
                WHERE a.res_model = 'snn.delivery' GROUP BY a.res_id"""
        )
        mails = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute("SELECT count(*) FROM mail_mail")
        mail_total = cr.fetchone()[0]
        cr.execute(
            "SELECT id, channel, email, mail_id, edxml_document_id, organ_id FROM snn_delivery"
        )
        deliveries = cr.fetchall()
        expected_ids = {
            document._edxml_document_id() for document in env["snn.document"].search([])
        }
    by_channel = collections.Counter(row[1] for row in deliveries)

    messages = _standin(exchange_info).received()
    accepted = collections.Counter()
    other = collections.Counter()
    for message in messages:
        message.pop("edxml", None)  # the PDFs: not needed here
        for organ, result in message["results"].items():
            if result["result"] == "accepted":
                accepted[message["document_id"], organ] += 1
            else:
                other[result["result"]] += 1
    expected_pairs = {(document_id, AGENCY_ORGAN_ID) for document_id in expected_ids}
    exchange_rows = [row for row in deliveries if row[1] == "exchange"]
    ids_match = sum((row[4], row[5]) in expected_pairs for row in exchange_rows)

    wrong_state = [
        f"{channel}/{state}{'+mail' if has_mail else ''}: {count}"
        for channel, state, has_mail, count in states
        if not (
            (channel == "internal" and state == "received")
            or (channel == "exchange" and state in ARRIVED)
            or (channel == "email" and state == "queued" and has_mail)
        )
    ]
    email_rows = [row for row in deliveries if row[1] == "email"]
    copy_rows = [row for row in exchange_rows if row[2]]
    mail_ok = sum(
        mails.get(row[0], (0,))[0] == 1 and mails[row[0]][1] == [row[2]] for row in email_rows
    )
    copy_ok = sum(
        mails.get(row[0], (0,))[0] == 1 and mails[row[0]][1] == [row[2]] for row in copy_rows
    )
    linked_ok = sum(row[3] is not None for row in email_rows)
    module_mails = sum(count for count, _to, _states in mails.values())
    mail_states = collections.Counter(s for _c, _to, seen in mails.values() for s in seen)
    internal_ok = sum(
        state == "received" and count == 1 and incoming_id == first
        for _id, state, incoming_id, count, first in internal
    )
    return [
        (
            "no delivery left in the queue (none due)",
            due == 0 and not wrong_state,
            f"{due} due; "
            + ", ".join(
                f"{channel}/{state}{'+mail' if has_mail else ''} {count}"
                for channel, state, has_mail, count in states
            )
            + (f"; unexpected: {'; '.join(wrong_state)}" if wrong_state else ""),
        ),
        (
            "internal: received, exactly one incoming document each",
            internal_ok == len(internal) == by_channel["internal"]
            and incoming_total == len(internal),
            f"{internal_ok}/{len(internal)}, {incoming_total} incoming documents in all",
        ),
        (
            "exchange: each (DocumentId, agency) accepted exactly once by the stand-in",
            set(accepted) == expected_pairs
            and all(count == 1 for count in accepted.values())
            and not other
            and len(messages) == len(expected_ids),
            f"{sum(c == 1 for c in accepted.values())}/{len(expected_pairs)} pairs once, "
            f"{sum(c > 1 for c in accepted.values())} more than once, "
            f"{len(set(accepted) - expected_pairs)} unexpected; other results "
            f"{dict(other) or 'none'}; {len(messages)} messages for {len(expected_ids)} documents",
        ),
        (
            "exchange: deliveries carry their DocumentId",
            ids_match == len(exchange_rows),
            f"{ids_match}/{len(exchange_rows)}",
        ),
        (
            "email: exactly one mail.mail each, to its address, linked (mail_id)",
            mail_ok == linked_ok == len(email_rows),
            f"{mail_ok}/{len(email_rows)} one mail, {linked_ok} linked; waiting in the mail "
            "queue (state 'sent' comes when Odoo's mail queue sends them: not run here)",
        ),
        (
            "exchange with an e-mail address: exactly one e-mail copy each",
            copy_ok == len(copy_rows),
            f"{copy_ok}/{len(copy_rows)}",
        ),
        (
            "no other mail.mail carries a delivery's files",
            module_mails == len(email_rows) + len(copy_rows),
            f"{module_mails} = {len(email_rows)} + {len(copy_rows)}; mail states "
            f"{dict(mail_states)}; besides them {mail_total - module_mails} mail.mail in all "
            "(Odoo's 'assigned to you' notices of the heads' to-dos)",
        ),
    ]


def main() -> int:
    args = _arguments()
    if args.inner == "setup":
        return setup(args)
    if args.inner == "dispatch":
        return dispatch(args)
    return run_outside_odoo(prepare_and_measure, args)


if __name__ == "__main__":
    sys.exit(main())
