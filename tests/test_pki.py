"""The demo PKI: certificates as specified, private keys only on the token, images."""

from __future__ import annotations

import io
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from PIL import Image

from snn_sign.errors import TokenError
from snn_sign_testkit.pki import _write_private, create_demo_pki, make_seal_png, make_signature_png


def _cert(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _cn(cert: x509.Certificate) -> str:
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def test_certificates(pki):
    ca, signer, seal = _cert(pki.ca_cert), _cert(pki.signer_cert), _cert(pki.seal_cert)
    assert _cn(signer) == pki.signer_name == "Nguyễn Công Hàm"
    assert _cn(seal) == pki.org_name == "Sở Nông nghiệp và PTNT Tuyên Quang"
    for cert in (signer, seal):
        cert.verify_directly_issued_by(ca)
        assert isinstance(cert.public_key(), rsa.RSAPublicKey)
        assert cert.public_key().key_size == 2048
        assert cert.signature_hash_algorithm.name == "sha256"
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment
        assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_only_the_ca_key_is_on_disk(pki):
    holders = [p.name for p in pki.directory.rglob("*.pem") if b"PRIVATE KEY" in p.read_bytes()]
    assert holders == ["ca_key.pem"]
    for secret in (pki.ca_key, pki.pin_file):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert pki.pin_file.read_text().strip() == pki.pin
    assert pki.pin not in repr(pki)
    conf = pki.softhsm2_conf.read_text()
    assert f"directories.tokendir = {pki.tokendir}" in conf
    assert pki.tokendir.is_relative_to(pki.directory)


def test_secret_files_are_0600_even_when_they_existed(tmp_path):
    old = tmp_path / "pin"
    old.write_text("old")
    old.chmod(0o644)
    _write_private(old, b"1234\n")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and old.read_bytes() == b"1234\n"
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "ca_key.pem").symlink_to(elsewhere)
    with pytest.raises(OSError):
        _write_private(tmp_path / "ca_key.pem", b"secret")
    assert not elsewhere.exists()


def test_existing_token_store_is_not_overwritten(pki):
    with pytest.raises(TokenError) as info:
        create_demo_pki(pki.directory, pin="1234")
    assert "already holds a token" in info.value.en and "đã có token" in info.value.vi


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGBA"
    return image


def test_seal_image_is_red_round_and_real_size():
    image = _image(make_seal_png("Sở Nông nghiệp và PTNT Tuyên Quang"))
    assert image.size == (425, 425)  # 36 mm at 300 dpi
    assert round(image.info["dpi"][0]) == 300
    assert image.getpixel((0, 0))[3] == 0  # transparent corner
    r, g, b, a = image.getpixel((212, 6))  # top of the outer ring
    assert a > 0 and r > 150 and g < 80 and b < 80


def test_signature_image_is_blue_on_transparent():
    image = _image(make_signature_png("Nguyễn Công Hàm"))
    assert image.getpixel((0, 0))[3] == 0
    opaque = [p for p in image.getdata() if p[3] > 200]
    assert opaque and all(b > r and b > g for r, g, b, _ in opaque)
    assert make_signature_png("Nguyễn Công Hàm") == make_signature_png("Nguyễn Công Hàm")
