"""Client of the token bridge (used by `snn-sign sign`, the Odoo module and the tests).

Safe to share between threads: requests does not promise that a ``Session`` is thread-safe,
so each thread that uses a client gets a ``Session`` of its own (``threading.local``). A thread
keeps its connection alive between signatures; threads do not wait for each other.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import requests

from snn_sign.bridge.auth import make_authorization
from snn_sign.errors import BridgeError
from snn_sign.http_sessions import ThreadSessions


class BridgeClient(ThreadSessions):
    """``BridgeClient("http://127.0.0.1:8899", "odoo", secret)``; ``secret`` is the raw shared
    secret (bytes, e.g. ``read_secret_file(path)``)."""

    def __init__(self, url: str, client_name: str, secret: bytes, *, timeout: float = 15.0):
        if not isinstance(secret, bytes):
            raise TypeError("secret must be bytes")
        self.url = url.rstrip("/")
        self.client_name = client_name
        self._secret = secret
        self.timeout = timeout
        self._base_path = urlsplit(self.url).path
        self._init_sessions()
        self._keys_cache: list[dict] | None = None

    def __repr__(self) -> str:  # never show the secret
        return f"BridgeClient({self.url!r}, {self.client_name!r})"

    # -- API -----------------------------------------------------------------------------
    def health(self) -> dict:
        return self._request("GET", "/v1/health", auth=False)

    def keys(self, *, refresh: bool = False) -> list[dict]:
        """The bridge's keys: label, purpose, subject, issuer, serial, not_before, not_after,
        valid_now, key_type, key_size, certificate (PEM), chain (PEM list, leaf first).
        Cached per client; ``refresh=True`` asks again."""
        if self._keys_cache is None or refresh:
            self._keys_cache = self._request("GET", "/v1/keys")["keys"]
        return self._keys_cache

    def key(self, label: str) -> dict:
        for info in self.keys():
            if info["label"] == label:
                return info
        raise BridgeError(
            f"Token bridge không có khóa {label!r}.", f"The token bridge has no key {label!r}."
        )

    def sign(self, key_label: str, signed_attrs: bytes, digest_algorithm: str = "sha256") -> bytes:
        """Raw signature (PKCS#1 v1.5) over the DER of CMS signed attributes."""
        body = {
            "key": key_label,
            "digest_algorithm": digest_algorithm,
            "signed_attrs": base64.b64encode(signed_attrs).decode("ascii"),
        }
        return base64.b64decode(self._request("POST", "/v1/sign", body)["signature"])

    # -- transport -----------------------------------------------------------------------
    def _request(
        self, method: str, path: str, payload: dict | None = None, *, auth: bool = True
    ) -> dict:
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        if auth:
            headers["Authorization"] = make_authorization(
                self.client_name, self._secret, method, self._base_path + path, body
            )
        try:
            response = self._session().request(
                method, self.url + path, data=body or None, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise BridgeError(
                f"Không kết nối được token bridge {self.url}: {type(exc).__name__}",
                f"Cannot reach the token bridge {self.url}: {type(exc).__name__}",
            ) from None
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200 or not isinstance(data, dict):
            error = _error_from(response.status_code, data)
            error.status = response.status_code
            error.code = data.get("code") if isinstance(data, dict) else None
            raise error
        return data


def _error_from(status: int, data: object) -> BridgeError:
    if isinstance(data, dict) and "error_vi" in data and "error_en" in data:
        return BridgeError(f"Token bridge: {data['error_vi']}", f"Token bridge: {data['error_en']}")
    return BridgeError(
        f"Token bridge trả lời lỗi HTTP {status}.", f"The token bridge answered HTTP {status}."
    )
