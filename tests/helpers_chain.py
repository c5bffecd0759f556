"""Small CA hierarchies for verification tests: CAs of any depth (and any name), and leaf
signers whose CMS embeds only their own certificate, as VGCA tools do."""

from __future__ import annotations

import datetime as dt

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.signers import SimpleSigner

from snn_sign_testkit.pki import issue_cert


def ca_pair(name: str, issuer=None, *, path_length: int | None, subject=None):
    """A CA certificate and key: self-signed, or issued by ``issuer`` (certificate, key);
    ``subject`` (an x509.Name) replaces the one made from ``name``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = subject or x509.Name(
        [
            x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, "Ban Cơ yếu (thử nghiệm)"),
            x509.NameAttribute(x509.NameOID.COMMON_NAME, name),
        ]
    )
    parent_cert, parent_key = issuer or (None, key)
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(parent_cert.subject if parent_cert else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(parent_key, hashes.SHA256())
    )
    return cert, key


def leaf_signer(ca_cert, ca_key, name: str, org: str) -> SimpleSigner:
    """A signer whose CMS carries its own certificate and no other (cert_registry=None)."""
    cert, key = issue_cert(ca_cert, ca_key, common_name=name, org=org)
    der = serialization.Encoding.DER
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=None,
    )
