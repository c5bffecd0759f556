"""The local profile's signing requests, from arrival to their end (signed, declined, expired,
failed), kept in memory: a bridge restart forgets them, and Odoo asks again.

A request waits for the official on the confirmation page until its ``expires_at``. Its
``csrf`` token is only ever written into that page, so only that page's form can confirm it.
The request ids Odoo chose are remembered until the request could not pass its time check any
more, so a captured request cannot be posted twice. Everything runs on the event loop's one
thread: no locks, and a request is ``signing`` (not pending) while the token works, so a double
click signs once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

from snn_sign.bridge.local_request import MorePart, SignedAttributes
from snn_token_bridge.keys import BridgeKey

PENDING, SIGNING, SIGNED, DECLINED, EXPIRED, FAILED = (
    "pending",
    "signing",
    "signed",
    "declined",
    "expired",
    "failed",
)
RETENTION = 600  # seconds an ended request stays readable, for the web client to collect it


class ReplayError(Exception):
    """This request id was seen already."""


class FullError(Exception):
    """Too many requests await confirmation."""


@dataclass
class LocalRequest:
    id: str  # the bridge's own, unguessable: it is in the URLs
    request_id: str  # Odoo's
    key: BridgeKey
    to_sign: bytes = field(repr=False)
    digest_algorithm: str
    attributes: SignedAttributes
    document: dict
    origin: str
    issued_at: int
    expires_at: int
    more: tuple[MorePart, ...] = ()  # further signatures the same confirmation makes
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    status: str = PENDING
    signature: bytes | None = None
    more_signatures: tuple[bytes, ...] = ()
    error: tuple[str, str] | None = None  # (vi, en) of a failure, or of the last wrong PIN
    ended_at: float | None = None

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())

    def end(self, status: str, now: float, error: tuple[str, str] | None = None) -> None:
        self.status, self.error, self.ended_at = status, error, now
        if status != SIGNED:
            self.to_sign, self.more = b"", ()  # nothing left to sign


class LocalRequests:
    def __init__(self, *, max_pending: int = 20, retention: int = RETENTION, clock=time.time):
        self.max_pending = max_pending
        self.retention = retention
        self.clock = clock
        self._requests: dict[str, LocalRequest] = {}
        self._seen: dict[str, int] = {}  # Odoo request id -> until when it must be refused

    def add(self, payload: dict, key: BridgeKey) -> LocalRequest:
        """Store a verified request (payload from ``verify_request``) as pending."""
        now = self.clock()
        self._purge(now)
        if payload["request_id"] in self._seen:
            raise ReplayError(payload["request_id"])
        if sum(1 for r in self._requests.values() if r.status in {PENDING, SIGNING}) >= (
            self.max_pending
        ):
            raise FullError
        request = LocalRequest(
            id=secrets.token_urlsafe(24),
            request_id=payload["request_id"],
            key=key,
            to_sign=payload["to_sign_der"],
            digest_algorithm=payload["digest_algorithm"],
            attributes=payload["signed_attributes"],
            document=dict(payload["document"]),
            origin=payload["origin"],
            issued_at=payload["issued_at"],
            expires_at=payload["expires_at"],
            more=tuple(payload.get("more", ())),
        )
        # Remembered as long as verify_request would accept it: it refuses it after expires_at.
        self._seen[request.request_id] = request.expires_at
        self._requests[request.id] = request
        return request

    def get(self, request_id: str) -> LocalRequest | None:
        self._purge(self.clock())
        return self._requests.get(request_id)

    def _purge(self, now: float) -> None:
        for request in list(self._requests.values()):
            if request.status == PENDING and now > request.expires_at:
                request.end(EXPIRED, now)  # dropped: its to_sign and csrf are of no more use
            if request.ended_at is not None and now > request.ended_at + self.retention:
                del self._requests[request.id]
        for request_id, until in list(self._seen.items()):
            if now > until:
                del self._seen[request_id]

    def fail_pending(self, now: float, error: tuple[str, str]) -> None:
        """End every pending request (e.g. the PIN is locked: none of them can be signed)."""
        for request in self._requests.values():
            if request.status == PENDING:
                request.end(FAILED, now, error)
