"""Client of the provincial document exchange (LGSP, "trục liên thông văn bản").

Each province's LGSP has an API of its own; this is ours, small enough for an adapter in front
of any of them (and :mod:`snn_sign_testkit.demo_exchange` is a stand-in that speaks it).

Every request carries ``Authorization: SNN-HMAC client=<system_id>,ts=…,nonce=…,sig=…``, made
by :func:`snn_sign.bridge.auth.make_authorization` over the method, the path with its query
string as sent, and the body (see that module). The exchange refuses an unknown system, a
stale timestamp and a replayed nonce with 401.

    POST /v1/messages        body: one edXML document message (application/xml), one ``To``
                             per recipient.
        200 {"message_id": "…", "recipients": {"<OrganId>": {"result": "accepted" |
             "duplicate" | "refused", "reason": "…"}}}
            The exchange deduplicates on (DocumentId, To OrganId) - the idempotency key - so a
            message sent again after a timeout or a crash is answered "duplicate" for the
            recipients that already have it, never delivered twice. (The stand-in adds the
            Bussiness/BussinessDocType to the key, so that a recall or an update of a document,
            which keeps its DocumentId, is not taken for a duplicate of it.) "refused" is per
            recipient, e.g. an OrganId not in the exchange's directory.
        400 / 422 {"error": "…"}: the whole message is refused (malformed, no DocumentId, …).
        403: the poster serves agency codes (see Receiving) and ``From`` is not one of them.
        5xx: trouble on the exchange's side; try again later.
    GET  /v1/statuses?limit=N
        200 {"messages": [{"id": "…", "edxml": "<base64 of a status edXML>"}]}: the status
            messages (01 arrived, 02 returned, 03 accepted, …) addressed to this system and not
            acknowledged yet. Delivery is at least once: the same ones come again until acked.
    POST /v1/statuses/ack    body: {"ids": ["…", …]}  ->  200

Receiving. The exchange binds each system to the agency codes (OrganIds) it serves; a message
accepted for a recipient goes into that OrganId's mailbox, and only the system bound to an
OrganId may read or acknowledge its mailbox (403 otherwise, as for an OrganId bound to no one).

    GET  /v1/documents?organ=<OrganId>&limit=N
        200 {"messages": [{"id": "…", "edxml": "<base64 of a document edXML>"}]}: the document
            messages (any BussinessDocType: new, recall, update, replace) with that OrganId
            among their ``To`` and not acknowledged for it yet, oldest first; the bytes exactly
            as the sender posted them. At least once: the same ones come again until acked.
        400: no organ, or limit outside 0..1000; 403: that OrganId is not this system's.
    POST /v1/documents/ack   body: {"organ": "<OrganId>", "ids": ["…", …]}
        200 {"acked": n}: n of them were pending for that OrganId; 403 as above.
    POST /v1/statuses        body: one status edXML (application/xml) from a receiver, whose
                             ``From`` is an OrganId this system serves.
        200 {"id": "…"}: queued for the system that sent the document it answers (the one
            whose message had the status's ``ResponseFor/DocumentId`` and reached that
            ``From``); that system gets it from ``GET /v1/statuses``.
        400: not XML; 403: ``From`` is not this system's; 422: not a status message, or a
            DocumentId the exchange never carried to ``From``. Not deduplicated: a status sent
            twice is queued twice, and its receiver ignores what it has already applied.
    A system that receives sends status 01 (arrived) itself: the exchange sends none for an
    OrganId bound to a system (the stand-in still does for the others, which no system reads).

Errors: :class:`ExchangeUnavailable` (timeout, no connection, 5xx, 408/429, an answer that is
not the expected JSON) means "try again later"; sending the same message again is safe because
of the idempotency key. :class:`ExchangeRefused` (other 4xx, 401 included) means the request
itself is refused and sending it again unchanged will not help. Both are bilingual
:class:`~snn_sign.errors.SnnSignError` and never show the secret.

The client is safe to share between threads: each thread gets a ``requests.Session`` of its
own. Timeouts are ``(connect, read)``.
"""

from __future__ import annotations

import base64
import binascii
import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode, urlsplit

import requests

from snn_sign.bridge.auth import make_authorization
from snn_sign.errors import SnnSignError
from snn_sign.http_sessions import ThreadSessions

RESULTS = ("accepted", "duplicate", "refused")
_RETRY_LATER = {408, 425, 429}  # 4xx codes that say "not now" rather than "never"


class ExchangeError(SnnSignError):
    """The document exchange could not be used (bilingual message)."""


class ExchangeUnavailable(ExchangeError):
    """Timeout, connection refused, 5xx or an unreadable answer: try again later."""


class ExchangeRefused(ExchangeError):
    """The exchange refused the request (4xx, 401 included); the same request will not pass.

    ``status``: the HTTP status; ``detail``: the exchange's own words, if any."""

    def __init__(self, vi: str, en: str, *, status: int | None = None, detail: str = ""):
        super().__init__(vi, en)
        self.status = status
        self.detail = detail


@dataclass
class RecipientResult:
    organ_id: str
    result: str  # "accepted" | "duplicate" | "refused"
    reason: str = ""


class ExchangeTransport(Protocol):
    """What the Odoo module needs of a document exchange. :class:`ExchangeClient` is the one
    implementation here; a province whose LGSP speaks another API gets another class with
    these methods (and the same two exceptions), nothing else changes."""

    def send(self, edxml: bytes) -> dict[str, RecipientResult]:
        """One edXML document message; its result per recipient OrganId. Raises
        :class:`ExchangeUnavailable` (try later) or :class:`ExchangeRefused` (never)."""

    def poll(self, limit: int = 100) -> list[tuple[str, bytes]]:
        """Status messages not yet acknowledged: (id, status edXML)."""

    def ack(self, ids: list[str]) -> None:
        """Acknowledge status messages once they are applied and committed."""

    def receive(self, organ_id: str, limit: int = 100) -> list[tuple[str, bytes]]:
        """Document messages for ``organ_id`` not yet acknowledged: (id, document edXML)."""

    def ack_documents(self, organ_id: str, ids: list[str]) -> None:
        """Acknowledge document messages of ``organ_id`` once they are stored and committed."""

    def send_status(self, edxml: bytes) -> str:
        """One status edXML from a receiver to the sender of the document it answers; its id."""


class ExchangeClient(ThreadSessions):
    """``ExchangeClient("https://lgsp.example.gov.vn", "snn-odoo", secret)``; ``secret`` is the
    raw shared secret (bytes). An :class:`ExchangeTransport`."""

    def __init__(self, url: str, system_id: str, secret: bytes, *, timeout: float = 10.0):
        if not isinstance(secret, bytes):
            raise TypeError("secret must be bytes")
        if not secret:
            raise ExchangeError(
                "Khóa bí mật của sàn liên thông trống.", "The document exchange secret is empty."
            )
        self.url = url.rstrip("/")
        self.system_id = system_id
        self._secret = secret
        # One number (connect and read alike): Odoo's test harness refuses (connect, read)
        # tuples on the requests it lets through, and one figure is what a person configures.
        self.timeout = float(timeout)
        self._base_path = urlsplit(self.url).path
        self._init_sessions()

    @classmethod
    def from_secret_file(
        cls, url: str, system_id: str, secret_file: str | Path, *, timeout: float = 10.0
    ) -> ExchangeClient:
        """The secret from a file (surrounding whitespace stripped). Refused: a missing or empty
        file, or one that the group or others may read (chmod 600 it)."""
        path = Path(secret_file)
        try:
            mode = path.stat().st_mode
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise ExchangeError(
                f"Không đọc được tệp khóa bí mật của sàn liên thông {path}: {exc.strerror}.",
                f"Cannot read the document exchange secret file {path}: {exc.strerror}.",
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ExchangeError(
                f"Tệp khóa bí mật {path} có thể bị người khác đọc; hãy chmod 600.",
                f"The secret file {path} is readable by others; chmod 600 it.",
            )
        if not secret:
            raise ExchangeError(
                f"Tệp khóa bí mật {path} trống.", f"The secret file {path} is empty."
            )
        return cls(url, system_id, secret, timeout=timeout)

    def __repr__(self) -> str:  # never show the secret
        return f"ExchangeClient({self.url!r}, {self.system_id!r})"

    # -- API -----------------------------------------------------------------------------
    def send(self, edxml: bytes) -> dict[str, RecipientResult]:
        """Post one edXML document message; the result per recipient OrganId. A recipient of
        the message missing from the answer was not handled: treat it as not sent."""
        data = self._request("POST", "/v1/messages", edxml, "application/xml")
        recipients = data.get("recipients")
        if not isinstance(recipients, dict):
            raise _bad_answer(self.url)
        results = {}
        for organ_id, item in recipients.items():
            if not isinstance(item, dict) or item.get("result") not in RESULTS:
                raise _bad_answer(self.url)
            results[organ_id] = RecipientResult(
                organ_id, item["result"], str(item.get("reason", ""))
            )
        return results

    def poll(self, limit: int = 100) -> list[tuple[str, bytes]]:
        """Status messages not acknowledged yet: ``(id, status edXML)``, oldest first."""
        return self._messages(self._request("GET", f"/v1/statuses?limit={int(limit)}"))

    def ack(self, ids: list[str]) -> None:
        """Acknowledge status messages (after they are stored): they are not returned again."""
        ids = [str(i) for i in ids]
        if ids:
            body = json.dumps({"ids": ids}).encode()
            self._request("POST", "/v1/statuses/ack", body, "application/json")

    def receive(self, organ_id: str, limit: int = 100) -> list[tuple[str, bytes]]:
        """Document messages addressed to ``organ_id`` (one of this system's agency codes) and
        not acknowledged yet: ``(id, document edXML)``, oldest first, byte for byte as sent.
        Another agency's code is refused (:class:`ExchangeRefused`, 403)."""
        query = urlencode({"organ": organ_id, "limit": int(limit)})
        return self._messages(self._request("GET", f"/v1/documents?{query}"))

    def ack_documents(self, organ_id: str, ids: list[str]) -> None:
        """Acknowledge document messages of ``organ_id`` (after they are stored): they are not
        returned again."""
        ids = [str(i) for i in ids]
        if ids:
            body = json.dumps({"organ": organ_id, "ids": ids}).encode()
            self._request("POST", "/v1/documents/ack", body, "application/json")

    def send_status(self, edxml: bytes) -> str:
        """Send one status edXML (01 arrived, 02 returned, 03 accepted, …) to the system that
        sent the document it answers; the exchange's id for it. A status about a document the
        exchange never carried to its ``From`` is refused (:class:`ExchangeRefused`, 422)."""
        data = self._request("POST", "/v1/statuses", edxml, "application/xml")
        status_id = data.get("id")
        if not isinstance(status_id, str) or not status_id:
            raise _bad_answer(self.url)
        return status_id

    def _messages(self, data: dict) -> list[tuple[str, bytes]]:
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise _bad_answer(self.url)
        out = []
        for item in messages:
            try:
                out.append((str(item["id"]), base64.b64decode(item["edxml"], validate=True)))
            except (TypeError, KeyError, ValueError, binascii.Error):
                raise _bad_answer(self.url) from None
        return out

    # -- transport -----------------------------------------------------------------------
    def _request(
        self, method: str, path: str, body: bytes = b"", content_type: str | None = None
    ) -> dict:
        headers = {
            "Authorization": make_authorization(
                self.system_id, self._secret, method, self._base_path + path, body
            ),
            "Accept": "application/json",
        }
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = self._session().request(
                method,
                self.url + path,
                data=body or None,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise ExchangeUnavailable(
                f"Sàn liên thông {self.url} không trả lời kịp ({self.timeout:g} giây).",
                f"The document exchange {self.url} did not answer in time ({self.timeout:g} s).",
            ) from None
        except requests.RequestException as exc:
            raise ExchangeUnavailable(
                f"Không kết nối được sàn liên thông {self.url}: {type(exc).__name__}.",
                f"Cannot reach the document exchange {self.url}: {type(exc).__name__}.",
            ) from None
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            data = None
        if status == 200:
            if not isinstance(data, dict):
                raise _bad_answer(self.url)
            return data
        said_vi, said_en = _detail(data)
        if 400 <= status < 500 and status not in _RETRY_LATER:
            raise ExchangeRefused(
                f"Sàn liên thông từ chối yêu cầu (HTTP {status}){said_vi}",
                f"The document exchange refused the request (HTTP {status}){said_en}",
                status=status,
                detail=_text(data, "error"),
            )
        raise ExchangeUnavailable(
            f"Sàn liên thông tạm thời lỗi (HTTP {status}){said_vi} Hãy thử lại sau.",
            f"The document exchange failed (HTTP {status}){said_en} Try again later.",
        )


def _text(data: object, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value.strip()[:300] if isinstance(value, str) else ""


def _detail(data: object) -> tuple[str, str]:
    """The exchange's error text (``error_vi``/``error_en``, else ``error``) as ": …" endings.
    Only its words: the secret never goes to the exchange, so it cannot come back."""
    vi = _text(data, "error_vi") or _text(data, "error")
    en = _text(data, "error_en") or _text(data, "error")
    return (f": {vi.rstrip('.')}." if vi else ".", f": {en.rstrip('.')}." if en else ".")


def _bad_answer(url: str) -> ExchangeUnavailable:
    return ExchangeUnavailable(
        f"Sàn liên thông {url} trả lời không đúng định dạng.",
        f"The document exchange {url} gave an answer of the wrong shape.",
    )
