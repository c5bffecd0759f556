"""Session fixtures: a demo PKI with a SoftHSM2 token, and the token bridge as a subprocess.

``pki`` sets SOFTHSM2_CONF for the whole test process BEFORE anything loads the PKCS#11 module
here (SoftHSM2 reads it once, at load), so in-process PKCS#11 users see the same token.
"""

from __future__ import annotations

import os
import secrets

import pytest
from helpers_bridge import start_bridge

from snn_sign.bridge.signer import BridgeSigner
from snn_sign_testkit.pki import create_demo_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """DemoPki (snn_sign_testkit.pki): token "snn-demo", keys "signer" and "seal"; ``pki.pin``."""
    directory = tmp_path_factory.mktemp("pki")
    demo = create_demo_pki(directory, pin=f"P-{secrets.token_hex(6)}", so_pin=secrets.token_hex(8))
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(demo.softhsm2_conf)
    yield demo
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def bridge(pki, tmp_path_factory):
    """A running bridge: url, client_name, secret (bytes), secret_file, config_path, log_path,
    pki, process, client (a ready BridgeClient), log_text()."""
    running = start_bridge(tmp_path_factory.mktemp("bridge"), pki)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def bridge_signer(bridge):
    """Factory: ``bridge_signer("signer")`` / ``bridge_signer("seal")`` -> BridgeSigner."""
    cache: dict[str, BridgeSigner] = {}

    def make(key_label: str = "signer") -> BridgeSigner:
        if key_label not in cache:
            cache[key_label] = BridgeSigner(bridge.client, key_label)
        return cache[key_label]

    return make
