"""A demo PKI for tests and the demo: a test CA, a personal (signer) and an organisation (seal)
certificate, signature and seal images, and a SoftHSM2 token holding the two private keys.

NOT for real use: the CA key is written to the demo directory (``ca_key.pem``) so that tests can
issue more certificates. The signer and seal private keys never touch the disk: they are created
in memory and imported into the token (non-extractable).

Importing runs in a short child process (``python -m snn_sign_testkit.pki``): python-pkcs11 loads a
module once per process and SoftHSM2 reads ``SOFTHSM2_CONF`` only when loaded, so importing in
the caller's process would pin it to whatever configuration was current then.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from snn_sign.errors import TokenError
from snn_sign_testkit.demo_images import make_seal_png, make_signature_png

__all__ = [
    "DEFAULT_ORG",
    "DEFAULT_SIGNER",
    "DemoPki",
    "create_demo_pki",
    "import_keys_to_token",
    "issue_cert",
    "issue_tsa_cert",
    "make_ca",
    "make_seal_png",
    "make_signature_png",
]

DEFAULT_ORG = "Sở Nông nghiệp và PTNT Tuyên Quang"
DEFAULT_SIGNER = "Nguyễn Công Hàm"
DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
Purpose = Literal["personal", "organization"]

# CKA_ID of the objects on the demo token; certificate and key share it.
_KEY_IDS = {"signer": b"\x01", "seal": b"\x02", "ca": b"\xca"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Tuyên Quang"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """A CA signs certificates and CRLs only; an end entity signs documents only
    (digitalSignature + nonRepudiation, as the signing certificates of Vietnamese CAs)."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(
    common_name: str = "SNN Demo CA (thử nghiệm, không dùng thật)",
    org: str = DEFAULT_ORG,
    *,
    valid_from: dt.datetime | None = None,
    days: int = 3650,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A self-signed test root CA (RSA-2048, SHA-256)."""
    key = _new_key()
    start = valid_from or _now() - dt.timedelta(days=1)
    name = _name(common_name, org)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def issue_cert(
    ca_cert: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    *,
    common_name: str,
    org: str,
    purpose: Purpose = "personal",
    valid_from: dt.datetime | None = None,
    days: int = 730,
    ocsp_url: str | None = None,
    crl_url: str | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A signing certificate (digitalSignature + nonRepudiation) for a person or, with
    ``purpose="organization"``, for the organisation's seal (then CN = the organisation).
    ``ocsp_url`` / ``crl_url``: where its revocation is answered (AIA, CRL distribution
    points), as a real CA's certificates say (see trust_services)."""
    if purpose not in ("personal", "organization"):
        raise ValueError(f"purpose must be 'personal' or 'organization', not {purpose!r}")
    key = _new_key()
    start = valid_from or _now() - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(org if purpose == "organization" else common_name, org))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
    )
    cert = _with_revocation_urls(builder, ocsp_url, crl_url).sign(ca_key, hashes.SHA256())
    return cert, key


def _with_revocation_urls(builder, ocsp_url: str | None, crl_url: str | None):
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    return builder


def issue_tsa_cert(
    ca_cert: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    *,
    org: str,
    crl_url: str | None = None,
    days: int = 3650,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A time-stamping authority's certificate (digitalSignature, extended key usage
    timeStamping, critical, as RFC 3161 2.3 requires)."""
    key = _new_key()
    start = _now() - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("SNN Demo TSA (thử nghiệm, không dùng thật)", org))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
    )
    cert = _with_revocation_urls(builder, None, crl_url).sign(ca_key, hashes.SHA256())
    return cert, key


@dataclass(frozen=True)
class DemoPki:
    """Where everything of a demo PKI lives. ``pin`` is kept in memory only (repr hides it);
    ``pin_file`` (mode 0600, inside ``directory``) holds it for the demo bridge config."""

    directory: Path
    softhsm2_conf: Path
    tokendir: Path
    ca_cert: Path
    ca_key: Path
    signer_cert: Path
    seal_cert: Path
    signature_png: Path
    seal_png: Path
    pin_file: Path
    token_label: str
    module: str
    org_name: str
    signer_name: str
    pin: str = field(repr=False)
    signer_label: str = "signer"
    seal_label: str = "seal"
    # Made with services_url only: the TSA's certificate and (test) key, see trust_services.
    tsa_cert: Path | None = None
    tsa_key: Path | None = None

    def env(self) -> dict[str, str]:
        """Environment variables a process needs to see this token."""
        return {"SOFTHSM2_CONF": str(self.softhsm2_conf)}

    def load_ca(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """The CA certificate and key, to issue more test certificates."""
        cert = x509.load_pem_x509_certificate(self.ca_cert.read_bytes())
        key = serialization.load_pem_private_key(self.ca_key.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return cert, key

    def import_key(
        self, label: str, key_id: bytes, cert: x509.Certificate, key: rsa.RSAPrivateKey
    ) -> None:
        """Import one more key + certificate into the demo token (for tests)."""
        import_keys_to_token(
            self.module,
            self.token_label,
            self.pin,
            [(label, key_id, cert, key)],
            softhsm2_conf=self.softhsm2_conf,
        )


def _write_private(path: Path, data: bytes) -> None:
    """Write a secret readable by the owner only. os.open's mode applies only to a new file, so
    an existing one is chmod-ed before the secret goes in; O_NOFOLLOW refuses a planted symlink
    that would send the key elsewhere."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(data)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _child_env(softhsm2_conf: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if softhsm2_conf is not None:
        env["SOFTHSM2_CONF"] = str(softhsm2_conf)
    return env


def import_keys_to_token(
    module: str,
    token_label: str,
    pin: str,
    items: list[tuple[str, bytes, x509.Certificate, rsa.RSAPrivateKey | None]],
    *,
    softhsm2_conf: Path | None = None,
) -> None:
    """Import (label, id, certificate, private key or None) into the token, in a child process
    that gets the keys and the PIN through a pipe (nothing on disk, nothing on the command
    line)."""
    payload = {
        "module": module,
        "token_label": token_label,
        "pin": pin,
        "objects": [
            {
                "label": label,
                "id": key_id.hex(),
                "cert": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
                "key": None
                if key is None
                else base64.b64encode(
                    key.private_bytes(
                        serialization.Encoding.DER,
                        serialization.PrivateFormat.TraditionalOpenSSL,  # PKCS#1
                        serialization.NoEncryption(),
                    )
                ).decode(),
            }
            for label, key_id, cert, key in items
        ],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "snn_sign_testkit.pki"],
        input=json.dumps(payload).encode(),
        env=_child_env(softhsm2_conf),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise TokenError(
            f"Không nhập được khóa vào token {token_label!r}: {detail[0]}",
            f"Could not import keys into token {token_label!r}: {detail[0]}",
        )


def _import_main() -> int:
    """Child side of :func:`import_keys_to_token`: read the JSON payload on stdin."""
    import pkcs11  # noqa: PLC0415 - loaded only in this child process
    from pkcs11 import Attribute, ObjectClass  # noqa: PLC0415
    from pkcs11.util.rsa import decode_rsa_private_key  # noqa: PLC0415
    from pkcs11.util.x509 import decode_x509_certificate  # noqa: PLC0415

    payload = json.loads(sys.stdin.buffer.read())
    lib = pkcs11.lib(payload["module"])
    token = lib.get_token(token_label=payload["token_label"])
    with token.open(rw=True, user_pin=payload["pin"]) as session:
        for obj in payload["objects"]:
            label, key_id = obj["label"], bytes.fromhex(obj["id"])
            if obj["key"] is not None:
                attrs = decode_rsa_private_key(base64.b64decode(obj["key"]))
                attrs.update(
                    {
                        Attribute.TOKEN: True,
                        Attribute.PRIVATE: True,
                        Attribute.SENSITIVE: True,
                        Attribute.EXTRACTABLE: False,
                        Attribute.SIGN: True,
                        Attribute.DECRYPT: False,
                        Attribute.UNWRAP: False,
                        Attribute.LABEL: label,
                        Attribute.ID: key_id,
                    }
                )
                session.create_object(attrs)
            cert_attrs = decode_x509_certificate(base64.b64decode(obj["cert"]))
            cert_attrs.update({Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: key_id})
            assert cert_attrs[Attribute.CLASS] == ObjectClass.CERTIFICATE
            session.create_object(cert_attrs)
    return 0


def _init_token(conf: Path, label: str, pin: str, so_pin: str) -> None:
    # softhsm2-util from PATH (Debian: /usr/bin); the PINs of a throwaway demo token are on its
    # command line for the instant it runs, which is acceptable for test keys only.
    tool = shutil.which("softhsm2-util")
    if tool is None:
        raise TokenError(
            "Không tìm thấy softhsm2-util; hãy cài gói softhsm2 (apt-get install softhsm2).",
            "softhsm2-util not found; install the softhsm2 package (apt-get install softhsm2).",
        )
    command = [tool, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin]
    proc = subprocess.run(  # noqa: S603 - fixed tool, arguments as a list, no shell
        command, env=_child_env(conf), capture_output=True, check=False, timeout=60
    )
    if proc.returncode != 0:
        raise TokenError(
            f"softhsm2-util không khởi tạo được token: {proc.stderr.decode(errors='replace')}",
            f"softhsm2-util could not initialise the token: {proc.stderr.decode(errors='replace')}",
        )


def create_demo_pki(
    directory: str | os.PathLike[str],
    *,
    token_label: str = "snn-demo",  # noqa: S107 - a label, not a password
    pin: str,
    so_pin: str | None = None,
    org_name: str = DEFAULT_ORG,
    signer_name: str = DEFAULT_SIGNER,
    softhsm_module: str = DEFAULT_MODULE,
    services_url: str | None = None,
) -> DemoPki:
    """Create a fresh demo PKI and SoftHSM2 token in ``directory`` (created if missing; an
    existing token store there is refused rather than overwritten).

    ``services_url`` (e.g. a bound :class:`~snn_sign_testkit.trust_services.TrustServices`'
    url): the signer's and the seal's certificates name its OCSP responder and CRL, and a TSA
    certificate is made for it, as a real CA's services are named in its certificates."""
    base = Path(directory).resolve()
    tokendir = base / "tokens"
    if tokendir.exists() and any(tokendir.iterdir()):
        raise TokenError(
            f"Thư mục {base} đã có token; hãy dùng thư mục trống.",
            f"{base} already holds a token store; use an empty directory.",
        )
    tokendir.mkdir(parents=True, exist_ok=True)
    conf = base / "softhsm2.conf"
    conf.write_text(
        "# SoftHSM2 store of the snn_sign demo token (test keys only)\n"
        f"directories.tokendir = {tokendir}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n",
        encoding="utf-8",
    )
    _init_token(conf, token_label, pin, so_pin or secrets.token_hex(8))

    ca_cert, ca_key = make_ca(org=org_name)
    urls = {}
    if services_url:
        urls = {"ocsp_url": f"{services_url}/ocsp", "crl_url": f"{services_url}/crl"}
    signer_cert, signer_key = issue_cert(
        ca_cert, ca_key, common_name=signer_name, org=org_name, purpose="personal", **urls
    )
    seal_cert, seal_key = issue_cert(
        ca_cert, ca_key, common_name=org_name, org=org_name, purpose="organization", **urls
    )
    import_keys_to_token(
        softhsm_module,
        token_label,
        pin,
        [
            ("signer", _KEY_IDS["signer"], signer_cert, signer_key),
            ("seal", _KEY_IDS["seal"], seal_cert, seal_key),
            ("ca", _KEY_IDS["ca"], ca_cert, None),
        ],
        softhsm2_conf=conf,
    )
    del signer_key, seal_key  # only the token holds them now

    paths = {
        "ca_cert": base / "ca_cert.pem",
        "ca_key": base / "ca_key.pem",
        "signer_cert": base / "signer_cert.pem",
        "seal_cert": base / "seal_cert.pem",
        "signature_png": base / "signature.png",
        "seal_png": base / "seal.png",
        "pin_file": base / "pin",
    }
    paths["ca_cert"].write_bytes(_pem(ca_cert))
    _write_private(
        paths["ca_key"],
        ca_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    paths["signer_cert"].write_bytes(_pem(signer_cert))
    paths["seal_cert"].write_bytes(_pem(seal_cert))
    paths["signature_png"].write_bytes(make_signature_png(signer_name))
    paths["seal_png"].write_bytes(make_seal_png(org_name))
    _write_private(paths["pin_file"], pin.encode() + b"\n")
    if services_url:
        tsa_cert, tsa_key = issue_tsa_cert(ca_cert, ca_key, org=org_name, crl_url=urls["crl_url"])
        paths["tsa_cert"] = base / "tsa_cert.pem"
        paths["tsa_key"] = base / "tsa_key.pem"
        paths["tsa_cert"].write_bytes(_pem(tsa_cert))
        _write_private(
            paths["tsa_key"],
            tsa_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
    return DemoPki(
        directory=base,
        softhsm2_conf=conf,
        tokendir=tokendir,
        token_label=token_label,
        module=softhsm_module,
        org_name=org_name,
        signer_name=signer_name,
        pin=pin,
        **paths,
    )


if __name__ == "__main__":
    sys.exit(_import_main())
