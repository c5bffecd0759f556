"""Token-side behaviour: concurrency on the one worker thread, a wrong PIN at start, start
failures, and certificates outside their validity. Expiry and PIN cases use a second, separate
demo token so the main token never sees a failed login."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import os
import secrets
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from helpers_bridge import bridge_command, signed_attrs, start_bridge, write_config, write_secret

from snn_sign.bridge.client import BridgeClient
from snn_sign.errors import BridgeError
from snn_sign_testkit.pki import create_demo_pki, issue_cert


def test_sixteen_concurrent_signatures_all_succeed(bridge):
    cert = x509.load_pem_x509_certificate(bridge.client.key("signer")["certificate"].encode())
    digests = [hashlib.sha256(os.urandom(8)).digest() for _ in range(16)]

    def sign_one(digest: bytes) -> tuple[bytes, bytes]:
        # One client (one keep-alive connection) per thread, as separate callers would have.
        with BridgeClient(bridge.url, bridge.client_name, bridge.secret) as client:
            attrs = signed_attrs(digest)
            return attrs, client.sign("signer", attrs)

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(sign_one, digests))
    for attrs, signature in results:
        cert.public_key().verify(signature, attrs, padding.PKCS1v15(), hashes.SHA256())
    log = bridge.log_text()
    assert all(d.hex() in log for d in digests)
    assert "token failure" not in log


@pytest.fixture(scope="module")
def second_pki(tmp_path_factory):
    """A separate demo token ("snn-test2") that also holds an expired and a not-yet-valid key."""
    pki = create_demo_pki(
        tmp_path_factory.mktemp("pki2"), token_label="snn-test2", pin=f"Q-{secrets.token_hex(6)}"
    )
    ca_cert, ca_key = pki.load_ca()
    now = dt.datetime.now(dt.timezone.utc)
    expired, expired_key = issue_cert(
        ca_cert,
        ca_key,
        common_name="Người Hết Hạn",
        org=pki.org_name,
        valid_from=now - dt.timedelta(days=400),
        days=365,
    )
    future, future_key = issue_cert(
        ca_cert,
        ca_key,
        common_name="Người Chưa Hiệu Lực",
        org=pki.org_name,
        valid_from=now + dt.timedelta(days=30),
    )
    pki.import_key("expired", b"\x11", expired, expired_key)
    pki.import_key("future", b"\x12", future, future_key)
    return pki


@pytest.fixture(scope="module")
def expiry_bridge(second_pki, tmp_path_factory):
    running = start_bridge(
        tmp_path_factory.mktemp("bridge2"),
        second_pki,
        keys=(("signer", "personal"), ("expired", "personal"), ("future", "personal")),
    )
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("label", "code", "vi", "en"),
    [
        ("expired", "certificate_expired", "đã hết hạn", "expired"),
        ("future", "certificate_not_yet_valid", "chưa có hiệu lực", "not yet valid"),
    ],
)
def test_certificate_outside_validity_is_refused(expiry_bridge, label, code, vi, en):
    info = expiry_bridge.client.key(label)
    assert info["valid_now"] is False
    digest = hashlib.sha256(os.urandom(8)).digest()
    with pytest.raises(BridgeError) as raised:
        expiry_bridge.client.sign(label, signed_attrs(digest))
    assert raised.value.status == 409 and raised.value.code == code
    assert vi in raised.value.vi and en in raised.value.en
    assert digest.hex() not in expiry_bridge.log_text()
    # The valid key of the same token still signs.
    assert len(expiry_bridge.client.sign("signer", signed_attrs(digest))) == 256


def _run_once(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        bridge_command(config),
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_wrong_pin_stops_the_bridge_with_a_bilingual_message(second_pki, tmp_path):
    """ONE wrong attempt only (tokens lock after a few); on the second token, not the main one."""
    wrong = f"W-{secrets.token_hex(6)}"
    pin_file = tmp_path / "wrong-pin"
    pin_file.write_text(wrong)
    pin_file.chmod(0o600)
    config = tmp_path / "bridge.toml"
    write_config(config, second_pki, port=1, secret_file=tmp_path / "s", pin_file=pin_file)
    write_secret(tmp_path / "s")
    result = _run_once(config, second_pki.env())
    assert result.returncode != 0
    assert "Mã PIN của token sai" in result.stderr
    assert "Wrong token PIN" in result.stderr and "does NOT retry" in result.stderr
    assert wrong not in result.stderr + result.stdout


def test_right_pin_still_works_after_one_wrong_attempt(second_pki, tmp_path):
    running = start_bridge(tmp_path / "again", second_pki)
    try:
        assert len(running.client.sign("signer", signed_attrs(bytes(32)))) == 256
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("change", "vi", "en"),
    [
        ({"label": "no-such-token"}, "Không thấy token", "No token labelled"),
        (
            {"module": "/nonexistent/libpkcs11.so"},
            "Không nạp được mô-đun",
            "Cannot load the PKCS#11",
        ),
        ({"key": "missing"}, "Token không có khóa 'missing'", "The token has no key 'missing'"),
    ],
)
def test_start_failures_are_clear(pki, tmp_path, change, vi, en):
    config = tmp_path / "bridge.toml"
    write_secret(tmp_path / "s")
    keys = (("signer", "personal"), (change["key"], "personal")) if "key" in change else None
    write_config(
        config, pki, port=1, secret_file=tmp_path / "s", **({"keys": keys} if keys else {})
    )
    text = config.read_text()
    if "label" in change:
        text = text.replace(f'label = "{pki.token_label}"', f'label = "{change["label"]}"')
    if "module" in change:
        text = text.replace(f'module = "{pki.module}"', f'module = "{change["module"]}"')
    config.write_text(text)
    result = _run_once(config, pki.env())
    assert result.returncode == 2, result.stderr
    assert vi in result.stderr and en in result.stderr


def test_missing_pin_without_terminal_is_a_clear_error(pki, tmp_path):
    config = tmp_path / "bridge.toml"
    write_secret(tmp_path / "s")
    write_config(config, pki, port=1, secret_file=tmp_path / "s")
    config.write_text(
        "\n".join(
            line for line in config.read_text().splitlines() if not line.startswith("pin_file")
        )
    )
    result = _run_once(config, pki.env())
    assert result.returncode == 2
    assert "không có terminal" in result.stderr and "no terminal" in result.stderr


def test_sigterm_stops_cleanly(second_pki, tmp_path):
    running = start_bridge(tmp_path / "term", second_pki)
    running.stop()
    assert running.process.returncode == 0
    assert "stopped; token session closed" in running.log_text()
    assert "Traceback" not in running.log_text()
