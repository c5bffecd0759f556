"""The keys the bridge exposes: configured labels matched with the token's keys and
certificates, parsed ONCE at start (the request path only looks things up)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from snn_sign.errors import BadInputError, TokenError
from snn_token_bridge.config import KeyConfig
from snn_token_bridge.token import TokenKey, TokenWorker

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@dataclass(frozen=True)
class BridgeKey:
    label: str
    purpose: str
    key_type: str
    key_size: int
    not_before: dt.datetime
    not_after: dt.datetime
    info: dict  # JSON for GET /v1/keys, without the time-dependent fields
    public_key: rsa.RSAPublicKey

    def signature_ok(self, signature: bytes, data: bytes, digest_algorithm: str) -> bool:
        """Check the token's answer before releasing it: a faulty RSA-CRT signature would
        leak the private key, and a wrong key/certificate pairing would make invalid PDFs."""
        try:
            self.public_key.verify(signature, data, padding.PKCS1v15(), _HASHES[digest_algorithm]())
        except InvalidSignature:
            return False
        return True

    def validity_problem(self, now: dt.datetime) -> str | None:
        """'expired', 'not-yet-valid' or None."""
        if now > self.not_after:
            return "expired"
        if now < self.not_before:
            return "not-yet-valid"
        return None

    def public_info(self, now: dt.datetime) -> dict:
        return {**self.info, "valid_now": self.validity_problem(now) is None}


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _chain(leaf: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """Leaf first, then issuers found in ``pool`` (signature-checked), up to a root."""
    chain = [leaf]
    current = leaf
    while current.issuer != current.subject and len(chain) < 8:
        for candidate in pool:
            if candidate.subject != current.issuer or candidate in chain:
                continue
            if not _issued_by(current, candidate):
                continue
            chain.append(candidate)
            current = candidate
            break
        else:
            break
    return chain


def _token_certificate(label: str, der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise TokenError(
            f"Chứng thư {label!r} trên token không đọc được (không phải X.509 DER).",
            f"The certificate {label!r} on the token cannot be read (not X.509 DER).",
        ) from None


def _chain_file(path: Path) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except OSError as exc:
        raise BadInputError(
            f"Cấu hình token bridge: không đọc được chain_files {path}: {exc.strerror}",
            f"Token bridge configuration: cannot read chain_files {path}: {exc.strerror}",
        ) from None
    except ValueError:
        raise BadInputError(
            f"Cấu hình token bridge: {path} (chain_files) không chứa chứng thư PEM hợp lệ",
            f"Token bridge configuration: {path} (chain_files) holds no valid PEM certificate",
        ) from None


def _refuse_duplicates(
    label: str,
    token_keys: list[TokenKey],
    certificates: list[tuple[str, bytes]],
    *,
    keys_visible: bool = True,
) -> None:
    """Two objects with a configured label: whichever one a lookup returned first would sign,
    perhaps with the wrong person's key or an old certificate. Refuse rather than guess.
    ``keys_visible`` False: not logged in, the private keys are checked at each signature."""
    n_keys = sum(1 for key in token_keys if key.label == label)
    if keys_visible and n_keys > 1:
        raise TokenError(
            f"Token có {n_keys} khóa riêng cùng nhãn {label!r}; bridge không đoán dùng khóa nào "
            "nên dừng. Hãy đổi nhãn hoặc xóa khóa thừa.",
            f"The token holds {n_keys} private keys labelled {label!r}; the bridge will not "
            "guess which one to use and stops. Rename or delete the extra key.",
        )
    n_certs = sum(1 for cert_label, _ in certificates if cert_label == label)
    if n_certs > 1:
        raise TokenError(
            f"Token có {n_certs} chứng thư cùng nhãn {label!r}; bridge không đoán dùng chứng thư "
            "nào nên dừng. Hãy xóa chứng thư cũ hoặc đổi nhãn.",
            f"The token holds {n_certs} certificates labelled {label!r}; the bridge will not "
            "guess which one to use and stops. Delete the old certificate or rename it.",
        )


def load_keys(
    worker: TokenWorker, configured: tuple[KeyConfig, ...], extra_chain: tuple[Path, ...] = ()
) -> dict[str, BridgeKey]:
    """Match the configured keys with the token. A configured key missing from the token, or
    without a certificate, or sharing its label with another key or certificate on the token,
    stops the bridge at start with a clear error."""
    token_keys = worker.list_keys()
    certificates = worker.list_certificates()
    # Before login (the PIN typed for each signature) the token shows certificates only.
    keys_visible = getattr(worker, "logged_in", True)
    for conf in configured:
        _refuse_duplicates(conf.label, token_keys, certificates, keys_visible=keys_visible)
    on_token = {k.label: k for k in token_keys}
    pool = [_token_certificate(label, der) for label, der in certificates]
    for path in extra_chain:
        pool.extend(_chain_file(Path(path)))
    result = {}
    for conf in configured:
        token_key = on_token.get(conf.label)
        if token_key is None and not keys_visible:
            raise TokenError(
                f"Token không có chứng thư nhãn {conf.label!r} đã khai báo trong cấu hình.",
                f"The token has no certificate labelled {conf.label!r} declared in the "
                "configuration.",
            )
        if token_key is None:
            raise TokenError(
                f"Token không có khóa {conf.label!r} đã khai báo trong cấu hình.",
                f"The token has no key {conf.label!r} declared in the configuration.",
            )
        if token_key.cert_der is None:
            raise TokenError(
                f"Token không có chứng thư cho khóa {conf.label!r} (cùng CKA_ID).",
                f"The token has no certificate for key {conf.label!r} (same CKA_ID).",
            )
        if token_key.key_type != "rsa":
            raise TokenError(
                f"Khóa {conf.label!r} không phải RSA; bridge chỉ ký RSA.",
                f"Key {conf.label!r} is not RSA; the bridge signs with RSA only.",
            )
        cert = _token_certificate(conf.label, token_key.cert_der)
        public_key = cert.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise TokenError(
                f"Chứng thư của khóa {conf.label!r} không chứa khóa công khai RSA.",
                f"The certificate of key {conf.label!r} has no RSA public key.",
            )
        chain = _chain(cert, pool)
        info = {
            "label": conf.label,
            "purpose": conf.purpose,
            "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "serial": format(cert.serial_number, "x"),
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "key_type": token_key.key_type,
            "key_size": token_key.key_size,
            "certificate": _pem(cert),
            "chain": [_pem(c) for c in chain],
        }
        result[conf.label] = BridgeKey(
            conf.label,
            conf.purpose,
            token_key.key_type,
            token_key.key_size,
            cert.not_valid_before_utc,
            cert.not_valid_after_utc,
            info,
            public_key,
        )
    return result
