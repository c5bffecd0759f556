"""The bridge app in process with a fake token worker: token failures become 503 with a
bilingual message, and aiohttp's own errors are JSON too. (The real token is tested through the
subprocess in the other bridge tests.)"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json

from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from helpers_bridge import signed_attrs

from snn_sign.bridge.auth import make_authorization
from snn_sign.errors import TokenError
from snn_sign_testkit.pki import issue_cert, make_ca
from snn_token_bridge.config import BridgeConfig, ClientConfig, KeyConfig
from snn_token_bridge.server import create_app
from snn_token_bridge.token import TokenKey

SECRET = b"s" * 32


class FakeWorker:
    """Looks like TokenWorker; its token was pulled out after start."""

    def __init__(self):
        ca, ca_key = make_ca()
        self.cert, _ = issue_cert(ca, ca_key, common_name="Thử", org="Sở")
        self.ca = ca

    def list_keys(self):
        der = self.cert.public_bytes(serialization.Encoding.DER)
        return [TokenKey("signer", b"\x01", "rsa", 2048, der)]

    def list_certificates(self):
        return [("ca", self.ca.public_bytes(serialization.Encoding.DER))]

    def submit_sign(self, label, data, digest_algorithm):
        future = concurrent.futures.Future()
        future.set_exception(TokenError("Token đã bị rút.", "The token was removed."))
        return future


def _config() -> BridgeConfig:
    return BridgeConfig(
        module="fake.so",
        token_label="fake",
        pin=None,
        host="127.0.0.1",
        port=0,
        clients=(ClientConfig("odoo", SECRET),),
        keys=(KeyConfig("signer", "personal"),),
    )


async def _post_sign(client):
    """An authenticated, well-formed POST /v1/sign for key "signer"."""
    body = json.dumps(
        {
            "key": "signer",
            "digest_algorithm": "sha256",
            "signed_attrs": base64.b64encode(signed_attrs(bytes(32))).decode(),
        }
    )
    auth = make_authorization("odoo", SECRET, "POST", "/v1/sign", body.encode())
    return await client.post("/v1/sign", data=body, headers={"Authorization": auth})


async def _exercise():
    app = create_app(_config(), FakeWorker())
    async with TestClient(TestServer(app)) as client:
        sign = await _post_sign(client)
        missing = await client.get("/v1/nothing")
        wrong_method = await client.get("/v1/sign")
        auth = make_authorization("odoo", SECRET, "GET", "/v1/keys", b"")
        keys = await client.get("/v1/keys", headers={"Authorization": auth})
        return (
            (sign.status, await sign.json()),
            (missing.status, await missing.json()),
            (wrong_method.status, await wrong_method.json()),
            (keys.status, await keys.json()),
        )


def test_token_failure_is_503_and_errors_are_json():
    sign, missing, wrong_method, keys = asyncio.run(_exercise())
    assert sign[0] == 503 and sign[1]["code"] == "token_error"
    assert "rút" in sign[1]["error_vi"] and "removed" in sign[1]["error_en"]
    assert missing[0] == 404 and missing[1]["error_en"]
    assert wrong_method[0] == 405 and wrong_method[1]["error_vi"]
    assert keys[0] == 200 and len(keys[1]["keys"][0]["chain"]) == 2


class WrongKeyWorker(FakeWorker):
    """The token signs with a key that does not match the certificate."""

    def submit_sign(self, label, data, digest_algorithm):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        future = concurrent.futures.Future()
        future.set_result(other.sign(data, padding.PKCS1v15(), hashes.SHA256()))
        return future


async def _sign_with(worker) -> tuple[int, dict]:
    async with TestClient(TestServer(create_app(_config(), worker))) as client:
        response = await _post_sign(client)
        return response.status, await response.json()


def test_signature_not_matching_the_certificate_is_withheld():
    status, data = asyncio.run(_sign_with(WrongKeyWorker()))
    assert status == 503 and "signature" not in data
    assert "does not match" in data["error_en"] and "không khớp" in data["error_vi"]
