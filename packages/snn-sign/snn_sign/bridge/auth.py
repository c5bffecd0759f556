"""Request authentication between a caller (Odoo, `snn-sign`) and the token bridge.

    Authorization: SNN-HMAC client=<name>,ts=<unix seconds>,nonce=<random>,sig=<hex>

``sig`` is HMAC-SHA256 with the client's secret over
``METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n SHA256-HEX(body)``, where PATH is the path with
its query string as sent. The server refuses unknown clients, timestamps more than
``window`` seconds off, and nonces it has seen (replays). Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from snn_sign.errors import BadInputError, BridgeError

SCHEME = "SNN-HMAC"
DEFAULT_WINDOW = 300  # seconds, both directions (clock skew and staleness)
_NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_CLIENT_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MIN_SECRET_BYTES = 16


def string_to_sign(method: str, path: str, ts: int | str, nonce: str, body: bytes) -> bytes:
    """The exact bytes the HMAC covers (documented for other client implementations)."""
    return "\n".join(
        [method.upper(), path, str(ts), nonce, hashlib.sha256(body).hexdigest()]
    ).encode()


def compute_signature(  # noqa: PLR0917 - mirrors the fields of the signed string
    secret: bytes, method: str, path: str, ts: int | str, nonce: str, body: bytes
) -> str:
    message = string_to_sign(method, path, ts, nonce, body)
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def make_authorization(
    client: str, secret: bytes, method: str, path: str, body: bytes, *, now: float | None = None
) -> str:
    """The ``Authorization`` header value for one request (fresh nonce each call)."""
    ts = int(time.time() if now is None else now)
    nonce = secrets.token_urlsafe(18)
    sig = compute_signature(secret, method, path, ts, nonce, body)
    return f"{SCHEME} client={client},ts={ts},nonce={nonce},sig={sig}"


class AuthError(BridgeError):
    """Authentication failed (-> HTTP 401). ``reason`` is a short code for the log."""

    def __init__(self, reason: str, vi: str, en: str):
        super().__init__(vi, en)
        self.reason = reason


# Reasons the caller may see (they help fix a client or a clock and reveal nothing); an unknown
# client and a wrong signature get the same answer, so client names cannot be probed.
_SHOWN = {
    "missing": ("thiếu tiêu đề Authorization", "missing Authorization header"),
    "scheme": ("sai kiểu xác thực", "wrong authentication scheme"),
    "malformed": ("tiêu đề Authorization sai dạng", "malformed Authorization header"),
    "stale-timestamp": (
        "thời điểm yêu cầu lệch quá 5 phút (kiểm tra đồng hồ)",
        "request time off by more than 5 minutes (check the clock)",
    ),
    "replayed-nonce": ("yêu cầu bị gửi lại (nonce đã dùng)", "replayed request (nonce seen)"),
    "nonce-cache-full": ("quá nhiều yêu cầu, hãy thử lại sau", "too many requests, retry later"),
}


def _refuse(reason: str) -> AuthError:
    vi, en = _SHOWN.get(reason, ("thông tin xác thực không hợp lệ", "invalid credentials"))
    return AuthError(
        reason, f"Xác thực yêu cầu thất bại: {vi}.", f"Request authentication failed: {en}."
    )


@dataclass(frozen=True)
class Credentials:
    client: str
    ts: int
    nonce: str
    sig: str


def parse_authorization(header: str | None) -> Credentials:
    if not header:
        raise _refuse("missing")
    scheme, _, params = header.partition(" ")
    if scheme != SCHEME:
        raise _refuse("scheme")
    fields = {}
    for part in params.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or key in fields:
            raise _refuse("malformed")
        fields[key] = value
    try:
        creds = Credentials(fields["client"], int(fields["ts"]), fields["nonce"], fields["sig"])
    except (KeyError, ValueError):
        raise _refuse("malformed") from None
    if not _CLIENT_RE.match(creds.client) or not _NONCE_RE.match(creds.nonce):
        raise _refuse("malformed")
    return creds


class NonceCache:
    """Seen nonces, each kept until its request could no longer pass the time check anyway.

    Bounded: when full of live nonces, new requests are refused (fail closed) instead of
    forgetting a nonce that could then be replayed."""

    def __init__(self, max_entries: int = 100_000):
        self.max_entries = max_entries
        self._expiry: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, client: str, nonce: str, expires: float, now: float) -> bool:
        """Record the nonce; False if it was already seen (a replay)."""
        key = (client, nonce)
        with self._lock:
            self._purge(now)
            if key in self._expiry:
                return False
            if len(self._expiry) >= self.max_entries:
                raise _refuse("nonce-cache-full")
            self._expiry[key] = expires
            return True

    def _purge(self, now: float) -> None:
        # Entries go in roughly in time order; stop at the first live one (cheap, amortised).
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[key]

    def __len__(self) -> int:
        return len(self._expiry)


_UNKNOWN_CLIENT_KEY = secrets.token_bytes(32)  # never matches: nobody knows it


class Authenticator:
    """Checks the ``Authorization`` header of a request against the known clients."""

    def __init__(
        self,
        secrets_by_client: dict[str, bytes],
        *,
        window: int = DEFAULT_WINDOW,
        nonce_cache: NonceCache | None = None,
    ):
        self._secrets = dict(secrets_by_client)
        self.window = window
        self._nonces = nonce_cache if nonce_cache is not None else NonceCache()

    def verify(
        self, header: str | None, method: str, path: str, body: bytes, *, now: float | None = None
    ) -> str:
        """Return the client's name, or raise :class:`AuthError`."""
        now = time.time() if now is None else now
        creds = parse_authorization(header)
        # The clock first: "stale" must not depend on the client, or it would tell which client
        # names exist. An unknown client costs the same HMAC as a known one, for the same reason.
        if abs(now - creds.ts) > self.window:
            raise _refuse("stale-timestamp")
        secret = self._secrets.get(creds.client)
        expected = compute_signature(
            secret or _UNKNOWN_CLIENT_KEY, method, path, creds.ts, creds.nonce, body
        )
        if not hmac.compare_digest(expected.encode(), creds.sig.encode()):
            raise _refuse("bad-signature" if secret is not None else "unknown-client")
        # Only now (signature valid) remember the nonce, so forgers cannot fill the cache.
        if not self._nonces.add(creds.client, creds.nonce, creds.ts + self.window + 1, now):
            raise _refuse("replayed-nonce")
        return creds.client


def read_secret_file(path: str | os.PathLike[str]) -> bytes:
    """A client secret from a file: its content without surrounding whitespace."""
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as exc:
        raise BadInputError(
            f"Cấu hình token bridge: không đọc được tệp khóa bí mật {path}: {exc.strerror}",
            f"Token bridge configuration: cannot read the secret file {path}: {exc.strerror}",
        ) from None
    if len(secret) < MIN_SECRET_BYTES:
        raise BadInputError(
            f"Cấu hình token bridge: khóa bí mật trong {path} quá ngắn "
            f"(tối thiểu {MIN_SECRET_BYTES} byte)",
            f"Token bridge configuration: the secret in {path} is too short "
            f"(at least {MIN_SECRET_BYTES} bytes)",
        )
    return secret
