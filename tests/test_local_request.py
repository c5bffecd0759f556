"""Requests Odoo hands to a bridge on the official's PC (snn_sign.bridge.local_request): what
Odoo signs, and every way the bridge's check refuses one. In process, no bridge."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from helpers_local import (
    ODOO_ORIGIN,
    altered,
    der_of,
    pades_signed_attrs,
    payload_of,
    resigned,
)

from snn_sign.bridge import local_request as lr
from snn_sign.errors import BadInputError

NOW = 1_800_000_000
DOCUMENT = {"code": "125/QĐ-UBND", "subject": "Về việc phê duyệt", "organisation": "UBND xã"}


@pytest.fixture(scope="module")
def odoo_key():
    return lr.new_request_key()


@pytest.fixture(scope="module")
def to_sign(pki):
    return pades_signed_attrs(pki.signer_cert)


def _request(odoo_key, to_sign, **kwargs):
    args = {
        "key_label": "signer",
        "to_sign": to_sign,
        "document": DOCUMENT,
        "origin": ODOO_ORIGIN,
        "now": NOW,
        **kwargs,
    }
    return lr.make_request(odoo_key[0], **args)


def _refused(envelope, public_b64, *, origin=ODOO_ORIGIN, now=NOW + 10) -> lr.LocalRequestError:
    with pytest.raises(lr.LocalRequestError) as info:
        lr.verify_request(envelope, public_b64, origin=origin, now=now)
    error = info.value
    assert error.vi.startswith("Yêu cầu ký bị từ chối") and error.en.startswith("Signing request")
    assert str(error) == f"{error.vi} / {error.en}"
    return error


def test_round_trip_binds_the_document_digest(odoo_key, to_sign, pki):
    envelope = _request(odoo_key, to_sign)
    assert set(envelope) == {"payload", "signature"}
    payload = lr.verify_request(envelope, odoo_key[1], origin=ODOO_ORIGIN, now=NOW + 10)
    attributes = lr.read_signed_attributes(to_sign, "sha256")
    assert payload["document_digest"] == attributes.message_digest.hex()
    assert payload["to_sign_der"] == to_sign
    assert base64.b64decode(payload["to_sign"]) == to_sign
    assert payload["document"] == DOCUMENT
    assert payload["key_label"] == "signer" and payload["digest_algorithm"] == "sha256"
    assert payload["origin"] == ODOO_ORIGIN
    assert payload["expires_at"] - payload["issued_at"] == lr.DEFAULT_LIFETIME
    # The signature names the signer's certificate, not the seal's.
    assert lr.names_certificate(payload["signed_attributes"], der_of(pki.signer_cert))
    assert not lr.names_certificate(payload["signed_attributes"], der_of(pki.seal_cert))


def test_further_signatures_travel_with_their_kind_name_and_digest(odoo_key, to_sign, pki):
    seal_attrs = [pades_signed_attrs(pki.seal_cert) for _ in range(2)]
    more = [
        {"kind": "attachment", "name": "Phụ lục I", "to_sign": seal_attrs[0]},
        {"kind": "trail", "name": "125/QĐ-UBND", "to_sign": seal_attrs[1]},
    ]
    envelope = _request(odoo_key, to_sign, more=more)
    payload = lr.verify_request(envelope, odoo_key[1], origin=ODOO_ORIGIN, now=NOW + 10)
    parts = payload["more"]
    assert [(p.kind, p.name, p.to_sign) for p in parts] == [
        ("attachment", "Phụ lục I", seal_attrs[0]),
        ("trail", "125/QĐ-UBND", seal_attrs[1]),
    ]
    assert parts[0].attributes == lr.read_signed_attributes(seal_attrs[0], "sha256")
    assert (
        lr.verify_request(
            _request(odoo_key, to_sign), odoo_key[1], origin=ODOO_ORIGIN, now=NOW + 10
        )["more"]
        == ()
    )


def test_further_signatures_are_checked_by_odoo_and_by_the_bridge(odoo_key, to_sign):
    with pytest.raises(BadInputError, match="Unsupported kind"):
        _request(odoo_key, to_sign, more=[{"kind": "pdf", "name": "x", "to_sign": to_sign}])
    with pytest.raises(lr.LocalRequestError, match="not CMS signed attributes"):
        _request(odoo_key, to_sign, more=[{"kind": "trail", "name": "x", "to_sign": b"junk"}])
    too_many = [{"kind": "attachment", "name": "x", "to_sign": to_sign}] * (lr.MAX_MORE + 1)
    with pytest.raises(BadInputError, match=f"at most {lr.MAX_MORE + 1} signatures"):
        _request(odoo_key, to_sign, more=too_many)
    # What Odoo would not make, re-signed with its key, the bridge refuses all the same.
    payload = payload_of(_request(odoo_key, to_sign))
    b64 = base64.b64encode(to_sign).decode()
    for bad in (
        {"kind": "attachment", "name": "x", "to_sign": b64},  # not a list
        [{"kind": "macro", "name": "x", "to_sign": b64}],
        [{"kind": "trail", "name": 5, "to_sign": b64}],
        [{"kind": "trail", "name": "x", "to_sign": "not base64!"}],
        [{"kind": "trail", "name": "x", "to_sign": b64}] * (lr.MAX_MORE + 1),
    ):
        error = _refused(resigned(odoo_key[0], {**payload, "more": bad}), odoo_key[1])
        assert error.reason == "malformed"


def test_each_request_has_its_own_id(odoo_key, to_sign):
    ids = {payload_of(_request(odoo_key, to_sign))["request_id"] for _ in range(5)}
    assert len(ids) == 5


def test_public_key_is_32_raw_bytes(odoo_key):
    private_pem, public_b64 = odoo_key
    assert private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert len(base64.b64decode(public_b64)) == 32
    assert lr.public_key_b64(private_pem) == public_b64
    with pytest.raises(BadInputError):
        lr.load_public_key("not a key")
    with pytest.raises(BadInputError):
        lr.load_public_key(base64.b64encode(os.urandom(31)).decode())


def test_altered_payload_is_refused(odoo_key, to_sign):
    envelope = _request(odoo_key, to_sign)
    for change in ({"key_label": "seal"}, {"origin": "https://evil.example"}, {"version": 1}):
        error = _refused(altered(envelope, **change), odoo_key[1])
        assert error.reason == "bad-signature"
    swapped = {**envelope, "signature": _request(odoo_key, to_sign)["signature"]}
    assert _refused(swapped, odoo_key[1]).reason == "bad-signature"


def test_request_of_another_odoo_is_refused(odoo_key, to_sign):
    other_private, _ = lr.new_request_key()
    envelope = lr.make_request(
        other_private,
        key_label="signer",
        to_sign=to_sign,
        document=DOCUMENT,
        origin=ODOO_ORIGIN,
        now=NOW,
    )
    error = _refused(envelope, odoo_key[1])
    assert error.reason == "bad-signature"
    assert "another server" in error.en and "máy chủ khác" in error.vi


def test_times(odoo_key, to_sign):
    envelope = _request(odoo_key, to_sign, lifetime=60)
    lr.verify_request(envelope, odoo_key[1], origin=ODOO_ORIGIN, now=NOW + 60)
    assert _refused(envelope, odoo_key[1], now=NOW + 61).reason == "expired"
    # A PC clock a little behind Odoo's is tolerated, a lot behind is not.
    lr.verify_request(envelope, odoo_key[1], origin=ODOO_ORIGIN, now=NOW - lr.CLOCK_SKEW)
    error = _refused(envelope, odoo_key[1], now=NOW - lr.CLOCK_SKEW - 1)
    assert error.reason == "not-yet-valid" and "clock" in error.en


def test_long_lifetime_is_refused(odoo_key, to_sign):
    with pytest.raises(BadInputError):
        _request(odoo_key, to_sign, lifetime=lr.MAX_LIFETIME + 1)
    payload = payload_of(_request(odoo_key, to_sign))
    payload["expires_at"] = payload["issued_at"] + 86400
    assert _refused(resigned(odoo_key[0], payload), odoo_key[1]).reason == "lifetime"
    payload["expires_at"] = payload["issued_at"]
    assert _refused(resigned(odoo_key[0], payload), odoo_key[1]).reason == "lifetime"


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://odoo.example.gov.vn",
        "https://odoo.example.gov.vn:8443",
        None,
    ],
)
def test_origin_must_match(odoo_key, to_sign, origin):
    error = _refused(_request(odoo_key, to_sign), odoo_key[1], origin=origin)
    assert error.reason == "origin-mismatch"


def test_origin_is_compared_as_browsers_serialise_it(odoo_key, to_sign):
    envelope = _request(odoo_key, to_sign, origin="HTTPS://Odoo.Example.gov.vn/")
    assert payload_of(envelope)["origin"] == ODOO_ORIGIN
    lr.verify_request(envelope, odoo_key[1], origin=ODOO_ORIGIN, now=NOW)
    for bad in ("odoo.example.gov.vn", "https://odoo.example.gov.vn/web", "ftp://x", ""):
        with pytest.raises(BadInputError):
            lr.normalise_origin(bad)


def test_to_sign_must_be_signed_attributes(odoo_key, to_sign):
    with pytest.raises(lr.LocalRequestError):
        _request(odoo_key, os.urandom(200))
    payload = payload_of(_request(odoo_key, to_sign))
    # Odoo's signature is valid, but what it asks to sign is a bare hash: refused, so the
    # bridge never signs something that is not a CMS signature's attributes.
    payload["to_sign"] = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    assert _refused(resigned(odoo_key[0], payload), odoo_key[1]).reason == "bad-to-sign"
    payload["to_sign"] = "***"
    assert _refused(resigned(odoo_key[0], payload), odoo_key[1]).reason == "malformed"


def test_message_digest_must_be_the_documents(odoo_key, to_sign, pki):
    payload = payload_of(_request(odoo_key, to_sign))
    payload["document_digest"] = hashlib.sha256(b"another document").hexdigest()
    assert _refused(resigned(odoo_key[0], payload), odoo_key[1]).reason == "digest-mismatch"
    # to_sign of another document with this document's digest claimed
    payload = payload_of(_request(odoo_key, to_sign))
    other = pades_signed_attrs(pki.signer_cert)
    payload["to_sign"] = base64.b64encode(other).decode()
    assert _refused(resigned(odoo_key[0], payload), odoo_key[1]).reason == "digest-mismatch"


@pytest.mark.parametrize(
    "envelope",
    [
        None,
        [],
        {"payload": "abc"},
        {"payload": "a+b/", "signature": "x"},
        {"payload": "a" * (lr.MAX_ENVELOPE_CHARS + 1), "signature": "x"},
    ],
)
def test_malformed_envelopes(odoo_key, envelope):
    assert _refused(envelope, odoo_key[1]).reason == "malformed"


def test_payload_fields_are_checked_after_the_signature(odoo_key, to_sign):
    payload = payload_of(_request(odoo_key, to_sign))
    for change, reason in (
        ({"type": "something-else"}, "malformed"),
        ({"version": 2}, "unsupported-version"),
        ({"request_id": "short"}, "malformed"),
        ({"issued_at": "soon"}, "malformed"),
        ({"digest_algorithm": "md5"}, "bad-digest-algorithm"),
        ({"document": "x"}, "malformed"),
    ):
        envelope = resigned(odoo_key[0], {**payload, **change})
        assert _refused(envelope, odoo_key[1]).reason == reason, change


def test_document_fields_are_checked_by_odoo(odoo_key, to_sign):
    with pytest.raises(BadInputError):
        _request(odoo_key, to_sign, document={"code": 12})
    with pytest.raises(BadInputError):
        _request(odoo_key, to_sign, document={"subject": "x" * (lr.MAX_FIELD_CHARS + 1)})
    with pytest.raises(BadInputError):
        _request(odoo_key, to_sign, digest_algorithm="md5")
