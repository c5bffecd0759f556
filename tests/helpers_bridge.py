"""Start and stop a real token bridge subprocess for tests (and the bench)."""

from __future__ import annotations

import datetime as dt
import secrets
import time

import requests
from asn1crypto import cms

from snn_sign.bridge.auth import compute_signature
from snn_sign_testkit.demo_bridge import (  # noqa: F401 - re-exported for the tests
    RunningBridge,
    bridge_command,
    free_port,
    start_bridge,
    write_config,
    write_secret,
)


def signed_attrs(
    digest: bytes, *, with_content_type: bool = True, with_digest: bool = True
) -> bytes:
    """DER of CMS signed attributes as pyHanko would send (content-type, message-digest)."""
    attrs = []
    if with_content_type:
        attrs.append(cms.CMSAttribute({"type": "content_type", "values": ["data"]}))
    if with_digest:
        attrs.append(cms.CMSAttribute({"type": "message_digest", "values": [digest]}))
    attrs.append(
        cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": _utc_now()})]})
    )
    return cms.CMSAttributes(attrs).dump()


def _utc_now():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def raw_request(
    bridge: RunningBridge,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    client: str | None = None,
    secret: bytes | None = None,
    ts: int | None = None,
    nonce: str | None = None,
    signed_path: str | None = None,
    signed_body: bytes | None = None,
    authorization: str | None = None,
    auth: bool = True,
) -> requests.Response:
    """A request with a hand-made Authorization header, to test what the bridge refuses."""
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    elif auth:
        ts = int(time.time()) if ts is None else ts
        nonce = nonce or secrets.token_urlsafe(18)
        sig = compute_signature(
            secret or bridge.secret,
            method,
            signed_path or path,
            ts,
            nonce,
            body if signed_body is None else signed_body,
        )
        headers["Authorization"] = (
            f"SNN-HMAC client={client or bridge.client_name},ts={ts},nonce={nonce},sig={sig}"
        )
    return requests.request(method, bridge.url + path, data=body, headers=headers, timeout=10)
