"""The bridge's local profile (a clerk's token on their PC, reached from the Odoo web client in
their browser), against the real ``snn-token-bridge`` process and a SoftHSM2 token.

What the official and Odoo notice: a request Odoo signed for its own web page, confirmed on the
bridge's page, comes back as a signature that verifies against the token's certificate; any
other page, a replayed, altered, expired or foreign request, and a confirmation that did not
come from the official's click on that page, get nothing signed."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import os
import secrets
import subprocess
import time
from html import unescape
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from helpers_bridge import bridge_command
from helpers_local import (
    ODOO_ORIGIN,
    altered,
    csrf_token,
    pades_signed_attrs,
    payload_of,
    resigned,
    start_local_bridge,
    write_local_config,
)

from snn_sign.bridge import local_request as lr
from snn_sign.errors import BadInputError, TokenError
from snn_sign_testkit.pki import create_demo_pki
from snn_token_bridge.config import load_config
from snn_token_bridge.local_server import create_local_app
from snn_token_bridge.local_store import FullError, LocalRequests, ReplayError
from snn_token_bridge.token import TokenKey

OTHER_ODOO = "https://odoo2.example.gov.vn"  # a second allowed origin (another Odoo)
EVIL = "https://evil.example"
DOCUMENT = {
    "code": "125/QĐ-UBND",
    "subject": "Về việc phê duyệt <kế hoạch> & dự toán",
    "organisation": "Ủy ban nhân dân xã Tân Trào",
}


@pytest.fixture(scope="module")
def odoo_key():
    return lr.new_request_key()


@pytest.fixture(scope="module")
def local(pki, odoo_key, tmp_path_factory):
    """The bridge in the local profile, PIN from a file (the page asks only for a click)."""
    running = start_local_bridge(
        tmp_path_factory.mktemp("local"),
        pki,
        odoo_key_b64=odoo_key[1],
        origins=(ODOO_ORIGIN, OTHER_ODOO),
    )
    yield running
    running.stop()


def _envelope(odoo_key, pki, *, label="signer", origin=ODOO_ORIGIN, cert=None, **kwargs):
    cert = cert or (pki.signer_cert if label == "signer" else pki.seal_cert)
    return lr.make_request(
        odoo_key[0],
        key_label=label,
        to_sign=pades_signed_attrs(cert),
        document=DOCUMENT,
        origin=origin,
        **kwargs,
    )


def _post(local, envelope, origin=ODOO_ORIGIN):
    return local.api("POST", "/v1/local/requests", origin=origin, json=envelope)


def _status(local, request_id, origin=ODOO_ORIGIN) -> dict:
    response = local.api("GET", f"/v1/local/requests/{request_id}", origin=origin)
    assert response.status_code == 200, response.text
    return response.json()


def _no_cors(response) -> None:
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    data = response.json()
    assert data["code"] == code
    assert data["error"] == f"{data['error_vi']} / {data['error_en']}"
    return data


def _signed_lines(local) -> list[str]:
    return [line for line in local.log_text().splitlines() if "signed local" in line]


def _verify(signature: bytes, to_sign: bytes, cert_pem: str) -> None:
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    cert.public_key().verify(signature, to_sign, padding.PKCS1v15(), hashes.SHA256())


# --------------------------------------------------------------------------- the happy path


def test_allowed_origin_request_confirmed_is_signed(local, odoo_key, pki):
    envelope = _envelope(odoo_key, pki)
    to_sign = base64.b64decode(payload_of(envelope)["to_sign"])
    created = _post(local, envelope)
    assert created.status_code == 201, created.text
    assert created.headers["Access-Control-Allow-Origin"] == ODOO_ORIGIN
    answer = created.json()
    assert answer["status"] == "pending"
    assert answer["confirm_url"] == f"{local.url}/v1/local/confirm/{answer['id']}"
    assert _status(local, answer["id"])["status"] == "pending"

    # The official's window: the page shows what is being signed, with what.
    page = local.confirm_page(answer["confirm_url"])
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "Ủy ban nhân dân xã Tân Trào" in html and "125/QĐ-UBND" in html
    assert "&lt;kế hoạch&gt; &amp; dự toán" in html and "<kế hoạch>" not in html  # escaped
    assert pki.signer_name in html and "Ký" in html and "Sign" in html
    digest = payload_of(envelope)["document_digest"]
    assert digest[:8] in html and digest[-8:] in html
    assert 'name="pin"' not in html  # the bridge logged in at start
    token = csrf_token(html)
    # The CSRF token is the page's alone: no JSON answer carries it.
    status_text = local.api("GET", f"/v1/local/requests/{answer['id']}").text
    assert token not in created.text and token not in status_text

    done = local.post_confirmation(answer["confirm_url"], {"csrf": token, "decision": "confirm"})
    assert done.status_code == 200
    assert "Đã ký" in done.text and "Signed" in done.text

    status = _status(local, answer["id"])
    assert status["status"] == "signed" and status["key_label"] == "signer"
    signer_cert = x509.load_pem_x509_certificate(pki.signer_cert.read_bytes())
    assert status["certificate"] == signer_cert.public_bytes(serialization.Encoding.PEM).decode()
    _verify(base64.b64decode(status["signature"]), to_sign, status["certificate"])
    assert len(status["chain"]) == 2
    line = next(line for line in _signed_lines(local) if answer["id"] in line)
    assert digest in line and "key=signer" in line and f"origin={ODOO_ORIGIN}" in line


def test_the_seal_key_signs_too(local, odoo_key, pki):
    envelope = _envelope(odoo_key, pki, label="seal")
    answer = _post(local, envelope).json()
    token = csrf_token(local.confirm_page(answer["confirm_url"]).text)
    local.post_confirmation(answer["confirm_url"], {"csrf": token, "decision": "confirm"})
    status = _status(local, answer["id"])
    assert status["status"] == "signed" and status["key_label"] == "seal"
    to_sign = base64.b64decode(payload_of(envelope)["to_sign"])
    _verify(base64.b64decode(status["signature"]), to_sign, status["certificate"])


def test_one_confirmation_seals_the_attachments_and_the_trail_too(local, odoo_key, pki):
    """The seal on the clerk's PC: the document, each attachment and the trail's head are
    listed on the page, one click signs them all, each value verifies over its own bytes."""
    more = [
        {
            "kind": "attachment",
            "name": "Phụ lục 1 <dự toán>.pdf",
            "to_sign": pades_signed_attrs(pki.seal_cert),
        },
        {"kind": "trail", "name": "125/QĐ-UBND", "to_sign": pades_signed_attrs(pki.seal_cert)},
    ]
    envelope = _envelope(odoo_key, pki, label="seal", more=more)
    answer = _post(local, envelope).json()
    page = local.confirm_page(answer["confirm_url"]).text
    assert "3 chữ ký" in page and "3 signatures" in page
    assert "Phụ lục 1 &lt;dự toán&gt;.pdf" in page and "signed head" in page
    for part in payload_of(envelope)["more"]:
        digest = lr.read_signed_attributes(base64.b64decode(part["to_sign"]), "sha256")
        assert digest.message_digest.hex()[:8] in page
    local.post_confirmation(
        answer["confirm_url"], {"csrf": csrf_token(page), "decision": "confirm"}
    )
    status = _status(local, answer["id"])
    assert status["status"] == "signed" and len(status["more_signatures"]) == 2
    _verify(
        base64.b64decode(status["signature"]),
        base64.b64decode(payload_of(envelope)["to_sign"]),
        status["certificate"],
    )
    for part, value in zip(more, status["more_signatures"], strict=True):
        _verify(base64.b64decode(value), part["to_sign"], status["certificate"])
    assert "more=2" in local.log_text()


def test_a_further_signature_of_another_certificate_is_refused(local, odoo_key, pki):
    """The page shows the seal's certificate: every part must claim that one."""
    more = [{"kind": "attachment", "name": "a.pdf", "to_sign": pades_signed_attrs(pki.signer_cert)}]
    _refused(
        _post(local, _envelope(odoo_key, pki, label="seal", more=more)),
        400,
        "certificate_mismatch",
    )
    bad = payload_of(_envelope(odoo_key, pki, label="seal"))
    bad["more"] = [{"kind": "macro", "name": "x", "to_sign": bad["to_sign"]}]
    _refused(_post(local, resigned(odoo_key[0], bad)), 400, "malformed")


def test_keys_for_the_web_client(local, pki):
    response = local.api("GET", "/v1/local/keys")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ODOO_ORIGIN
    assert "Origin" in response.headers["Vary"]
    data = response.json()
    assert data["pin_on_page"] is False
    keys = {k["label"]: k for k in data["keys"]}
    assert set(keys) == {"signer", "seal"}
    assert f"CN={pki.signer_name}" in keys["signer"]["subject"]
    assert keys["signer"]["certificate"].startswith("-----BEGIN CERTIFICATE-----")


def test_preflight_for_an_allowed_origin(local):
    response = local.api(
        "OPTIONS",
        "/v1/local/requests",
        headers={
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ODOO_ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Allow-Credentials" not in response.headers


# --------------------------------------------------------------------------- other web pages


@pytest.mark.parametrize("origin", [EVIL, "null", None, "http://127.0.0.1:1"])
def test_another_page_gets_403_and_no_cors(local, odoo_key, pki, origin):
    before = len(_signed_lines(local))
    attempts = [
        local.api("GET", "/v1/local/keys", origin=origin),
        local.api(
            "OPTIONS",
            "/v1/local/requests",
            origin=origin,
            headers={"Access-Control-Request-Method": "POST"},
        ),
        # Even with a genuine request of Odoo's in hand.
        _post(local, _envelope(odoo_key, pki), origin=origin),
        local.api("GET", "/v1/local/requests/anything", origin=origin),
    ]
    for response in attempts:
        _refused(response, 403, "origin_not_allowed")
        _no_cors(response)
    assert len(_signed_lines(local)) == before
    assert "refused status=403 reason=origin-not-allowed" in local.log_text()


def test_request_made_for_one_odoo_is_refused_from_another(local, odoo_key, pki):
    data = _refused(
        _post(local, _envelope(odoo_key, pki), origin=OTHER_ODOO), 403, "origin_mismatch"
    )
    assert "another web page" in data["error_en"]
    # A request made by one origin cannot be read by another.
    answer = _post(local, _envelope(odoo_key, pki)).json()
    response = local.api("GET", f"/v1/local/requests/{answer['id']}", origin=OTHER_ODOO)
    _refused(response, 404, "unknown_request")


def test_dns_rebinding_host_is_refused(local):
    port = local.url.rsplit(":", 1)[1]
    for host in (f"evil.example:{port}", "127.0.0.1:1", f"127.0.0.1.evil.example:{port}"):
        response = local.session.get(
            local.url + "/v1/local/keys", headers={"Host": host, "Origin": ODOO_ORIGIN}, timeout=5
        )
        _refused(response, 403, "host_not_allowed")
        _no_cors(response)
    ok = local.session.get(
        f"http://localhost:{port}/v1/local/keys", headers={"Origin": ODOO_ORIGIN}, timeout=5
    )
    assert ok.status_code == 200


# --------------------------------------------------------------------------- requests refused


def test_replayed_request_is_refused(local, odoo_key, pki):
    envelope = _envelope(odoo_key, pki)
    assert _post(local, envelope).status_code == 201
    data = _refused(_post(local, envelope), 409, "replayed")
    assert "gửi trước đó" in data["error_vi"] and "sent before" in data["error_en"]


def test_altered_payload_is_refused(local, odoo_key, pki):
    envelope = _envelope(odoo_key, pki)
    other_digest = pades_signed_attrs(pki.signer_cert)
    for change in (
        {"key_label": "seal"},
        {"document": {**DOCUMENT, "code": "999/QĐ-UBND"}},
        {"to_sign": base64.b64encode(other_digest).decode()},
    ):
        data = _refused(_post(local, altered(envelope, **change)), 403, "bad_signature")
        assert "altered" in data["error_en"]
    assert payload_of(envelope)["request_id"] not in local.log_text()


def test_request_signed_with_another_odoo_key_is_refused(local, pki):
    stranger = lr.new_request_key()
    _refused(_post(local, _envelope(stranger, pki)), 403, "bad_signature")


def test_expired_request_is_refused(local, odoo_key, pki):
    envelope = _envelope(odoo_key, pki, now=time.time() - 301, lifetime=300)
    data = _refused(_post(local, envelope), 400, "expired")
    assert "hết hạn" in data["error_vi"] and "expired" in data["error_en"]


def test_unknown_key_and_wrong_certificate_are_refused(local, odoo_key, pki):
    _refused(
        _post(local, _envelope(odoo_key, pki, label="ca", cert=pki.signer_cert)), 404, "unknown_key"
    )
    # Odoo asks for the signer's key but the signed attributes name the seal's certificate:
    # the page would show one certificate and the signature claim another.
    envelope = _envelope(odoo_key, pki, label="signer", cert=pki.seal_cert)
    _refused(_post(local, envelope), 400, "certificate_mismatch")


def test_not_json_is_refused(local):
    response = local.api("POST", "/v1/local/requests", data=b"not json")
    _refused(response, 400, "not_json")
    assert response.headers["Access-Control-Allow-Origin"] == ODOO_ORIGIN  # readable error


# --------------------------------------------------------------------------- the confirmation


def _pending(local, odoo_key, pki, **kwargs) -> tuple[dict, str]:
    answer = _post(local, _envelope(odoo_key, pki, **kwargs)).json()
    return answer, csrf_token(local.confirm_page(answer["confirm_url"]).text)


def test_confirmation_without_the_pages_csrf_token_is_refused(local, odoo_key, pki):
    answer, token = _pending(local, odoo_key, pki)
    url = answer["confirm_url"]
    forged = [
        local.post_confirmation(url, {"decision": "confirm"}),
        local.post_confirmation(url, {"csrf": secrets.token_urlsafe(32), "decision": "confirm"}),
        local.post_confirmation(url, {"csrf": "", "decision": "confirm"}),
        # Right token, but the form came from another page (defence in depth).
        local.post_confirmation(url, {"csrf": token, "decision": "confirm"}, origin=EVIL),
        local.post_confirmation(url, {"csrf": token, "decision": "confirm"}, origin="null"),
        local.session.post(
            url,
            data={"csrf": token, "decision": "confirm"},
            headers={"Sec-Fetch-Site": "cross-site"},
            timeout=10,
        ),
    ]
    for response in forged:
        assert response.status_code == 403
        assert "Biểu mẫu" in response.text and "form" in response.text
        _no_cors(response)
    assert _status(local, answer["id"])["status"] == "pending"
    assert not [line for line in _signed_lines(local) if answer["id"] in line]
    assert "reason=bad-csrf" in local.log_text()
    # The official's own click still works afterwards.
    local.post_confirmation(url, {"csrf": token, "decision": "confirm"})
    assert _status(local, answer["id"])["status"] == "signed"


def test_declined_signs_nothing(local, odoo_key, pki):
    answer, token = _pending(local, odoo_key, pki)
    page = local.post_confirmation(answer["confirm_url"], {"csrf": token, "decision": "decline"})
    assert page.status_code == 200 and "Đã từ chối" in page.text and "Declined" in page.text
    status = _status(local, answer["id"])
    assert status["status"] == "declined" and "signature" not in status
    # Too late to change one's mind with the same request.
    again = local.post_confirmation(answer["confirm_url"], {"csrf": token, "decision": "confirm"})
    assert "Đã từ chối" in again.text
    assert _status(local, answer["id"])["status"] == "declined"
    assert not [line for line in _signed_lines(local) if answer["id"] in line]
    assert f"local declined id={answer['id']}" in local.log_text()


def test_confirm_page_cannot_be_framed_or_read_by_other_pages(local, odoo_key, pki):
    answer, _ = _pending(local, odoo_key, pki)
    # Even fetched by Odoo's own page (Origin header), the page carries no CORS header.
    page = local.session.get(answer["confirm_url"], headers={"Origin": ODOO_ORIGIN}, timeout=5)
    assert page.status_code == 200
    _no_cors(page)
    assert page.headers["X-Frame-Options"] == "DENY"
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp  # no script at all may run on it
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    # Not no-referrer: browsers would then post the page's own form with "Origin: null", which
    # the bridge refuses (seen with Chromium: the official's click was refused).
    assert page.headers["Referrer-Policy"] == "same-origin"
    preflight = local.session.options(
        answer["confirm_url"],
        headers={"Origin": ODOO_ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=5,
    )
    assert preflight.status_code >= 400
    _no_cors(preflight)


def test_unknown_request_page(local):
    page = local.confirm_page(local.url + "/v1/local/confirm/nothing-here")
    assert page.status_code == 404 and "Không tìm thấy" in page.text and "not found" in page.text


def test_pending_request_expires(local, odoo_key, pki):
    answer, token = _pending(local, odoo_key, pki, lifetime=1)
    time.sleep(max(0.0, answer["expires_at"] + 0.1 - time.time()))
    assert _status(local, answer["id"])["status"] == "expired"
    page = local.post_confirmation(answer["confirm_url"], {"csrf": token, "decision": "confirm"})
    assert "Đã hết hạn" in page.text and "Expired" in page.text
    assert _status(local, answer["id"])["status"] == "expired"
    assert not [line for line in _signed_lines(local) if answer["id"] in line]


# --------------------------------------------------------------------------- the PIN on the page


@pytest.fixture(scope="module")
def pin_pki(tmp_path_factory):
    """A token of its own: wrong PINs are typed here, never on the session's token."""
    return create_demo_pki(
        tmp_path_factory.mktemp("pin-pki"), token_label="snn-pin", pin=f"L-{secrets.token_hex(6)}"
    )


@pytest.fixture
def pin_local(pin_pki, odoo_key, tmp_path):
    running = start_local_bridge(tmp_path, pin_pki, odoo_key_b64=odoo_key[1], with_pin=False)
    yield running
    running.stop()


def test_pin_typed_on_the_page(pin_local, odoo_key, pin_pki):
    assert pin_local.api("GET", "/v1/local/keys").json()["pin_on_page"] is True
    envelope = _envelope(odoo_key, pin_pki)
    answer = _post(pin_local, envelope).json()
    url = answer["confirm_url"]
    page = pin_local.confirm_page(url).text
    assert 'name="pin"' in page and 'type="password"' in page
    token = csrf_token(page)

    empty = pin_local.post_confirmation(url, {"csrf": token, "decision": "confirm"})
    assert "Hãy nhập mã PIN" in empty.text and "Type the token's PIN" in unescape(empty.text)
    wrong = pin_local.post_confirmation(
        url, {"csrf": token, "decision": "confirm", "pin": "000000"}
    )
    assert "Mã PIN sai" in wrong.text and "Wrong PIN" in wrong.text and "2 tries left" in wrong.text
    assert _status(pin_local, answer["id"])["status"] == "pending"

    done = pin_local.post_confirmation(
        url, {"csrf": token, "decision": "confirm", "pin": pin_pki.pin}
    )
    assert "Đã ký" in done.text
    status = _status(pin_local, answer["id"])
    assert status["status"] == "signed"
    to_sign = base64.b64decode(payload_of(envelope)["to_sign"])
    _verify(base64.b64decode(status["signature"]), to_sign, status["certificate"])
    assert pin_pki.pin not in pin_local.log_text()

    # Logged out again: the next signature needs the PIN again.
    answer2 = _post(pin_local, _envelope(odoo_key, pin_pki)).json()
    token2 = csrf_token(pin_local.confirm_page(answer2["confirm_url"]).text)
    again = pin_local.post_confirmation(
        answer2["confirm_url"], {"csrf": token2, "decision": "confirm"}
    )
    assert "Hãy nhập mã PIN" in again.text
    assert _status(pin_local, answer2["id"])["status"] == "pending"


def test_wrong_pins_lock_pin_entry(pin_local, odoo_key, pin_pki):
    first = _post(pin_local, _envelope(odoo_key, pin_pki)).json()
    other = _post(pin_local, _envelope(odoo_key, pin_pki)).json()
    token = csrf_token(pin_local.confirm_page(first["confirm_url"]).text)
    form = {"csrf": token, "decision": "confirm", "pin": "000000"}
    for left in (2, 1):
        page = pin_local.post_confirmation(first["confirm_url"], form)
        assert f"{left} tries left" in page.text
    locked = pin_local.post_confirmation(first["confirm_url"], form)
    assert "3 wrong PINs in a row" in locked.text and "sai mã PIN 3 lần" in locked.text
    for request_id in (first["id"], other["id"]):
        status = _status(pin_local, request_id)
        assert status["status"] == "failed" and "restart the bridge" in status["error_en"]
    # Even the right PIN is not tried any more (no 4th login the token would count).
    third = _post(pin_local, _envelope(odoo_key, pin_pki)).json()
    token3 = csrf_token(pin_local.confirm_page(third["confirm_url"]).text)
    pin_local.post_confirmation(
        third["confirm_url"], {"csrf": token3, "decision": "confirm", "pin": pin_pki.pin}
    )
    assert _status(pin_local, third["id"])["status"] == "failed"
    assert not _signed_lines(pin_local)


# --------------------------------------------------------------------------- configuration


def _config_text(tmp_path, pki, odoo_key, **kwargs):
    path = tmp_path / "local.toml"
    write_local_config(path, pki, port=8899, odoo_key_b64=odoo_key[1], **kwargs)
    return path


def test_local_config_reads(tmp_path, pki, odoo_key):
    config = load_config(_config_text(tmp_path, pki, odoo_key, with_pin=False))
    assert config.profile == "local" and config.clients == ()
    assert config.allowed_origins == (ODOO_ORIGIN,)
    assert config.pin is None  # asked on the page, not at start (no terminal prompt)
    assert config.max_pin_attempts == 3


@pytest.mark.parametrize(
    ("extra", "replace", "en"),
    [
        ('[[clients]]\nname = "odoo"\nsecret_env = "X"\n', None, "takes no [[clients]]"),
        ("", ('host = "127.0.0.1"', 'host = "0.0.0.0"'), "loopback (127.0.0.1) only"),
        ("", (f'["{ODOO_ORIGIN}"]', "[]"), "allowed_origins must list"),
        ("", (f'["{ODOO_ORIGIN}"]', '["https://odoo.example.gov.vn/web"]'), "allowed_origins"),
        ("", ('odoo_request_key = "', 'odoo_request_key = "x'), "Ed25519 public key"),
        ("", ('profile = "local"', 'profile = "remote"'), "profile must be one of"),
        ("", ('profile = "local"\n', ""), 'only for profile = "local"'),
    ],
)
def test_local_config_mistakes(tmp_path, pki, odoo_key, extra, replace, en):
    path = _config_text(tmp_path, pki, odoo_key, extra=extra)
    if replace:
        path.write_text(path.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    with pytest.raises(BadInputError) as info:
        load_config(path)
    assert en in info.value.en and info.value.vi


def test_the_local_example_config_loads(tmp_path, odoo_key):
    example = Path(__file__).parent.parent / "config" / "token-bridge.local.example.toml"
    text = example.read_text(encoding="utf-8")
    copy = tmp_path / "local.toml"
    copy.write_text(
        text.replace("REPLACE-WITH-ODOO-PUBLIC-KEY-BASE64=", odoo_key[1]), encoding="utf-8"
    )
    config = load_config(copy, prompt_pin=False)
    assert config.profile == "local" and config.host == "127.0.0.1" and config.pin is None
    assert [k.label for k in config.keys] == ["signer"]


def test_bridge_refuses_to_listen_beyond_loopback(tmp_path, pki, odoo_key):
    path = _config_text(tmp_path, pki, odoo_key)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"127.0.0.1"', '"0.0.0.0"'), encoding="utf-8"
    )
    result = subprocess.run(
        bridge_command(path),
        env={**os.environ, **pki.env()},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert (
        "loopback (127.0.0.1) only" in result.stderr and "chỉ nghe trên loopback" in result.stderr
    )
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- in process


class _Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _payload(odoo_key, pki, now: float, lifetime: int = 300) -> dict:
    envelope = _envelope(odoo_key, pki, now=now, lifetime=lifetime)
    return {
        **lr.verify_request(envelope, odoo_key[1], origin=ODOO_ORIGIN, now=now),
        "envelope": envelope,
    }


def _envelope_of(payload: dict) -> dict:
    return payload["envelope"]


def test_store_forgets_only_what_can_no_longer_be_replayed(odoo_key, pki):
    clock = _Clock(1_800_000_000)
    store = LocalRequests(max_pending=2, retention=60, clock=clock)
    key = object()  # the store keeps it, never looks into it
    payload = _payload(odoo_key, pki, clock.now, lifetime=100)
    first = store.add(payload, key)
    assert first.status == "pending" and len(first.id) >= 32 and len(first.csrf) >= 40
    with pytest.raises(ReplayError):
        store.add(payload, key)
    clock.now += 100  # the last second the request is valid: still refused as a replay
    with pytest.raises(ReplayError):
        store.add(payload, key)
    clock.now += 1
    assert store.get(first.id).status == "expired" and store.get(first.id).to_sign == b""
    # verify_request refuses the envelope from now on, so the store may forget its id.
    with pytest.raises(lr.LocalRequestError, match="expired"):
        lr.verify_request(_envelope_of(payload), odoo_key[1], origin=ODOO_ORIGIN, now=clock.now)
    assert payload["request_id"] not in store._seen
    clock.now += 61
    assert store.get(first.id) is None  # gone after the retention


def test_store_bounds_the_requests_awaiting_confirmation(odoo_key, pki):
    clock = _Clock(1_800_000_000)
    store = LocalRequests(max_pending=2, clock=clock)
    requests_ = [store.add(_payload(odoo_key, pki, clock.now), object()) for _ in range(2)]
    with pytest.raises(FullError):
        store.add(_payload(odoo_key, pki, clock.now), object())
    requests_[0].end("declined", clock.now)  # an ended request leaves room
    store.add(_payload(odoo_key, pki, clock.now), object())


class _Worker:
    """Looks like a logged-in TokenWorker on the session's token (certificates from the demo
    PKI); ``submit_sign`` answers with ``outcome``: bytes, or an exception."""

    logged_in = True

    def __init__(self, pki, outcome):
        self.pki, self.outcome = pki, outcome

    def list_keys(self):
        der = x509.load_pem_x509_certificate(self.pki.signer_cert.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
        return [TokenKey("signer", b"\x01", "rsa", 2048, der)]

    def list_certificates(self):
        return []

    def submit_sign(self, label, data, digest_algorithm, pin=None):
        future = concurrent.futures.Future()
        if isinstance(self.outcome, Exception):
            future.set_exception(self.outcome)
        else:
            future.set_result(self.outcome)
        return future


async def _confirm_in_process(app, envelope) -> tuple[int, str, dict]:
    async with TestClient(TestServer(app)) as client:
        created = await client.post(
            "/v1/local/requests", json=envelope, headers={"Origin": ODOO_ORIGIN}
        )
        answer = await created.json()
        page = await client.get(f"/v1/local/confirm/{answer['id']}")
        token = csrf_token(await page.text())
        done = await client.post(
            f"/v1/local/confirm/{answer['id']}", data={"csrf": token, "decision": "confirm"}
        )
        status = await client.get(
            f"/v1/local/requests/{answer['id']}", headers={"Origin": ODOO_ORIGIN}
        )
        return done.status, await done.text(), await status.json()


def _app(tmp_path, pki, odoo_key, worker):
    config = load_config(_config_text(tmp_path, pki, odoo_key, keys=(("signer", "personal"),)))
    return create_local_app(config, worker)


def test_a_signature_not_matching_the_certificate_is_withheld(tmp_path, pki, odoo_key):
    wrong = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    envelope = _envelope(odoo_key, pki)
    to_sign = base64.b64decode(payload_of(envelope)["to_sign"])
    signature = wrong.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    app = _app(tmp_path, pki, odoo_key, _Worker(pki, signature))
    _, text, answer = asyncio.run(_confirm_in_process(app, envelope))
    assert "Không ký được" in text and "does not match" in unescape(text)
    assert answer["status"] == "failed" and "signature" not in answer
    assert "does not match" in answer["error_en"]


def test_a_pulled_out_token_leaves_the_request_pending(tmp_path, pki, odoo_key):
    removed = TokenError("Token đã bị rút.", "The token was removed.")
    app = _app(tmp_path, pki, odoo_key, _Worker(pki, removed))
    status, text, answer = asyncio.run(_confirm_in_process(app, _envelope(odoo_key, pki)))
    assert status == 503 and "Token đã bị rút" in text and "removed" in text
    assert 'name="csrf"' in text  # the official may plug it in and press Sign again
    assert answer["status"] == "pending"
