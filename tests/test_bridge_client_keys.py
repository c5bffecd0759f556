"""Per-client key restriction: ``[[clients]] keys = ["signer"]``. A client asking for another
key gets 403 with a bilingual message and nothing is signed; ``GET /v1/keys`` shows it only its
own keys. Absent ``keys``, a client may use every configured key (the other bridge tests)."""

from __future__ import annotations

import hashlib
import os

import pytest
from helpers_bridge import signed_attrs, start_bridge
from test_bridge_start import _config, _run_once, _set

from snn_sign.errors import BridgeError


@pytest.fixture(scope="module")
def restricted_bridge(pki, tmp_path_factory):
    running = start_bridge(
        tmp_path_factory.mktemp("bridge-restricted"), pki, client_keys=("signer",)
    )
    yield running
    running.stop()


def test_client_signs_with_its_own_key(restricted_bridge):
    assert len(restricted_bridge.client.sign("signer", signed_attrs(bytes(32)))) == 256


@pytest.mark.parametrize("label", ["seal", "no-such-key"])
def test_client_asking_for_another_key_gets_403_and_nothing_is_signed(restricted_bridge, label):
    digest = hashlib.sha256(os.urandom(8)).digest()
    with pytest.raises(BridgeError) as raised:
        restricted_bridge.client.sign(label, signed_attrs(digest))
    # The same answer whether the key exists or not: a client cannot probe for other keys.
    assert raised.value.status == 403 and raised.value.code == "key_not_allowed"
    assert f"không được dùng khóa {label!r}" in raised.value.vi
    assert f"may not use key {label!r}" in raised.value.en
    log = restricted_bridge.log_text()
    assert digest.hex() not in log
    assert f"key={label}" not in log
    assert "refused status=403 reason=key-not-allowed client=odoo" in log


def test_client_lists_only_its_own_keys(restricted_bridge):
    assert [k["label"] for k in restricted_bridge.client.keys(refresh=True)] == ["signer"]


@pytest.mark.parametrize(
    ("line", "vi", "en"),
    [
        ('keys = "signer"', "keys phải là", "keys must be"),
        ("keys = []", "keys", "keys"),
        ('keys = ["signer", "nope"]', "khóa 'nope'", "key 'nope'"),
    ],
)
def test_bad_client_keys_is_a_clear_exit(pki, tmp_path, line, vi, en):
    config = _config(tmp_path, pki, (("signer", "personal"), ("seal", "organization")))
    config.write_text(_set(config.read_text(), "[[clients]]", line))
    result = _run_once(config, pki)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Cấu hình token bridge" in result.stderr and vi in result.stderr
    assert "Token bridge configuration" in result.stderr and en in result.stderr
