"""A local stand-in for the provincial document exchange (LGSP), for the tests, the demo
(`make run`) and the bench. It is NOT the real exchange: that one sits on the province's
network, needs an agreement and credentials, and cannot be reached from here. The stand-in
speaks the protocol of :mod:`snn_edxml.exchange` on loopback only, so that sending, duplicates,
refusals, outages and status messages can be shown and tested.

    from snn_sign_testkit.demo_exchange import start_exchange
    running = start_exchange(workdir, directory=["000.00.00.H53"])
    client = ExchangeClient.from_secret_file(running.url, running.system_id, running.secret_file)
    running.fail_next("5xx"); running.received(); running.post_status(edxml); running.stop()

    # Two systems, each serving one agency code, each reading its own mailbox:
    running = start_exchange(workdir, systems={"sys-a": key_a, "sys-b": key_b},
                             organs={"sys-a": ["000.00.11.H53"], "sys-b": ["000.00.12.H53"]})
    running.deliver(edxml, as_system_id="sys-a")   # as if sys-a had posted it
    running.statuses_for("sys-b")                  # the statuses sys-b has sent

``python -m snn_sign_testkit.demo_exchange DIR [--port N] [--system-id ID] [--directory ID ...]
[--organ SYSTEM_ID=ORGAN_ID ...] [--no-auto-arrived] [--latency-ms N]`` runs it in the
foreground until SIGTERM or Ctrl-C. It creates DIR/exchange/system.secret (mode 0600) unless
present and prints one JSON line (url, system_id, secret_file, pid, log) and nothing more on
stdout. More systems
(e.g. a receiving agency's) are the files DIR/exchange/systems/<system id>.secret. Received
messages, dedup keys, mailboxes and status messages are kept in
DIR/exchange/exchange.sqlite3, so a restart keeps dedup and what is not acknowledged; each
request is logged to DIR/exchange/exchange.log (system, path, DocumentId, result; never a
secret).

What it does beyond the protocol:

- ``--latency-ms`` / ``latency_ms``: each message is answered that late (a real exchange takes
  50 to 200 ms), without holding the others: requests in flight overlap as on a real server.
- ``directory``: the OrganIds it knows; another recipient is "refused" ("unknown agency").
  None: any OrganId is accepted.
- ``organs`` / ``--organ SYSTEM_ID=ORGAN_ID``: which system serves which agency codes (an
  OrganId is served by one system at most; the system must be known). Every accepted
  recipient gets the message in its mailbox (table ``mailbox``: one row per message and
  OrganId, with ``acked_at``); only the bound system reads it (``GET /v1/documents``).
- auto arrived: for each accepted (not duplicate) recipient that no system serves it queues a
  status 01 (arrived) for the sending system, From = that recipient. A recipient whose system
  is bound gets none: that system sends its own 01 (``POST /v1/statuses``).
- dedup key: (DocumentId, BussinessDocType, To OrganId), so that a recall (1), update (2) or
  replace (3) of a document, which keeps the DocumentId, is not a duplicate of the document.
- control endpoints, HMAC-authenticated like the rest (any known system):
  ``POST /_standin/fail {"mode", "count", "path"}`` - the next ``count`` requests to ``path``
  (default /v1/messages) fail: "timeout" (held 30 s or until the client hangs up, never
  processed), "5xx" (503), "refuse" (422), "refuse_recipient" (every recipient refused);
  ``GET /_standin/received``; ``POST /_standin/status {"edxml": base64, "to_system_id"}``;
  ``POST /_standin/deliver {"edxml": base64, "as_system_id"}`` - a document message handled
  exactly as ``POST /v1/messages`` from that known system (its mailboxes, dedup, answer), so
  that a test or the demo can make an incoming message from an agency with no Odoo here while
  the statuses about it still go back to a real system; ``GET /_standin/statuses?from=ID`` -
  the statuses system ID has sent through ``POST /v1/statuses``;
  ``GET /_standin/acked``; ``GET /_standin/health``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import json
import logging
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests
from aiohttp import web

from snn_sign.bridge.auth import Authenticator, AuthError, make_authorization
from snn_sign.vntime import now_vn
from snn_sign_testkit.demo_bridge import free_port, write_secret
from snn_sign_testkit.processes import stop_process

log = logging.getLogger("snn_sign_testkit.demo_exchange")
DEFAULT_SYSTEM_ID = "snn-demo"
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
HOLD_SECONDS = 30.0
MAX_BODY = 64 * 1024 * 1024
FAIL_MODES = ("timeout", "5xx", "refuse", "refuse_recipient")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY, system_id TEXT, document_id TEXT, from_organ TEXT,
    to_organs TEXT, business_doc_type TEXT, results TEXT, body BLOB, received_at TEXT);
CREATE TABLE IF NOT EXISTS deliveries (
    document_id TEXT, business_doc_type TEXT, organ_id TEXT, message_id TEXT,
    PRIMARY KEY (document_id, business_doc_type, organ_id));
CREATE TABLE IF NOT EXISTS statuses (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, system_id TEXT, edxml BLOB,
    queued_at TEXT, acked_at TEXT, from_system TEXT);
CREATE TABLE IF NOT EXISTS mailbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT, organ_id TEXT, acked_at TEXT,
    UNIQUE (message_id, organ_id));
-- A status finds the message it answers by DocumentId: without this, a scan of every message.
CREATE INDEX IF NOT EXISTS messages_document_id ON messages (document_id);
"""


# --------------------------------------------------------------------------- edXML, minimal


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _texts(root: ET.Element, parent: str, child: str) -> list[str]:
    """Texts of ``parent/child`` anywhere in the tree, by local names (any namespace)."""
    return [
        (kid.text or "").strip()
        for element in root.iter()
        if _local(element.tag) == parent
        for kid in element
        if _local(kid.tag) == child and (kid.text or "").strip()
    ]


def _xml(body: bytes) -> ET.Element:
    if b"<!DOCTYPE" in body[:4096].upper():
        raise ValueError("DOCTYPE not allowed")
    # Only authenticated callers get here; no DOCTYPE, so no entities to expand.
    return ET.fromstring(body)  # noqa: S314


def message_facts(body: bytes) -> dict:
    """DocumentId, To OrganIds, From OrganId and BussinessDocType of an edXML message
    (``ValueError`` when it is not XML). Not :mod:`snn_edxml.edxml`: the stand-in needs four
    fields and must not depend on that module."""
    root = _xml(body)
    document_ids = _texts(root, "MessageHeader", "DocumentId") or _texts(
        root, "Bussiness", "DocumentId"
    )
    return {
        "document_id": document_ids[0] if document_ids else "",
        "to": _texts(root, "To", "OrganId"),
        "from": next(iter(_texts(root, "From", "OrganId")), ""),
        "business_doc_type": next(iter(_texts(root, "Bussiness", "BussinessDocType")), "0"),
    }


def status_facts(body: bytes) -> dict:
    """From OrganId, ResponseFor/DocumentId, StatusCode and To OrganIds (a status has none) of
    an edXML message (``ValueError`` when it is not XML)."""
    root = _xml(body)
    return {
        "from": next(iter(_texts(root, "From", "OrganId")), ""),
        "document_id": next(iter(_texts(root, "ResponseFor", "DocumentId")), ""),
        "code": next(iter(_texts(root, "MessageHeader", "StatusCode")), ""),
        "to": _texts(root, "To", "OrganId"),
    }


def _vn_timestamp() -> str:
    return now_vn().strftime("%Y/%m/%d %H:%M:%S")


def status_edxml(organ_id: str, document_id: str, code: str = "01", description: str = "") -> bytes:
    """A status message from ``organ_id`` about ``document_id``: :func:`snn_edxml.edxml.
    build_status` when that module is there and takes it, else a minimal one made here."""
    description = description or "Đã đến / Arrived"
    try:
        from snn_edxml import edxml  # noqa: PLC0415 - optional, written apart

        return edxml.build_status(
            edxml.EdxmlStatus(
                sender=edxml.Organ(organ_id=organ_id, name=organ_id),
                response_for=document_id,
                status_code=code,
                description=description,
            )
        )
    except Exception as exc:  # any trouble there (absent, other API): the minimal one
        log.debug("edxml.build_status not used (%s)", exc)
    ET.register_namespace("edXML", NS)

    def sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NS}}}{name}")
        element.text = text
        return element

    root = ET.Element(f"{{{NS}}}edXML")
    header = sub(sub(sub(root, "edXMLEnvelope"), "edXMLHeader"), "MessageHeader")
    sub(sub(header, "From"), "OrganId", organ_id)
    response_for = sub(header, "ResponseFor")
    parts = document_id.split(",", 2)
    if len(parts) == 3:  # {sender OrganId},{yyyy/MM/dd},{number/notation}
        sub(response_for, "OrganId", parts[0])
        sub(response_for, "Code", parts[2])
        sub(response_for, "PromulgationDate", parts[1])
    sub(response_for, "DocumentId", document_id)
    sub(header, "StatusCode", code)
    sub(header, "Description", description)
    sub(header, "Timestamp", _vn_timestamp())
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --------------------------------------------------------------------------- the server


def _json(data: dict, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data, ensure_ascii=False).encode(),
        content_type="application/json",
    )


def _error(status: int, vi: str, en: str) -> web.Response:
    return _json({"error": f"{vi} / {en}", "error_vi": vi, "error_en": en}, status)


def _now_iso() -> str:
    return now_vn().isoformat()


class StandIn:
    """The stand-in's state (SQLite in ``db_path``) and handlers."""

    def __init__(
        self,
        db_path: Path,
        systems: dict[str, bytes],
        *,
        directory: list[str] | None = None,
        auto_arrived: bool = True,
        organs: dict[str, list[str]] | None = None,
        latency: float = 0.0,
    ):
        self.auth = Authenticator(systems)
        self.latency = latency  # seconds before each message is answered
        self.systems = set(systems)
        self.directory = None if directory is None else set(directory)
        self.auto_arrived = auto_arrived
        self.organs = {system: set(ids) for system, ids in (organs or {}).items()}
        self.organ_system: dict[str, str] = {}  # OrganId -> the one system that serves it
        for system, ids in self.organs.items():
            if system not in self.systems:
                raise ValueError(f"--organ: unknown system {system!r}")
            for organ in ids:
                if self.organ_system.setdefault(organ, system) != system:
                    raise ValueError(f"--organ: {organ} is bound to two systems")
        self.db = sqlite3.connect(db_path, isolation_level=None)  # autocommit; BEGIN by hand
        self.db.executescript(_SCHEMA)
        # A store from before receiving existed (the demo keeps its own) lacks the column.
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(statuses)")}
        if "from_system" not in columns:
            self.db.execute("ALTER TABLE statuses ADD COLUMN from_system TEXT")
        self.faults: list[list] = []  # [mode, remaining, path]

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._middleware])
        app.add_routes(
            [
                web.post("/v1/messages", self.post_message),
                web.get("/v1/statuses", self.get_statuses),
                web.post("/v1/statuses/ack", self.ack_statuses),
                web.get("/v1/documents", self.get_documents),
                web.post("/v1/documents/ack", self.ack_documents),
                web.post("/v1/statuses", self.post_status),
                web.post("/_standin/fail", self.control_fail),
                web.get("/_standin/received", self.control_received),
                web.post("/_standin/status", self.control_status),
                web.post("/_standin/deliver", self.control_deliver),
                web.get("/_standin/statuses", self.control_statuses),
                web.get("/_standin/acked", self.control_acked),
                web.get("/_standin/health", self.control_health),
            ]
        )
        return app

    def _take_fault(self, path: str) -> str | None:
        for fault in self.faults:
            if fault[2] == path and fault[1] > 0:
                fault[1] -= 1
                return fault[0]
        return None

    @web.middleware
    async def _middleware(self, request: web.Request, handler) -> web.StreamResponse:
        body = await request.read()
        try:
            system = self.auth.verify(
                request.headers.get("Authorization"), request.method, request.raw_path, body
            )
        except AuthError as exc:
            log.warning("refused 401 reason=%s path=%s", exc.reason, request.path)
            return _error(401, exc.vi, exc.en)
        request["system"], request["body"] = system, body
        fault = None if request.path.startswith("/_standin/") else self._take_fault(request.path)
        if fault == "timeout":
            await self._hold(request)
            response = _error(503, "giữ yêu cầu (thử nghiệm)", "request held (test)")
        elif fault == "5xx":
            response = _error(503, "sàn tạm ngừng (thử nghiệm)", "exchange down (test)")
        elif fault == "refuse":
            response = _error(422, "thông điệp bị từ chối (thử nghiệm)", "message refused (test)")
        else:
            request["refuse_recipients"] = fault == "refuse_recipient"
            response = await handler(request)
        log.info(
            "system=%s %s %s status=%d%s%s",
            system,
            request.method,
            request.path,
            response.status,
            f" fault={fault}" if fault else "",
            request.get("log", ""),
        )
        return response

    @staticmethod
    async def _hold(request: web.Request) -> None:
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline:
            transport = request.transport
            if transport is None or transport.is_closing():
                return
            await asyncio.sleep(0.1)

    # -- the protocol ------------------------------------------------------------------------
    async def post_message(self, request: web.Request) -> web.Response:
        if self.latency:  # a real exchange answers in 50-200 ms; requests overlap meanwhile
            await asyncio.sleep(self.latency)
        return self._accept(request, request["system"], request["body"])

    def _serves(self, system: str, organ: str) -> bool:
        return organ in self.organs.get(system, ())

    def _not_yours(self, organ: str) -> web.Response:
        return _error(
            403,
            f"hệ thống này không phục vụ cơ quan {organ!r}",
            f"this system does not serve the agency {organ!r}",
        )

    def _accept(self, request: web.Request, system: str, body: bytes) -> web.Response:
        """A document message posted by ``system`` (``POST /v1/messages`` or a delivery)."""
        try:
            facts = message_facts(body)
        except (ET.ParseError, ValueError):
            return _error(400, "thông điệp không phải edXML hợp lệ", "the message is not edXML")
        document_id = facts["document_id"]
        request["log"] = f" document_id={document_id!r}"
        if not document_id:
            return _error(422, "thông điệp thiếu DocumentId", "the message has no DocumentId")
        if not facts["to"]:
            return _error(422, "thông điệp không có nơi nhận (To)", "the message has no To")
        if self.organs.get(system) and not self._serves(system, facts["from"]):
            # A bound system speaks for its own agencies only (real hubs check the sender's
            # OrganId against its credentials too).
            return self._not_yours(facts["from"])
        message_id, kind = uuid.uuid4().hex, facts["business_doc_type"]
        results: dict[str, dict] = {}
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for organ in facts["to"]:
                if organ in results:
                    continue
                if request["refuse_recipients"]:
                    results[organ] = {"result": "refused", "reason": "refused (stand-in test)"}
                elif self.directory is not None and organ not in self.directory:
                    results[organ] = {"result": "refused", "reason": "unknown agency"}
                else:
                    inserted = self.db.execute(
                        "INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?)",
                        (document_id, kind, organ, message_id),
                    ).rowcount
                    results[organ] = {"result": "accepted" if inserted else "duplicate"}
                    if not inserted:
                        continue
                    self.db.execute(
                        "INSERT OR IGNORE INTO mailbox (message_id, organ_id) VALUES (?, ?)",
                        (message_id, organ),
                    )
                    if self.auto_arrived and organ not in self.organ_system:
                        self._queue_status(system, status_edxml(organ, document_id))
            self.db.execute(
                "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    system,
                    document_id,
                    facts["from"],
                    json.dumps(facts["to"]),
                    kind,
                    json.dumps(results),
                    body,
                    _now_iso(),
                ),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        summary = ",".join(f"{organ}:{r['result']}" for organ, r in results.items())
        request["log"] += f" message_id={message_id} results={summary}"
        return _json({"message_id": message_id, "recipients": results})

    @contextlib.contextmanager
    def _transaction(self):
        """One transaction: a list acknowledged at once is one commit (one fsync), not one per
        id (100 ids took a second; the receive bench, bench/incoming_bench.py)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _queue_status(self, system_id: str, edxml: bytes, from_system: str | None = None) -> str:
        status_id = uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO statuses (id, system_id, edxml, queued_at, from_system) "
            "VALUES (?, ?, ?, ?, ?)",
            (status_id, system_id, edxml, _now_iso(), from_system),
        )
        return status_id

    @staticmethod
    def _limit(request: web.Request) -> int | None:
        try:
            limit = int(request.query.get("limit", "100"))
        except ValueError:
            return None
        return limit if 0 <= limit <= 1000 else None

    async def get_statuses(self, request: web.Request) -> web.Response:
        limit = self._limit(request)
        if limit is None:
            return _error(400, "limit phải từ 0 đến 1000", "limit must be 0 to 1000")
        rows = self.db.execute(
            "SELECT id, edxml FROM statuses WHERE system_id = ? AND acked_at IS NULL "
            "ORDER BY seq LIMIT ?",
            (request["system"], limit),
        ).fetchall()
        request["log"] = f" returned={len(rows)}"
        messages = [{"id": i, "edxml": base64.b64encode(x).decode("ascii")} for i, x in rows]
        return _json({"messages": messages})

    async def ack_statuses(self, request: web.Request) -> web.Response:
        try:
            ids = json.loads(request["body"])["ids"]
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return _error(400, 'cần {"ids": [...]}', 'expected {"ids": [...]}')
        now, acked = _now_iso(), 0
        with self._transaction():
            for status_id in ids:
                acked += self.db.execute(
                    "UPDATE statuses SET acked_at = ? WHERE id = ? AND system_id = ? "
                    "AND acked_at IS NULL",
                    (now, status_id, request["system"]),
                ).rowcount
        request["log"] = f" acked={acked}"
        return _json({"acked": acked})

    async def get_documents(self, request: web.Request) -> web.Response:
        organ, limit = request.query.get("organ", ""), self._limit(request)
        if not organ or limit is None:
            return _error(
                400,
                "cần organ=<mã định danh> và limit từ 0 đến 1000",
                "expected organ=<OrganId> and a limit of 0 to 1000",
            )
        if not self._serves(request["system"], organ):
            return self._not_yours(organ)
        rows = self.db.execute(
            "SELECT b.message_id, m.body FROM mailbox b JOIN messages m "
            "ON m.message_id = b.message_id WHERE b.organ_id = ? AND b.acked_at IS NULL "
            "ORDER BY b.seq LIMIT ?",
            (organ, limit),
        ).fetchall()
        request["log"] = f" organ={organ} returned={len(rows)}"
        messages = [{"id": i, "edxml": base64.b64encode(x).decode("ascii")} for i, x in rows]
        return _json({"messages": messages})

    async def ack_documents(self, request: web.Request) -> web.Response:
        try:
            data = json.loads(request["body"])
            organ, ids = data["organ"], data["ids"]
            if not isinstance(organ, str) or not isinstance(ids, list):
                raise TypeError
            if not all(isinstance(i, str) for i in ids):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return _error(
                400, 'cần {"organ": …, "ids": [...]}', 'expected {"organ": …, "ids": [...]}'
            )
        if not self._serves(request["system"], organ):
            return self._not_yours(organ)
        now, acked = _now_iso(), 0
        with self._transaction():
            for message_id in ids:
                acked += self.db.execute(
                    "UPDATE mailbox SET acked_at = ? WHERE message_id = ? AND organ_id = ? "
                    "AND acked_at IS NULL",
                    (now, message_id, organ),
                ).rowcount
        request["log"] = f" organ={organ} acked={acked}"
        return _json({"acked": acked})

    async def post_status(self, request: web.Request) -> web.Response:
        try:
            facts = status_facts(request["body"])
        except (ET.ParseError, ValueError):
            return _error(400, "thông điệp không phải edXML hợp lệ", "the message is not edXML")
        request["log"] = f" from={facts['from']} document_id={facts['document_id']!r}"
        if facts["to"] or not facts["code"] or not facts["document_id"]:
            return _error(
                422,
                "không phải thông điệp trạng thái (cần StatusCode và ResponseFor/DocumentId)",
                "not a status message (StatusCode and ResponseFor/DocumentId expected)",
            )
        if not self._serves(request["system"], facts["from"]):
            return self._not_yours(facts["from"])
        # Back to the system whose message brought that document to this From.
        row = self.db.execute(
            "SELECT m.system_id FROM messages m JOIN mailbox b ON b.message_id = m.message_id "
            "WHERE m.document_id = ? AND b.organ_id = ? ORDER BY b.seq LIMIT 1",
            (facts["document_id"], facts["from"]),
        ).fetchone()
        if row is None:
            return _error(
                422,
                f"sàn chưa từng chuyển văn bản {facts['document_id']} đến {facts['from']}",
                f"the exchange never carried document {facts['document_id']} to {facts['from']}",
            )
        status_id = self._queue_status(row[0], request["body"], from_system=request["system"])
        request["log"] += f" status_id={status_id} to={row[0]}"
        return _json({"id": status_id})

    # -- control (tests, demo) ---------------------------------------------------------------
    async def control_fail(self, request: web.Request) -> web.Response:
        try:
            data = json.loads(request["body"])
            mode, count = data["mode"], int(data.get("count", 1))
            path = data.get("path", "/v1/messages")
        except (ValueError, KeyError, TypeError):
            return _error(400, "yêu cầu sai dạng", "malformed request")
        if mode not in FAIL_MODES or count < 0:
            return _error(400, f"chế độ không rõ {mode!r}", f"unknown mode {mode!r}")
        self.faults.append([mode, count, path])
        request["log"] = f" mode={mode} count={count} path={path}"
        return _json({"ok": True})

    async def control_received(self, request: web.Request) -> web.Response:
        rows = self.db.execute(
            "SELECT message_id, system_id, document_id, from_organ, to_organs, "
            "business_doc_type, results, body, received_at FROM messages ORDER BY rowid"
        ).fetchall()
        messages = [
            {
                "message_id": row[0],
                "system_id": row[1],
                "document_id": row[2],
                "from": row[3],
                "to": json.loads(row[4]),
                "business_doc_type": row[5],
                "results": json.loads(row[6]),
                "edxml": base64.b64encode(row[7]).decode("ascii"),
                "received_at": row[8],
            }
            for row in rows
        ]
        return _json({"messages": messages})

    async def control_status(self, request: web.Request) -> web.Response:
        try:
            data = json.loads(request["body"])
            edxml = base64.b64decode(data["edxml"], validate=True)
            to_system = data.get("to_system_id") or request["system"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            return _error(400, "yêu cầu sai dạng", "malformed request")
        status_id = self._queue_status(to_system, edxml)
        request["log"] = f" status_id={status_id} to={to_system}"
        return _json({"id": status_id})

    async def control_deliver(self, request: web.Request) -> web.Response:
        try:
            data = json.loads(request["body"])
            edxml = base64.b64decode(data["edxml"], validate=True)
            as_system = data["as_system_id"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            return _error(400, "yêu cầu sai dạng", "malformed request")
        if as_system not in self.systems:
            return _error(400, f"hệ thống không rõ {as_system!r}", f"unknown system {as_system!r}")
        response = self._accept(request, as_system, edxml)
        request["log"] = f" as={as_system}" + request.get("log", "")
        return response

    async def control_statuses(self, request: web.Request) -> web.Response:
        rows = self.db.execute(
            "SELECT id, system_id, edxml, queued_at, acked_at FROM statuses "
            "WHERE from_system = ? ORDER BY seq",
            (request.query.get("from", ""),),
        ).fetchall()
        statuses = [
            {
                "id": row[0],
                "to_system_id": row[1],
                "edxml": base64.b64encode(row[2]).decode("ascii"),
                "queued_at": row[3],
                "acked_at": row[4],
            }
            for row in rows
        ]
        return _json({"statuses": statuses})

    async def control_acked(self, request: web.Request) -> web.Response:
        rows = self.db.execute(
            "SELECT id FROM statuses WHERE acked_at IS NOT NULL ORDER BY seq"
        ).fetchall()
        return _json({"ids": [row[0] for row in rows]})

    async def control_health(self, request: web.Request) -> web.Response:
        return _json({"ok": True, "pid": os.getpid()})


# --------------------------------------------------------------------------- the launcher


@dataclass
class RunningExchange:
    url: str
    system_id: str
    secret: bytes = field(repr=False)
    secret_file: Path
    pid: int
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = b"" if payload is None else json.dumps(payload).encode()
        auth = make_authorization(self.system_id, self.secret, method, path, body)
        response = requests.request(
            method, self.url + path, data=body or None, headers={"Authorization": auth}, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def fail_next(self, mode: str, count: int = 1, *, path: str = "/v1/messages") -> None:
        """The next ``count`` requests to ``path`` fail: "timeout", "5xx", "refuse" (422) or
        "refuse_recipient" (every recipient of the message refused)."""
        self._call("POST", "/_standin/fail", {"mode": mode, "count": count, "path": path})

    def received(self) -> list[dict]:
        """Messages received: message_id, system_id, document_id, from, to (OrganIds),
        business_doc_type, results, edxml (base64), received_at."""
        return self._call("GET", "/_standin/received")["messages"]

    def post_status(self, edxml: bytes, to_system_id: str | None = None) -> str:
        """Queue a status message (as from a receiving agency) for ``to_system_id`` (default:
        this system); its id."""
        payload = {"edxml": base64.b64encode(edxml).decode("ascii"), "to_system_id": to_system_id}
        return self._call("POST", "/_standin/status", payload)["id"]

    def deliver(self, edxml: bytes, *, as_system_id: str | None = None) -> dict:
        """Put a document message into its recipients' mailboxes as if ``as_system_id`` (a
        system the exchange knows; default: this one) had posted it: same dedup, directory,
        bindings and answer as ``POST /v1/messages`` (``{"message_id", "recipients"}``), and
        the statuses its receivers send go to that system's ``poll()``."""
        payload = {
            "edxml": base64.b64encode(edxml).decode("ascii"),
            "as_system_id": as_system_id or self.system_id,
        }
        return self._call("POST", "/_standin/deliver", payload)

    def statuses_for(self, system_id: str) -> list[dict]:
        """The status messages ``system_id`` has sent (``POST /v1/statuses``), oldest first:
        id, to_system_id, edxml (bytes), queued_at, acked_at (None until the sender acks)."""
        query = urlencode({"from": system_id})
        statuses = self._call("GET", f"/_standin/statuses?{query}")["statuses"]
        for status in statuses:
            status["edxml"] = base64.b64decode(status["edxml"])
        return statuses

    def statuses_acked(self) -> list[str]:
        """Ids of the status messages acknowledged so far (any system)."""
        return self._call("GET", "/_standin/acked")["ids"]

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        stop_process(self.process)
        if self.process.stdout:
            self.process.stdout.close()


def _ensure_secret(path: Path) -> bytes:
    if path.is_file():
        secret = path.read_bytes().strip()
        if secret:
            return secret
    return write_secret(path)


def start_exchange(
    workdir: Path,
    *,
    port: int | None = None,
    systems: dict[str, bytes] | None = None,
    directory: list[str] | None = None,
    auto_arrived: bool = True,
    system_id: str = DEFAULT_SYSTEM_ID,
    timeout: float = 30.0,
    organs: dict[str, list[str]] | None = None,
    latency_ms: int = 0,
) -> RunningExchange:
    """Start ``python -m snn_sign_testkit.demo_exchange workdir`` on a loopback port (``port``,
    default a free one) and wait until it answers. ``systems``: more systems it knows besides
    ``system_id`` ({id: secret}, written to workdir/exchange/systems/<id>.secret). ``organs``:
    the agency codes each system serves ({system id: [OrganId, …]}), whose mailboxes only
    that system reads."""
    workdir = Path(workdir).resolve()
    exdir = workdir / "exchange"
    (exdir / "systems").mkdir(parents=True, exist_ok=True, mode=0o700)
    for other, secret in (systems or {}).items():
        fd = os.open(
            exdir / "systems" / f"{other}.secret", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret + b"\n")
    command = [
        sys.executable,
        "-m",
        "snn_sign_testkit.demo_exchange",
        str(workdir),
        "--system-id",
        system_id,
    ]
    command += ["--port", str(port or free_port())]
    if directory is not None:
        command += ["--directory", *directory] if directory else ["--directory"]
    if not auto_arrived:
        command.append("--no-auto-arrived")
    if latency_ms:
        command += ["--latency-ms", str(latency_ms)]
    for bound, organ_ids in (organs or {}).items():
        for organ in organ_ids:
            command += ["--organ", f"{bound}={organ}"]
    log_path = exdir / "exchange.log"
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own module
            command, stdout=subprocess.PIPE, stderr=log_file
        )
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"exchange stand-in did not start:\n{log_path.read_text()}")
        if select.select([process.stdout], [], [], 0.1)[0]:
            chunk = os.read(process.stdout.fileno(), 4096)
            line += chunk
            if not chunk:
                time.sleep(0.1)
    info = json.loads(line)
    secret_file = Path(info["secret_file"])
    running = RunningExchange(
        info["url"],
        info["system_id"],
        secret_file.read_bytes().strip(),
        secret_file,
        info["pid"],
        Path(info["log"]),
        process,
    )
    running._call("GET", "/_standin/health")
    return running


def _stop_on_signal(signum, _frame):
    raise SystemExit(0)


async def _serve(stand_in: StandIn, port: int, info: dict) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    runner = web.AppRunner(stand_in.app(), access_log=None)
    await runner.setup()
    site = web.SockSite(runner, sock, shutdown_timeout=1.0)
    await site.start()
    info["url"] = f"http://127.0.0.1:{sock.getsockname()[1]}"
    log.info("listening on %s", info["url"])
    print(json.dumps(info), flush=True)
    # Nothing more on stdout: whoever read that line may have closed the pipe.
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snn_sign_testkit.demo_exchange",
        description="A local stand-in for the provincial document exchange (LGSP); demo only.",
    )
    parser.add_argument("directory", type=Path, help="its files go to DIRECTORY/exchange")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--system-id", default=DEFAULT_SYSTEM_ID, help="the sending system's id")
    parser.add_argument(
        "--directory",
        dest="organs",
        nargs="*",
        default=None,
        metavar="ORGAN_ID",
        help="the OrganIds it knows (default: any)",
    )
    parser.add_argument(
        "--organ",
        dest="bindings",
        action="append",
        default=[],
        metavar="SYSTEM_ID=ORGAN_ID",
        help="the system serving that agency code: it alone reads its mailbox (repeatable)",
    )
    parser.add_argument("--no-auto-arrived", action="store_true", help="no status 01 by itself")
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="answer each message after this many milliseconds (a real exchange: 50-200)",
    )
    args = parser.parse_args(argv)
    bindings: dict[str, list[str]] = {}
    for binding in args.bindings:
        bound, _, organ = binding.partition("=")
        if not bound or not organ:
            parser.error(f"--organ {binding!r}: expected SYSTEM_ID=ORGAN_ID")
        bindings.setdefault(bound, []).append(organ)

    signal.signal(signal.SIGTERM, _stop_on_signal)  # until the loop takes over
    exdir = args.directory.resolve() / "exchange"
    exdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    exdir.chmod(0o700)  # the secrets are inside
    log_path = exdir / "exchange.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    secret_file = exdir / "system.secret"
    systems = {args.system_id: _ensure_secret(secret_file)}
    for path in sorted((exdir / "systems").glob("*.secret")):
        secret = path.read_bytes().strip()
        if secret and path.stem != args.system_id:
            systems[path.stem] = secret
    try:
        stand_in = StandIn(
            exdir / "exchange.sqlite3",
            systems,
            directory=args.organs,
            auto_arrived=not args.no_auto_arrived,
            organs=bindings,
            latency=max(args.latency_ms, 0) / 1000,
        )
    except ValueError as exc:
        parser.error(str(exc))
    info = {
        "url": None,
        "system_id": args.system_id,
        "secret_file": str(secret_file),
        "pid": os.getpid(),
        "log": str(log_path),
    }
    log.info(
        "start systems=%s directory=%s auto_arrived=%s organs=%s",
        sorted(systems),
        "any" if args.organs is None else args.organs,
        not args.no_auto_arrived,
        bindings,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(stand_in, args.port, info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
