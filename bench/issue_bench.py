"""Bench: the clerk's whole issue in Odoo vs bare pyHanko, and 8 clerks at once on one bridge.

    .venv/bin/python bench/issue_bench.py [--rounds 15] [--documents 80|200] [--clerks 8]
                                          [--long-term]

Sets everything up itself: a throwaway PostgreSQL cluster (tools/devenv.py, or SNN_DB_HOST),
a database with snn_docflow and snn_signing, a demo PKI on SoftHSM2 and one token bridge; then
it re-runs itself with Odoo on PYTHONPATH (as devenv runs Odoo) to measure, in one process:
  (1) the clerk's issue through the ORM, `document.with_user(clerk).action_issue()` and its
      commit (number, stamp, signer signature, seal, verify, store, trail anchor), one document
      after another on the seed-like letter, median of --rounds;
  (2) bare pyHanko on the same letter and the same token: stamp + signer + seal with its own
      PKCS11Signer (bench/sign_bench.py's (a) side, imported), run alternately with (1);
      the ratio (1)/(2) (target <= 1.3); for reference snn_sign alone through the bridge
      (sign_bench.py's (b) side), and where (1) spends its time;
  (3) --clerks threads, each with its own cursor and its own clerk (one company, one register),
      issuing --documents approved documents through one bridge: documents per second, then
      checks that every number was taken once and that every signed file verifies.
--long-term: the certificates name an OCSP responder and a CRL and the company has a TSA, all
on loopback (snn_sign_testkit.trust_services): the issue then asks the CA about both
certificates, signs long-term and adds the archive timestamp (B-LTA); (1)'s split shows the CA
question and the archive timestamp apart, and the requests each issue makes (on loopback they
answer in about a millisecond; multiply by a real CA's and TSA's round trip).
Not a test: figures are printed, nothing is asserted. Everything is removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import secrets
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # devenv: standard library only
sys.path.insert(0, str(ROOT / "bench"))  # sign_bench, when not run as a script

import devenv  # noqa: E402
from common import (  # noqa: E402
    bench_database,
    issue_committed,
    run_outside_odoo,
    signing_organisation,
    signing_registry,
)
from sign_bench import BarePyHanko, ThroughBridge, _boxes  # noqa: E402

from snn_sign.verify import verify_pdf  # noqa: E402
from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: E402

MODULES = ["snn_docflow", "snn_signing"]
ISSUE_MODULE = "odoo.addons.snn_signing.models.snn_document_issue"
BRIDGE_MODULE = "odoo.addons.snn_signing.models.snn_sign_bridge"


# --------------------------------------------------------------------------- setting up


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="documents timed one by one")
    parser.add_argument(
        "--documents", type=int, default=80, help="documents for the clerks at once (e.g. 200)"
    )
    parser.add_argument("--clerks", type=int, default=8, help="clerks (threads) at once")
    parser.add_argument(
        "--long-term",
        action="store_true",
        help="OCSP, CRL and TSA on loopback: every issue asks the CA and makes B-LTA files",
    )
    # The measuring run (this script again, with Odoo importable): set by the first run.
    parser.add_argument("--inner-config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-db", help=argparse.SUPPRESS)
    return parser.parse_args()


def prepare_and_measure(args: argparse.Namespace) -> int:
    """Cluster, database and modules here (no Odoo import); the measuring in a child process
    whose environment is devenv's Odoo environment."""
    with bench_database("snn_issue_bench", MODULES) as db:
        command = [
            db.py, Path(__file__).resolve(), "--inner-config", db.conf, "--inner-db", db.dbname,
            "--rounds", args.rounds, "--documents", args.documents, "--clerks", args.clerks,
            *(["--long-term"] if args.long_term else []),
        ]  # fmt: skip
        with devenv.step("measuring"):
            return devenv.run(command, check=False, env=db.odoo.env(), cwd=ROOT).returncode


@dataclass
class Organisation:
    """What _build made (ids only: each thread browses them in its own environment)."""

    register_id: int
    clerk_ids: list
    solo_ids: list  # warm-up + rounds, issued one by one by the first clerk
    batch_ids: list  # issued by all clerks at once
    pdfs: dict  # document id -> approved bytes


def _build(registry, running, args) -> Organisation:
    """A company set up to sign as in SigningCase (seed-like), its clerks and a director, and
    approved documents carrying the seed's letter, committed."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415 - Odoo exists in the measuring run only

    tag = secrets.token_hex(4)
    letter = make_letter_pdf()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        clerks = [(f"clerk{i}", f"Văn thư {i}", "clerk", None) for i in range(args.clerks)]
        org = signing_organisation(env, running, tag, [("director", "", "director", None), *clerks])
        company, director = org.company, org.users["director"]
        clerks = env["res.users"].browse(org.users[login].id for login, *_rest in clerks)
        unit, register, letter_type = org.units["VP"], org.register, org.types[0]
        count = 1 + args.rounds + args.documents
        pdfs = [letter + f"%{tag}-{i}\n".encode() for i in range(count)]  # as SigningCase
        documents = env["snn.document"].create(
            [
                {
                    "subject": "V/v triển khai sử dụng chữ ký số chuyên dùng Chính phủ",
                    "document_type_id": letter_type.id,
                    "department_id": unit.id,
                    "company_id": company.id,
                    "drafter_id": SUPERUSER_ID,
                    "signer_id": director.id,
                    "signer_authority": "KT. GIÁM ĐỐC",
                    "signer_position": "PHÓ GIÁM ĐỐC",
                    "file": base64.b64encode(pdf),
                    "file_name": "218-SNN-VP.pdf",
                }
                for pdf in pdfs
            ]
        )
        for document in documents:
            document.write({"state": "approved", "approved_sha256": document._file_sha256()})
        ids = documents.ids
        return Organisation(
            register.id,
            clerks.ids,
            ids[: 1 + args.rounds],
            ids[1 + args.rounds :],
            dict(zip(ids, pdfs, strict=True)),
        )


# --------------------------------------------------------------------------- (1) and (2)


class Split:
    """Time spent, per issue, in the engine and bridge calls the issue makes (module globals
    patched in phase 1 only, then restored): the rest of an issue is Odoo's own work."""

    LABELS = {
        "key": "new bridge client + GET /v1/keys",
        "stamp_pdf": "stamp_pdf (number, date)",
        "sign_pdf:signer": "sign_pdf signer (POST /v1/sign)",
        "sign_pdf:seal": "sign_pdf seal (POST /v1/sign)",
        "verify_pdf": "verify_pdf (both signatures)",
        "sign_detached": "sign_detached: trail anchor",
        "check_revocation": "check_revocation: the CA asked (OCSP)",
        "add_document_timestamp": "add_document_timestamp: archive timestamp (TSA)",
    }

    def __init__(self):
        self.current = defaultdict(float)
        self.calls = defaultdict(int)
        self.rounds = []

    def _timed(self, name, function):
        def timed(*args, **kwargs):
            label = f"{name}:{kwargs['appearance']}" if name == "sign_pdf" else name
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
        issue, bridge = sys.modules[ISSUE_MODULE], sys.modules[BRIDGE_MODULE]
        names = (
            "stamp_pdf",
            "sign_pdf",
            "verify_pdf",
            "sign_detached",
            "check_revocation",
            "add_document_timestamp",
        )
        originals = [(issue, name, getattr(issue, name)) for name in names]
        originals.append((bridge, "BridgeClient", bridge.BridgeClient))
        for module, name, function in originals[:-1]:
            setattr(module, name, self._timed(name, function))
        bridge.BridgeClient = self._clients(bridge.BridgeClient)
        try:
            yield self
        finally:
            for module, name, function in originals:
                setattr(module, name, function)

    def end_round(self, total: float) -> None:
        self.current["rest"] = total - sum(self.current.values())
        self.rounds.append((dict(self.current), dict(self.calls)))
        self.current.clear()
        self.calls.clear()

    def means(self) -> list:
        """(label, calls per issue, ms per issue): means, not medians, so they add up."""
        return [
            (
                label,
                statistics.fmean(calls.get(label, 0) for _spent, calls in self.rounds),
                statistics.fmean(spent.get(label, 0.0) for spent, _calls in self.rounds) * 1000,
            )
            for label in [*self.LABELS, "rest"]
        ]


def phase_one(registry, org: Organisation, running, split: Split) -> dict:
    """(1) Odoo's issue, (2) bare pyHanko and (b) snn_sign alone, alternately on each letter."""
    pki = running.pki
    sig_png, seal_png = pki.signature_png, pki.seal_png
    sample = org.pdfs[org.solo_ids[0]]
    boxes = _boxes(
        sample, pki.signer_name, sig_png.read_bytes(), seal_png.read_bytes(), pki.org_name
    )
    bare = BarePyHanko(pki, boxes, sig_png, seal_png)
    engine = ThroughBridge(running, sig_png, seal_png)
    clerk = org.clerk_ids[0]
    times = defaultdict(list)
    warm_up, *timed = org.solo_ids
    issue_committed(registry, clerk, warm_up)  # imports, font caches, first connections
    bare.run(sample)
    engine.run(sample)
    with split.patched():
        for document_id in timed:
            pdf = org.pdfs[document_id]
            start = time.perf_counter()
            issue_committed(registry, clerk, document_id)
            elapsed = time.perf_counter() - start
            split.end_round(elapsed)
            times["odoo"].append(elapsed)
            for key, run in (("bare", bare.run), ("engine", engine.run)):
                start = time.perf_counter()
                run(pdf)
                times[key].append(time.perf_counter() - start)
    return {key: statistics.median(values) * 1000 for key, values in times.items()}


# --------------------------------------------------------------------------- (3)


def phase_three(registry, org: Organisation) -> tuple[float, list, list]:
    """All clerks at once, each on its own cursor, on its own share of the documents."""
    clerks = org.clerk_ids
    start, errors, latencies = threading.Barrier(len(clerks)), [], []

    def work(clerk_id, document_ids):
        threading.current_thread().dbname = registry.db_name  # as Odoo's request threads
        start.wait()
        for document_id in document_ids:
            began = time.perf_counter()
            try:
                issue_committed(registry, clerk_id, document_id)
            except Exception as error:
                errors.append(f"clerk {clerk_id}, document {document_id}: {error!r}")
            latencies.append(time.perf_counter() - began)

    threads = [
        threading.Thread(target=work, args=(clerk_id, org.batch_ids[i :: len(clerks)]))
        for i, clerk_id in enumerate(clerks)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, errors, latencies


def check_issued(registry, org: Organisation, ca_pem: bytes) -> list:
    """(label, ok, detail) of each check on the committed result."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        cr.execute(
            "SELECT number FROM snn_document WHERE register_id = %s ORDER BY number",
            (org.register_id,),
        )
        numbers = [row[0] for row in cr.fetchall()]
        env = api.Environment(cr, SUPERUSER_ID, {})
        documents = env["snn.document"].browse(org.batch_ids)
        issued = documents.filtered(lambda d: d.state == "issued" and d.esign)
        codes = documents.mapped("code")
        files = {d.id: (base64.b64decode(d.signed_file), d.signed_sha256) for d in issued}
        anchored = sum(len(d.anchor_ids) == 1 for d in issued)
        records_valid = sum(
            len(d.signature_ids) == 2 and all(d.signature_ids.mapped("valid")) for d in issued
        )
    expected = len(org.solo_ids) + len(org.batch_ids)
    failed = [
        doc_id
        for doc_id, (signed, sha) in files.items()
        if hashlib.sha256(signed).hexdigest() != sha
        or not signed.startswith(org.pdfs[doc_id])
        or not verify_pdf(signed, [ca_pem]).ok
    ]
    total = len(org.batch_ids)
    return [
        (
            f"register numbers are 1..{expected}, each taken once",
            numbers == list(range(1, expected + 1)),
            f"{len(numbers)} numbers, {len(set(numbers))} distinct, max {max(numbers, default=0)}",
        ),
        (
            "codes of the batch all different",
            len(set(codes)) == total and all(codes),
            f"{len(set(codes))} distinct codes",
        ),
        ("batch issued and e-signed", len(issued) == total, f"{len(issued)}/{total}"),
        (
            "signed files verify (verify_pdf, demo CA), match signed_sha256, extend the approved",
            not failed and len(files) == total,
            f"{len(files) - len(failed)}/{total}",
        ),
        ("2 valid signature records each", records_valid == total, f"{records_valid}/{total}"),
        ("one trail anchor each", anchored == total, f"{anchored}/{total}"),
    ]


# --------------------------------------------------------------------------- measuring run


def measure(args: argparse.Namespace) -> int:
    """In the child process: Odoo in process, PKI and bridge, the three measurements."""
    with signing_registry(
        args.inner_config, args.inner_db, "issue-bench", services=args.long_term
    ) as (registry, running):
        org = _build(registry, running, args)
        split = Split()
        asked = len(running.services.requests) if running.services else 0
        ms = phase_one(registry, org, running, split)
        requests = running.services.requests[asked:] if running.services else []
        elapsed, errors, latencies = phase_three(registry, org)
        checks = check_issued(registry, org, running.pki.ca_cert.read_bytes())
    letter = org.pdfs[org.solo_ids[0]]
    print()
    print(
        f"the clerk's issue, seed-like 1-page letter ({len(letter):,} bytes), "
        f"median of {args.rounds} paired runs (ms)"
    )
    rows = [
        ("(1) Odoo: action_issue + commit", ms["odoo"]),
        ("    (number, stamp, 2 signatures, verify, store, trail anchor)", None),
        ("(2) bare pyHanko: stamp + signer + seal, PKCS11Signer", ms["bare"]),
        ("    snn_sign alone through the bridge (stamp + 2 signatures)", ms["engine"]),
    ]
    for label, value in rows:
        print(f"  {label:<64}{'' if value is None else f'{value:8.1f}'}")
    ratio = ms["odoo"] / ms["bare"]
    if args.long_term:  # (2) stays B-B: no CA question, no timestamp
        print(f"  (1)/(2): {ratio:.2f}   (B-LTA against bare B-B: not the 1.3 target's pair)")
    else:
        print(f"  (1)/(2): {ratio:.2f}   (target <= 1.3)")
    parts = split.means()
    print(f"  where (1) goes, mean per issue (ms; mean issue {sum(p[2] for p in parts):.1f}):")
    for label, calls, value in parts:
        name = Split.LABELS.get(label, "the rest: Odoo (checks, number, files, trail, commit)")
        times = f" x{calls:g}" if label != "rest" else ""
        print(f"    {name + times:<62}{value:8.1f}")
    if requests:
        issues = len(split.rounds) + 1  # and the warm-up issue, whose requests count too
        per_path = ", ".join(
            f"{path} {count / issues:g}" for path, count in sorted(Counter(requests).items())
        )
        print(
            f"  requests to the CA's and the TSA's services per issue: {per_path} "
            "(within the lines above: the signatures ask the CA again and the TSA)"
        )
    print()
    total = len(org.batch_ids)
    print(
        f"{len(org.clerk_ids)} clerks at once (own cursor, own user; one company, one register, "
        f"one bridge): {total} documents in {elapsed:.1f} s = {total / elapsed:.2f} documents/s"
    )
    if latencies:
        lat = sorted(latencies)
        print(
            f"  one issue as a clerk waits for it: median {statistics.median(lat) * 1000:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms"
        )
    print(f"  errors: {len(errors)}")
    for error in errors[:10]:
        print(f"    {error}")
    for label, ok, detail in checks:
        print(f"  check: {label}: {'OK' if ok else 'FAILED'} ({detail})")
    return 0 if not errors and all(ok for _label, ok, _detail in checks) else 1


def main() -> int:
    args = _arguments()
    if args.inner_config:
        return measure(args)
    return run_outside_odoo(prepare_and_measure, args)


if __name__ == "__main__":
    sys.exit(main())
