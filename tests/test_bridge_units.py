"""In-process unit tests of the bridge's pure parts: HMAC auth, nonce cache, payload checks,
configuration. No token, no subprocess."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from asn1crypto import cms
from helpers_bridge import signed_attrs
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11 import exceptions as p11e

from snn_sign.bridge.auth import (
    Authenticator,
    AuthError,
    NonceCache,
    make_authorization,
    parse_authorization,
)
from snn_sign.errors import BadInputError
from snn_token_bridge.config import is_loopback, load_config
from snn_token_bridge.payload import PayloadError, check_signed_attrs
from snn_token_bridge.server import warn_if_exposed
from snn_token_bridge.token import TokenWorker

SECRET = b"0123456789abcdef0123456789abcdef"
NOW = 1_800_000_000


def _auth(**kwargs) -> Authenticator:
    return Authenticator({"odoo": SECRET}, **kwargs)


def test_valid_request_passes_once():
    auth = _auth()
    header = make_authorization("odoo", SECRET, "POST", "/v1/sign", b"{}", now=NOW)
    assert auth.verify(header, "POST", "/v1/sign", b"{}", now=NOW + 10) == "odoo"
    with pytest.raises(AuthError) as info:
        auth.verify(header, "POST", "/v1/sign", b"{}", now=NOW + 11)
    assert info.value.reason == "replayed-nonce"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("Bearer abc", "scheme"),
        ("SNN-HMAC client=odoo,ts=1,nonce=short,sig=00", "malformed"),
        ("SNN-HMAC client=odoo,ts=x,nonce=aaaaaaaaaaaaaaaaaaaa,sig=00", "malformed"),
        ("SNN-HMAC client=odoo,client=x,ts=1,nonce=aaaaaaaaaaaaaaaaaaaa,sig=00", "malformed"),
    ],
)
def test_malformed_headers(header, reason):
    with pytest.raises(AuthError) as info:
        parse_authorization(header)
    assert info.value.reason == reason
    assert info.value.vi and info.value.en


def test_unknown_client_and_wrong_secret_look_the_same():
    auth = _auth()
    errors = []
    for client, secret in (("mallory", SECRET), ("odoo", b"w" * 32)):
        header = make_authorization(client, secret, "GET", "/v1/keys", b"", now=NOW)
        with pytest.raises(AuthError) as info:
            auth.verify(header, "GET", "/v1/keys", b"", now=NOW)
        errors.append(info.value)
    assert [e.reason for e in errors] == ["unknown-client", "bad-signature"]
    assert str(errors[0]) == str(errors[1])


def test_stale_timestamp_does_not_tell_which_clients_exist():
    auth = _auth()
    reasons = []
    for client in ("mallory", "odoo"):
        header = make_authorization(client, b"w" * 32, "GET", "/v1/keys", b"", now=NOW - 3600)
        with pytest.raises(AuthError) as info:
            auth.verify(header, "GET", "/v1/keys", b"", now=NOW)
        reasons.append(info.value.reason)
    assert reasons == ["stale-timestamp", "stale-timestamp"]


def test_window_is_five_minutes_both_ways():
    auth = _auth()
    for skew, ok in ((300, True), (-300, True), (301, False), (-301, False)):
        header = make_authorization("odoo", SECRET, "GET", "/v1/keys", b"", now=NOW + skew)
        if ok:
            assert auth.verify(header, "GET", "/v1/keys", b"", now=NOW) == "odoo"
        else:
            with pytest.raises(AuthError) as info:
                auth.verify(header, "GET", "/v1/keys", b"", now=NOW)
            assert info.value.reason == "stale-timestamp" and "clock" in info.value.en


def test_forged_requests_do_not_fill_the_nonce_cache():
    cache = NonceCache(max_entries=2)
    auth = _auth(nonce_cache=cache)
    for _ in range(5):
        header = make_authorization("odoo", b"x" * 32, "GET", "/v1/keys", b"", now=NOW)
        with pytest.raises(AuthError) as info:
            auth.verify(header, "GET", "/v1/keys", b"", now=NOW)
        assert info.value.reason == "bad-signature"
    assert len(cache) == 0


def test_full_nonce_cache_fails_closed_then_recovers_after_expiry():
    cache = NonceCache(max_entries=2)
    auth = _auth(nonce_cache=cache)
    for _ in range(2):
        auth.verify(
            make_authorization("odoo", SECRET, "GET", "/", b"", now=NOW), "GET", "/", b"", now=NOW
        )
    with pytest.raises(AuthError) as info:
        auth.verify(
            make_authorization("odoo", SECRET, "GET", "/", b"", now=NOW), "GET", "/", b"", now=NOW
        )
    assert info.value.reason == "nonce-cache-full"
    later = NOW + 302
    header = make_authorization("odoo", SECRET, "GET", "/", b"", now=later)
    assert auth.verify(header, "GET", "/", b"", now=later) == "odoo"


def test_signed_attrs_checks():
    assert check_signed_attrs(signed_attrs(bytes(32)), "sha256") == bytes(32)
    for der, algo in [
        (b"\x30\x00", "sha256"),  # a SEQUENCE, not a SET
        (b"\x31\x03\x02\x01\x00", "sha256"),  # SET of a non-attribute
        (signed_attrs(bytes(32), with_digest=False), "sha256"),
        (signed_attrs(bytes(32), with_content_type=False), "sha256"),
        (signed_attrs(bytes(32)), "sha384"),  # length mismatch
        (signed_attrs(bytes(32)) + b"\x00", "sha256"),  # trailing data
        (_two_digests(), "sha256"),  # message-digest must be single-valued (RFC 5652, 11.2)
    ]:
        with pytest.raises(PayloadError):
            check_signed_attrs(der, algo)


def _two_digests() -> bytes:
    return cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [bytes(32), b"\x01" * 32]}),
        ]
    ).dump()


def _write(tmp_path, text: str):
    path = tmp_path / "bridge.toml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
[token]
module = "/usr/lib/softhsm/libsofthsm2.so"
label = "snn-demo"
pin_env = "SNN_TEST_PIN"
[[clients]]
name = "odoo"
secret_env = "SNN_TEST_SECRET"
[[keys]]
label = "signer"
purpose = "personal"
"""


def test_config_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SNN_TEST_PIN", "1234")
    monkeypatch.setenv("SNN_TEST_SECRET", "s" * 32)
    config = load_config(_write(tmp_path, BASE))
    assert config.pin == "1234" and config.clients[0].secret == b"s" * 32
    assert config.host == "127.0.0.1" and config.port == 8899 and config.loopback
    assert "1234" not in repr(config) and "s" * 32 not in repr(config)


@pytest.mark.parametrize(
    ("env", "vi", "en"),
    [
        ({"SNN_TEST_SECRET": "s" * 32}, "SNN_TEST_PIN", "SNN_TEST_PIN"),
        ({"SNN_TEST_PIN": "1", "SNN_TEST_SECRET": "short"}, "quá ngắn", "too short"),
    ],
)
def test_config_errors_are_bilingual(tmp_path, monkeypatch, env, vi, en):
    monkeypatch.delenv("SNN_TEST_PIN", raising=False)
    monkeypatch.delenv("SNN_TEST_SECRET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(BadInputError) as info:
        load_config(_write(tmp_path, BASE))
    assert vi in info.value.vi and en in info.value.en


def test_bad_toml_and_bad_purpose(tmp_path, monkeypatch):
    monkeypatch.setenv("SNN_TEST_PIN", "1")
    monkeypatch.setenv("SNN_TEST_SECRET", "s" * 32)
    with pytest.raises(BadInputError, match="TOML"):
        load_config(_write(tmp_path, "[token"))
    with pytest.raises(BadInputError, match="purpose"):
        load_config(_write(tmp_path, BASE.replace('"personal"', '"anything"')))


def test_non_loopback_host_warns_loudly(caplog):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    with caplog.at_level(logging.WARNING):
        warn_if_exposed("0.0.0.0", False)
    assert "NOT on loopback" in caplog.text and "KHÔNG phải loopback" in caplog.text


def test_example_config_loads(tmp_path, monkeypatch):
    example = Path(__file__).parent.parent / "config" / "token-bridge.example.toml"
    copy = tmp_path / "token-bridge.toml"
    copy.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "odoo.secret").write_text("e" * 64 + "\n")
    monkeypatch.setenv("SNN_TOKEN_PIN", "1234")
    config = load_config(copy)
    assert [k.label for k in config.keys] == ["signer", "seal"]
    assert config.clients[0].secret == b"e" * 64


class _FakeEcKey:
    key_type = KeyType.EC

    def __getitem__(self, attribute):
        return {Attribute.LABEL: "ec", Attribute.ID: b"\x03"}[attribute]

    @property
    def key_length(self):
        raise p11e.AttributeTypeInvalid()  # no CKA_MODULUS on an EC key


class _FakeSession:
    def get_objects(self, template):
        return [_FakeEcKey()] if template[Attribute.CLASS] == ObjectClass.PRIVATE_KEY else []


def test_an_ec_key_on_the_token_is_listed_not_fatal():
    worker = TokenWorker("unused.so", "unused", None)
    worker._session = _FakeSession()
    worker.logged_in = True  # private keys are listed once logged in
    try:
        keys = worker.list_keys()
    finally:
        worker._session = None
        worker.close()
    assert [(k.label, k.key_type, k.key_size, k.cert_der) for k in keys] == [("ec", "ec", 0, None)]
