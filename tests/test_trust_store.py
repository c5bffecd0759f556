"""The shipped trust store (snn_sign/trust/vn): the real public certificates of VGCA (G1, G2) and
of the national roots, each the one an independent source pins, each intermediate signed by its
issuer; a damaged copy is refused rather than trusted.

The fingerprints below are copied from the pin sources named in index.json ("pin_source"), not
computed from the shipped files:
- VGCA G1 root, G1 "Co quan chung thuc so Chinh phu", G2 root, "CA phục vụ các cơ quan Nhà nước
  G2": the SHA-256 pins RootG1Sha256, SubCaG1Sha256, RootG2Sha256 and IntermediateCaPins
  ["cpg2.crt"] of a verifier's SignatureConstants.cs (public code index, file id 61480242145);
- Vietnam National Root CA and MIC National Root CA: the DER of byte-identical copies found in
  unrelated projects (file ids 14043825909 and 1864265387), hashed outside this project's files;
  the national root's SHA-1 is also the file name a NEAC root import script gives it (file id
  59100452400).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from importlib import resources

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from snn_sign.errors import SnnSignError
from snn_sign.trust import (
    TrustStoreError,
    default_certificates,
    default_intermediates,
    default_roots,
    read_store,
)
from snn_sign_testkit.pki import make_ca

# file -> (SHA-256 of the DER from the pin source, subject CN, kind)
PINS = {
    "vgca-g1-root.pem": (
        "F7BC89054CEC7F12730D7B8CD3EB7955B163835087E5EB873EDFB584763B3F90",
        "Co quan chung thuc so chuyen dung Chinh phu (RootCA)",
        "root",
    ),
    "vgca-g1-cp.pem": (
        "75E969C07BA35C29C72BBC1BFB880F20F3891A619B00B77EB02CA6160736A1FE",
        "Co quan chung thuc so Chinh phu",
        "intermediate",
    ),
    "vgca-g2-root.pem": (
        "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8",
        "RootCA chuyên dùng Chính phủ G2",
        "root",
    ),
    "vgca-g2-cp.pem": (
        "D8CAB7A4AEF92E6BB2509D7C61CEE7B44F3731B2D21074963530277B366FAE4B",
        "CA phục vụ các cơ quan Nhà nước G2",
        "intermediate",
    ),
    "vn-national-root-ca.pem": (
        "BAC8BF609AB420A8EE1780D74F4DE5C7F7184959D2A7375B0A75E4C29F0908E7",
        "Vietnam National Root CA",
        "root",
    ),
    "mic-national-root-ca.pem": (
        "CA918D635BB130BEC97639E6AABF7EDBC4EB1310F8058B9419F467AE0230AD8C",
        "MIC National Root CA",
        "root",
    ),
}
NATIONAL_ROOT_SHA1 = "8EA95975898EFEF73B5CA92BF03F712BFBC7615F"


def _store():
    return resources.files("snn_sign").joinpath("trust").joinpath("vn")


def _index() -> dict[str, dict]:
    data = json.loads(_store().joinpath("index.json").read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in data["certificates"]}


def _x509(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def _cn(name: x509.Name) -> str:
    return name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def _check_signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> None:
    """The certificate's signature checked with the issuer's RSA key. Not
    verify_directly_issued_by: that refuses SHA-1, with which the G1 and MIC certificates are
    signed."""
    issuer.public_key().verify(
        cert.signature, cert.tbs_certificate_bytes, PKCS1v15(), cert.signature_hash_algorithm
    )


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_every_certificate_is_the_pinned_one():
    certificates = default_certificates()
    assert [c.file for c in certificates] == list(PINS)  # none missing, none extra
    for cert in certificates:
        pin, common_name, kind = PINS[cert.file]
        parsed = _x509(cert.pem)
        der = parsed.public_bytes(Encoding.DER)
        assert hashlib.sha256(der).hexdigest().upper() == pin, cert.file
        assert cert.sha256 == pin and cert.kind == kind
        assert _cn(parsed.subject) == common_name == cert.name
        assert cert.source and cert.pin_source and cert.use, cert.file
    national = next(c for c in certificates if c.file == "vn-national-root-ca.pem")
    der = _x509(national.pem).public_bytes(Encoding.DER)
    assert hashlib.sha1(der).hexdigest().upper() == NATIONAL_ROOT_SHA1


def test_names_and_validity_are_as_the_index_says():
    index = _index()
    assert set(index) == set(PINS)
    for name, entry in index.items():
        parsed = _x509(_store().joinpath(name).read_bytes())
        assert _cn(parsed.subject) == entry["name"]
        assert parsed.not_valid_before_utc == _utc(entry["not_before"]), name
        assert parsed.not_valid_after_utc == _utc(entry["not_after"]), name
    # the dates the VGCA notes give (G1 2010-2030, G2 2018-2048)
    assert index["vgca-g1-root.pem"]["not_after"].startswith("2030-03-05")
    assert index["vgca-g2-root.pem"]["not_after"].startswith("2048-08-14")


def test_roots_are_self_signed_and_each_intermediate_verifies_under_its_issuer():
    by_file = {c.file: c for c in default_certificates()}
    for cert in by_file.values():
        parsed = _x509(cert.pem)
        if cert.kind == "root":
            assert cert.issuer is None
            assert parsed.issuer == parsed.subject
            _check_signed_by(parsed, parsed)
            assert parsed.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        else:
            issuer = _x509(by_file[cert.issuer].pem)
            assert parsed.issuer == issuer.subject
            _check_signed_by(parsed, issuer)  # raises InvalidSignature otherwise
    assert {c.file: c.issuer for c in by_file.values() if c.kind == "intermediate"} == {
        "vgca-g1-cp.pem": "vgca-g1-root.pem",
        "vgca-g2-cp.pem": "vgca-g2-root.pem",
    }
    # the check can fail: the G2 intermediate is not signed by the G1 root's key
    g1_root = _x509(by_file["vgca-g1-root.pem"].pem)
    g2_cp = _x509(by_file["vgca-g2-cp.pem"].pem)
    with pytest.raises(InvalidSignature):
        _check_signed_by(g2_cp, g1_root)


def test_roots_and_intermediates_for_verify_pdf():
    assert [_cn(_x509(p).subject) for p in default_roots()] == [
        "Co quan chung thuc so chuyen dung Chinh phu (RootCA)",
        "RootCA chuyên dùng Chính phủ G2",
        "Vietnam National Root CA",
        "MIC National Root CA",
    ]
    assert [_cn(_x509(p).subject) for p in default_intermediates()] == [
        "Co quan chung thuc so Chinh phu",
        "CA phục vụ các cơ quan Nhà nước G2",
    ]


@pytest.fixture
def copy(tmp_path):
    """A copy of the shipped folder, to damage."""
    with resources.as_file(_store()) as folder:
        shutil.copytree(folder, tmp_path / "vn")
    return tmp_path / "vn"


def test_an_intact_copy_reads_like_the_shipped_store(copy):
    assert [c.sha256 for c in read_store(copy)] == [pin for pin, _cn, _k in PINS.values()]


def test_one_byte_changed_in_a_certificate_is_refused(copy):
    path = copy / "vgca-g2-root.pem"
    lines = path.read_bytes().split(b"\n")
    # a base64 character inside the signature value (the certificate still parses)
    line = lines[-4]
    lines[-4] = line[:10] + (b"A" if line[10:11] != b"A" else b"B") + line[11:]
    path.write_bytes(b"\n".join(lines))
    _x509(path.read_bytes())  # still a certificate: only the fingerprint tells
    with pytest.raises(TrustStoreError) as caught:
        read_store(copy)
    assert isinstance(caught.value, SnnSignError)
    assert "vgca-g2-root.pem" in caught.value.en and "SHA-256" in caught.value.en
    assert "vgca-g2-root.pem" in caught.value.vi and "không khớp" in caught.value.vi


def test_a_fingerprint_changed_in_the_index_is_refused(copy):
    index = json.loads((copy / "index.json").read_text(encoding="utf-8"))
    index["certificates"][0]["sha256"] = "00" * 32
    (copy / "index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(TrustStoreError, match=r"vgca-g1-root\.pem"):
        read_store(copy)


def test_a_missing_file_is_refused(copy):
    (copy / "vgca-g1-cp.pem").unlink()
    with pytest.raises(TrustStoreError, match=r"vgca-g1-cp\.pem is missing"):
        read_store(copy)


def test_a_certificate_dropped_into_the_folder_is_not_trusted(copy):
    """Only the files the index names are read: a root planted next to them stays out."""
    planted = make_ca("Planted Root CA")[0]
    (copy / "planted.pem").write_bytes(planted.public_bytes(Encoding.PEM))
    read = read_store(copy)
    assert [c.file for c in read] == list(PINS)
    assert all(_x509(c.pem).subject != planted.subject for c in read)
