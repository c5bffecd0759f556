"""The token bridge's HTTP API against the real subprocess: health, keys, valid signatures."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from helpers_bridge import raw_request, signed_attrs

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def test_health_needs_no_authentication(bridge):
    response = requests.get(bridge.url + "/v1/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert bridge.client.health()["status"] == "ok"


def test_keys_lists_signer_and_seal_with_chain(bridge, pki):
    keys = {k["label"]: k for k in bridge.client.keys(refresh=True)}
    assert set(keys) == {"signer", "seal"}
    assert keys["signer"]["purpose"] == "personal"
    assert keys["seal"]["purpose"] == "organization"
    assert f"CN={pki.signer_name}" in keys["signer"]["subject"]
    assert f"CN={pki.org_name}" in keys["seal"]["subject"]
    ca = x509.load_pem_x509_certificate(pki.ca_cert.read_bytes())
    for info in keys.values():
        assert info["valid_now"] is True
        assert info["key_type"] == "rsa" and info["key_size"] == 2048
        assert info["not_before"] < info["not_after"]
        chain = [x509.load_pem_x509_certificate(p.encode()) for p in info["chain"]]
        assert chain[0] == x509.load_pem_x509_certificate(info["certificate"].encode())
        assert chain[-1] == ca
        chain[0].verify_directly_issued_by(ca)


def test_keys_needs_authentication(bridge):
    assert requests.get(bridge.url + "/v1/keys", timeout=5).status_code == 401


@pytest.mark.parametrize("digest_algorithm", ["sha256", "sha384", "sha512"])
@pytest.mark.parametrize("label", ["signer", "seal"])
def test_signature_verifies_against_certificate(bridge, label, digest_algorithm):
    digest = hashlib.new(digest_algorithm, os.urandom(32)).digest()
    attrs = signed_attrs(digest)
    signature = bridge.client.sign(label, attrs, digest_algorithm)
    cert = x509.load_pem_x509_certificate(bridge.client.key(label)["certificate"].encode())
    cert.public_key().verify(signature, attrs, padding.PKCS1v15(), _HASHES[digest_algorithm]())
    line = next(line for line in bridge.log_text().splitlines() if digest.hex() in line)
    assert "signed client=odoo" in line and f"key={label}" in line
    assert f"digest_algorithm={digest_algorithm}" in line and "remote=127.0.0.1" in line


def test_sign_with_raw_request_and_json_answer(bridge):
    digest = hashlib.sha256(b"raw").digest()
    body = json.dumps(
        {
            "key": "signer",
            "digest_algorithm": "sha256",
            "signed_attrs": base64.b64encode(signed_attrs(digest)).decode(),
        }
    ).encode()
    response = raw_request(bridge, "POST", "/v1/sign", body)
    assert response.status_code == 200
    data = response.json()
    assert data["key"] == "signer" and len(base64.b64decode(data["signature"])) == 256
