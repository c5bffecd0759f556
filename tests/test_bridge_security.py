"""What the bridge refuses: each case gets the right status, a bilingual error, and NOTHING is
signed (no signing line with that request's digest in the bridge's log)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time

import pytest
from helpers_bridge import raw_request, signed_attrs

from snn_sign.errors import BridgeError


def _digest() -> bytes:
    return hashlib.sha256(os.urandom(16)).digest()


def _body(
    digest: bytes,
    *,
    key: str = "signer",
    attrs: bytes | None = None,
    digest_algorithm: str = "sha256",
) -> bytes:
    der = signed_attrs(digest) if attrs is None else attrs
    return json.dumps(
        {
            "key": key,
            "digest_algorithm": digest_algorithm,
            "signed_attrs": base64.b64encode(der).decode(),
        }
    ).encode()


def _signed_count(bridge) -> int:
    return bridge.log_text().count(" signed client=")


def _assert_refused(bridge, response, status: int, digest: bytes, signed_before: int) -> dict:
    assert response.status_code == status, response.text
    data = response.json()
    assert data["error_vi"] and data["error_en"]
    assert data["error"] == f"{data['error_vi']} / {data['error_en']}"
    assert "signature" not in data
    log = bridge.log_text()
    assert digest.hex() not in log, "a refused request reached the token"
    assert _signed_count(bridge) == signed_before
    return data


# Each case: (status, request keyword arguments built from the digest)
CASES = {
    "no-auth": (401, lambda d: {"body": _body(d), "auth": False}),
    "garbage-auth": (401, lambda d: {"body": _body(d), "authorization": "Basic b2Rvbzpwdw=="}),
    "wrong-hmac": (401, lambda d: {"body": _body(d), "secret": secrets.token_bytes(32)}),
    "stale-timestamp": (401, lambda d: {"body": _body(d), "ts": int(time.time()) - 301}),
    "future-timestamp": (401, lambda d: {"body": _body(d), "ts": int(time.time()) + 301}),
    "unknown-client": (401, lambda d: {"body": _body(d), "client": "mallory"}),
    "body-swapped": (401, lambda d: {"body": _body(d), "signed_body": _body(_digest())}),
    "path-swapped": (401, lambda d: {"body": _body(d), "signed_path": "/v1/keys"}),
    "random-bytes": (400, lambda d: {"body": _body(d, attrs=os.urandom(64) + d)}),
    "no-message-digest": (
        400,
        lambda d: {"body": _body(d, attrs=signed_attrs(d, with_digest=False))},
    ),
    "no-content-type": (
        400,
        lambda d: {"body": _body(d, attrs=signed_attrs(d, with_content_type=False))},
    ),
    "digest-length-mismatch": (400, lambda d: {"body": _body(d, digest_algorithm="sha512")}),
    "unknown-digest-algorithm": (400, lambda d: {"body": _body(d, digest_algorithm="md5")}),
    "not-json": (400, lambda d: {"body": b"key=signer&digest=" + d.hex().encode()}),
    "not-base64": (
        400,
        lambda d: {"body": json.dumps({"key": "signer", "signed_attrs": "*" + d.hex()}).encode()},
    ),
    "unknown-key": (404, lambda d: {"body": _body(d, key="ca")}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_and_nothing_signed(bridge, case):
    status, make = CASES[case]
    digest = _digest()
    before = _signed_count(bridge)
    response = raw_request(bridge, "POST", "/v1/sign", **make(digest))
    _assert_refused(bridge, response, status, digest, before)


def test_authentication_answers(bridge):
    answers = {}
    for case in ("wrong-hmac", "unknown-client", "stale-timestamp", "no-auth"):
        response = raw_request(bridge, "POST", "/v1/sign", **CASES[case][1](_digest()))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "SNN-HMAC"
        answers[case] = response.json()
        assert answers[case]["code"] == "unauthorized"
    # A wrong secret and an unknown client look the same from outside.
    assert answers["wrong-hmac"] == answers["unknown-client"]
    assert "clock" in answers["stale-timestamp"]["error_en"]
    assert "đồng hồ" in answers["stale-timestamp"]["error_vi"]
    assert "Authorization" in answers["no-auth"]["error_en"]


def test_replayed_nonce_is_refused_and_signed_only_once(bridge):
    digest = _digest()
    nonce = secrets.token_urlsafe(18)
    ts = int(time.time())
    first = raw_request(bridge, "POST", "/v1/sign", _body(digest), nonce=nonce, ts=ts)
    assert first.status_code == 200
    replay = raw_request(bridge, "POST", "/v1/sign", _body(digest), nonce=nonce, ts=ts)
    assert replay.status_code == 401
    assert "replayed" in replay.json()["error_en"]
    assert bridge.log_text().count(digest.hex()) == 1


def test_too_large_body_is_refused(bridge):
    digest = _digest()
    big = _body(digest, attrs=signed_attrs(digest) + os.urandom(200_000))
    before = _signed_count(bridge)
    response = raw_request(bridge, "POST", "/v1/sign", big)
    _assert_refused(bridge, response, 413, digest, before)


def test_client_raises_bilingual_bridge_error(bridge):
    with pytest.raises(BridgeError) as info:
        bridge.client.sign("nope", signed_attrs(_digest()))
    assert info.value.status == 404
    assert "Không có khóa" in info.value.vi and "Unknown key" in info.value.en


def test_refusals_are_logged_without_secrets(bridge, pki):
    bridge.client.sign("signer", signed_attrs(_digest()))
    raw_request(bridge, "POST", "/v1/sign", _body(_digest()), client="mallory")
    log = bridge.log_text()
    assert "refused status=401 reason=unknown-client" in log
    assert "signed client=odoo" in log
    assert pki.pin not in log
    assert bridge.secret.decode() not in log
    assert pki.pin.encode() not in bridge.config_path.read_bytes()
