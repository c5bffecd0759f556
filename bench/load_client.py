"""The simulated officials of bench/load_bench.py: one thread and one HTTPS session (cookies,
kept-alive connection to nginx) per official, speaking the JSON-RPC the web client speaks
(/web/session/authenticate, /web/dataset/call_kw/<model>/<method>, /web/content, /report/pdf),
with the latency of each action recorded by name.

What each role does (tasks picked by weight, a think time between every two actions):
  drafter   browse its documents (open queue, open one, preview), search by subject, draft a
            document (create with its PDF) and submit it to the head of its unit;
  head      its queue (the documents whose to-do is theirs), open, preview, forward;
  director  the same, approve;
  clerk     the same, issue (number, stamp, sign through the token bridge), search, print the
            register (the wizard, then the PDF as the web client downloads it).
Clerks of one organisation split the approved documents by id (clerk k takes id % n == k), as
a team shares a queue; without it two clerks would race for one document and the second get
"not approved" (a refusal by design, not a fault of the server).

Standard library and requests only (no Odoo import).
"""

from __future__ import annotations

import base64
import random
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import requests

QUEUE_FIELDS = {
    "subject": {},
    "code": {},
    "state": {},
    "urgency": {},
    "issue_date": {},
    "drafter_id": {"fields": {"display_name": {}}},
    "signer_id": {"fields": {"display_name": {}}},
    "department_id": {"fields": {"display_name": {}}},
    "activity_date_deadline": {},
}
FORM_FIELDS = {
    **QUEUE_FIELDS,
    "number": {},
    "file_name": {},
    "signer_authority": {},
    "signer_position": {},
    "confidentiality": {},
    "return_reason": {},
    "head_id": {"fields": {"display_name": {}}},
    "document_type_id": {"fields": {"display_name": {}}},
    "recipient_ids": {
        "fields": {
            "partner_id": {"fields": {"display_name": {}}},
            "department_id": {"fields": {"display_name": {}}},
            "purpose": {},
        }
    },
    "approval_ids": {"fields": {"action": {}, "user_id": {"fields": {"display_name": {}}}}},
    "trail_intact": {},
    "can_submit": {},
    "can_forward": {},
    "can_return": {},
    "can_approve": {},
    "can_issue": {},
    "can_cancel": {},
    "can_edit": {},
}
SEARCH_WORDS = ("triển khai", "chữ ký số", "báo cáo", "kế hoạch", "V/v")
STEP = {"head": ("head_review", "action_forward", "forward"),
        "director": ("director_review", "action_approve", "approve"),
        "clerk": ("approved", "action_issue", "issue")}  # fmt: skip
TASKS = {  # role -> (task, weight)
    "drafter": (("browse", 4), ("search", 3), ("draft", 2)),
    "head": (("work", 5), ("browse", 2), ("search", 1)),
    "director": (("work", 5), ("browse", 1), ("search", 1)),
    "clerk": (("work", 5), ("browse", 2), ("search", 2), ("print", 0.5)),
}


class RpcError(Exception):
    """A JSON-RPC error answer: Odoo's exception name and message."""


@dataclass
class Official:
    login: str
    role: str
    company_id: int
    team: tuple = (0, 1)  # (k, n): this clerk's share of the approved documents
    draft: dict = field(default_factory=dict)  # values of a new document (drafters)


@dataclass
class Recorder:
    """Latencies (s) and errors per action name; thread-safe."""

    times: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, seconds: float, error: str | None = None):
        with self.lock:
            self.times[action].append(seconds)
            if error:
                self.errors[action].append(error)

    def rows(self):
        """(action, n, p50, p95, p99 in ms, errors)."""
        out = []
        for action in sorted(self.times):
            values = sorted(self.times[action])
            out.append((action, len(values), *percentiles(values), len(self.errors[action])))
        return out


def percentiles(values) -> tuple[float, float, float]:
    if len(values) < 2:
        only = values[0] * 1000 if values else 0.0
        return only, only, only
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values) * 1000, cuts[94] * 1000, cuts[98] * 1000


class Session:
    """One official's browser: an HTTPS session through nginx."""

    def __init__(self, base: str, cert, db: str, official: Official, password: str):
        self.base, self.db, self.official, self.password = base, db, official, password
        self.http = requests.Session()
        # Per request: a session's verify loses to REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE of the
        # environment (requests' merge_environment_settings).
        self.verify = str(cert) if cert else True
        self.uid = None
        self.context = {}

    def _post(self, path: str, params: dict, timeout: float = 300):
        reply = self.http.post(
            self.base + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=timeout,
            verify=self.verify,
        )
        reply.raise_for_status()
        body = reply.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            raise RpcError(f"{data.get('name', 'error')}: {data.get('message', body['error'])}")
        return body["result"]

    def login(self):
        result = self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": self.official.login, "password": self.password},
        )
        self.uid = result["uid"]
        self.context = {
            **(result.get("user_context") or {}),
            "allowed_company_ids": [self.official.company_id],
        }

    def call(self, model: str, method: str, *args, **kwargs):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args),
             "kwargs": {**kwargs, "context": self.context}},
        )  # fmt: skip

    def get(self, path: str) -> bytes:
        reply = self.http.get(self.base + path, timeout=300, verify=self.verify)
        reply.raise_for_status()
        return reply.content


def error_words(error: Exception) -> str:
    if isinstance(error, requests.ConnectionError):
        return f"connection: {str(error)[:160]}"
    if isinstance(error, requests.HTTPError):
        return f"HTTP {error.response.status_code}"
    return f"{type(error).__name__}: {str(error)[:200]}"


class Behaviour:
    """What one official does until ``stop`` is set."""

    def __init__(self, session: Session, recorder: Recorder, think, stop: threading.Event):
        self.s, self.rec, self.think, self.stop = session, recorder, think, stop
        self.rng = random.Random()
        self.issued = 0

    def timed(self, action: str, function, *args):
        start = time.perf_counter()
        try:
            result = function(*args)
        except Exception as error:
            self.rec.add(action, time.perf_counter() - start, error_words(error))
            return None
        self.rec.add(action, time.perf_counter() - start)
        return result

    def pause(self) -> bool:
        """Think; False once the level's time is up."""
        return not self.stop.wait(self.rng.uniform(*self.think))

    # ------------------------------------------------------------------ actions

    def queue_domain(self):
        if self.s.official.role == "drafter":
            return [["drafter_id", "=", self.s.uid]]
        return [["activity_user_id", "=", self.s.uid]]  # the action's "My Activities" filter

    def open_queue(self):
        def run():
            self.s.call("snn.document", "action_open_my_queue")
            return self.s.call(
                "snn.document", "web_search_read",
                domain=self.queue_domain(), specification=QUEUE_FIELDS, limit=80,
            )["records"]  # fmt: skip

        return self.timed("open queue", run)

    def open_document(self, record_id):
        def run():
            return self.s.call("snn.document", "web_read", [record_id], specification=FORM_FIELDS)[
                0
            ]

        return self.timed("open document", run)

    def preview(self, record):
        which = "signed_file" if record.get("state") == "issued" else "file"
        self.timed("preview", self.s.get, f"/web/content/snn.document/{record['id']}/{which}")

    def search(self):
        word = self.rng.choice(SEARCH_WORDS)
        return self.timed(
            "search",
            lambda: self.s.call("snn.document", "web_search_read",
                                domain=[["subject", "ilike", word]],
                                specification=QUEUE_FIELDS, limit=80)["records"],
        )  # fmt: skip

    # ------------------------------------------------------------------ tasks

    def browse(self):
        records = self.open_queue() or self.search()
        if not records or not self.pause():
            return
        record = self.open_document(self.rng.choice(records)["id"])
        if record and self.pause():
            self.preview(record)

    def search_task(self):
        records = self.search()
        if records and self.pause():
            self.open_document(self.rng.choice(records)["id"])

    def work(self):
        state, method, action = STEP[self.s.official.role]
        records = self.open_queue()
        if records is None:
            return
        k, n = self.s.official.team
        mine = [r for r in records if r["state"] == state and r["id"] % n == k]
        if not mine or not self.pause():
            return
        record = self.open_document(mine[0]["id"])
        if not record or not self.pause():
            return
        self.preview(record)
        if not self.pause():
            return
        done = self.timed(action, lambda: self.s.call("snn.document", method, [record["id"]]))
        if done is not None and action == "issue":
            self.issued += 1

    def draft(self):
        values = self.s.official.draft
        pdf = base64.b64decode(values["file"]) + f"%{self.rng.getrandbits(64):x}\n".encode()
        created = self.timed(
            "draft (create)",
            lambda: self.s.call(
                "snn.document", "web_save", [],
                {**values, "file": base64.b64encode(pdf).decode()}, specification={},
            )[0]["id"],
        )  # fmt: skip
        if created and self.pause():
            self.timed("submit", lambda: self.s.call("snn.document", "action_submit", [created]))

    def print_register(self):
        def run():
            wizard = self.s.call("snn.register.print", "web_save", [], {}, specification={})
            wizard_id = wizard[0]["id"]
            self.s.call("snn.register.print", "action_print_pdf", [wizard_id])
            pdf = self.s.get(f"/report/pdf/snn_report.register_document/{wizard_id}")
            if not pdf.startswith(b"%PDF"):
                raise RpcError("the register is not a PDF")

        self.timed("print register", run)

    def run(self):
        tasks = TASKS[self.s.official.role]
        names, weights = [t[0] for t in tasks], [t[1] for t in tasks]
        table = {"browse": self.browse, "search": self.search_task, "work": self.work,
                 "draft": self.draft, "print": self.print_register}  # fmt: skip
        while self.pause():
            table[self.rng.choices(names, weights)[0]]()


# --------------------------------------------------------------------------- driving


@dataclass
class Burst:
    seconds: float  # first login asked -> last answered
    times: list
    errors: list
    failed_after: list  # seconds, of the logins that failed


def login_burst(sessions, window: float) -> Burst:
    """Every session logs in at a random instant within ``window`` seconds (all threads
    started first, then released together)."""
    go, times, errors, failed_after, lock = threading.Event(), [], [], [], threading.Lock()

    def one(session):
        go.wait()
        time.sleep(random.uniform(0, window))
        start = time.perf_counter()
        try:
            session.login()
            error = None
        except Exception as exc:
            error = error_words(exc)
        with lock:
            times.append(time.perf_counter() - start)
            if error:
                errors.append(error)
                failed_after.append(times[-1])

    threads = [threading.Thread(target=one, args=(s,), daemon=True) for s in sessions]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    return Burst(time.perf_counter() - began, times, errors, failed_after)


def play(sessions, seconds: float, think) -> tuple[Recorder, int, float]:
    """Every logged-in session plays its role for ``seconds``; (recorder, issues, seconds)."""
    recorder, stop = Recorder(), threading.Event()
    behaviours = [Behaviour(s, recorder, think, stop) for s in sessions if s.uid]
    threads = [threading.Thread(target=b.run, daemon=True) for b in behaviours]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:  # the actions under way finish (an issue is not cut off)
        thread.join()
    return recorder, sum(b.issued for b in behaviours), time.perf_counter() - began
