"""Access to a PKCS#11 token: every call on ONE dedicated worker thread.

SoftHSM2 with python-pkcs11 fails (GeneralError) when two sessions are used from two threads at
once, and real USB tokens are single-threaded devices anyway. So the worker owns the library,
the one session and the key handles; callers submit work and wait for (or await) the result.

A wrong PIN is reported and never retried: tokens lock after a few wrong PINs.

Two ways to log in. With a PIN at start (the server profile, or a local profile with pin_env /
pin_file) the one session stays logged in. Without one (a clerk's PC whose bridge asks for the
PIN on each confirmation page) the session stays public: it sees the certificates only, and
each signature logs in with the PIN typed for it, signs, and logs out again.
"""

from __future__ import annotations

import concurrent.futures
import logging
from dataclasses import dataclass

import pkcs11  # importing loads no module; pkcs11.lib() in the worker does
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, KeyType, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11e

from snn_sign.errors import TokenError

log = logging.getLogger(__name__)

# Digest algorithm (pyHanko / asn1crypto name) -> (PKCS#11 RSA mechanism name, digest size).
RSA_MECHANISMS = {
    "sha256": ("SHA256_RSA_PKCS", 32),
    "sha384": ("SHA384_RSA_PKCS", 48),
    "sha512": ("SHA512_RSA_PKCS", 64),
}
# The DER of DigestInfo (RFC 8017, 9.2, note 1) before the digest bytes: CKM_RSA_PKCS over
# prefix + digest is the signature the mechanisms above make over the data itself.
DIGEST_INFO_PREFIXES = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


class UnknownKeyError(TokenError):
    """The token holds no private key with the requested label."""


class WrongPinError(TokenError):
    """The PIN typed for one signature was refused; the token counts it."""


class PinLockedError(TokenError):
    """The token's PIN is locked, or one more wrong PIN would lock it."""


@dataclass(frozen=True)
class TokenKey:
    """A private key on the token with its certificate (DER, or None when the token has no
    certificate with the same ID)."""

    label: str
    key_id: bytes
    key_type: str  # "rsa" (the only type signed here)
    key_size: int  # bits
    cert_der: bytes | None


class TokenWorker:
    """One PKCS#11 session, logged in, used from one worker thread.

    ``start()`` loads the module, finds the token by label (SoftHSM2 shows an extra empty slot,
    so slot numbers are not stable) and logs in; it raises :class:`TokenError` with a bilingual
    message when the module, the token or the PIN is wrong. The PIN is forgotten after login.
    """

    def __init__(self, module_path: str, token_label: str, pin: str | None):
        self.module_path = module_path
        self.token_label = token_label
        self._pin = pin
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="pkcs11"
        )
        self._session = None
        self._lib = None
        self.logged_in = False  # False: the PIN comes with each signature (see sign)
        self._keys: dict[str, object] = {}  # label -> pkcs11 PrivateKey handle (worker-only)
        self._mechanisms: dict[str, object] = {}

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._call(self._open)

    def close(self) -> None:
        if self._session is not None:
            try:
                self._call(self._close_session)
            except Exception:
                log.debug("closing the PKCS#11 session failed", exc_info=True)
        self._executor.shutdown(wait=True)

    def __enter__(self) -> TokenWorker:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public operations (blocking) --------------------------------------------------------
    def list_keys(self) -> list[TokenKey]:
        return self._call(self._list_keys)

    def list_certificates(self) -> list[tuple[str, bytes]]:
        """(label, DER) of every certificate on the token (issuers for the chains)."""
        return self._call(self._list_certificates)

    def sign(
        self, label: str, data: bytes, digest_algorithm: str = "sha256", pin: str | None = None
    ) -> bytes:
        return self._call(self._sign, label, data, digest_algorithm, pin)

    def sign_digest(
        self, label: str, digest: bytes, digest_algorithm: str = "sha256", pin: str | None = None
    ) -> bytes:
        """The same PKCS#1 v1.5 signature as :meth:`sign`, for a digest taken elsewhere (a CSC
        ``signHash`` sends hashes, not data): CKM_RSA_PKCS over its DigestInfo."""
        return self._call(self._sign_digest, label, digest, digest_algorithm, pin)

    def submit_sign(
        self, label: str, data: bytes, digest_algorithm: str = "sha256", pin: str | None = None
    ) -> concurrent.futures.Future[bytes]:
        """Non-blocking: wrap with ``asyncio.wrap_future`` in an event loop. ``pin``: only when
        the worker was started without one; it is used for this signature and forgotten."""
        return self._executor.submit(self._sign, label, data, digest_algorithm, pin)

    # -- worker-thread side ------------------------------------------------------------------
    def _call(self, fn, *args):
        return self._executor.submit(fn, *args).result()

    def _open(self) -> None:
        try:
            lib = pkcs11.lib(self.module_path)
        except Exception as exc:
            raise TokenError(
                f"Không nạp được mô-đun PKCS#11 {self.module_path}: {exc}",
                f"Cannot load the PKCS#11 module {self.module_path}: {exc}",
            ) from None
        try:
            token = lib.get_token(token_label=self.token_label)
        except p11e.NoSuchToken:
            raise TokenError(
                f"Không thấy token có nhãn {self.token_label!r} (token chưa cắm?).",
                f"No token labelled {self.token_label!r} (token not plugged in?).",
            ) from None
        except p11e.MultipleTokensReturned:
            raise TokenError(
                f"Có nhiều token cùng nhãn {self.token_label!r}; hãy chỉ cắm một.",
                f"Several tokens are labelled {self.token_label!r}; plug in only one.",
            ) from None
        except p11e.PKCS11Error as exc:
            raise TokenError(
                f"Lỗi khi tìm token: {type(exc).__name__}",
                f"Error while looking for the token: {type(exc).__name__}",
            ) from None
        self._lib = lib
        self._mechanisms = {
            name: getattr(pkcs11.Mechanism, mech) for name, (mech, _) in RSA_MECHANISMS.items()
        }
        pin, self._pin = self._pin, None  # forget it whatever happens
        if pin is None:
            self._session = self._open_public(token)
            return
        try:
            self._session = token.open(user_pin=pin)
        except (p11e.PinIncorrect, p11e.PinInvalid, p11e.PinLenRange):
            raise TokenError(
                "Mã PIN của token sai. Dịch vụ dừng và KHÔNG thử lại (token sẽ bị khóa nếu "
                "nhập sai nhiều lần).",
                "Wrong token PIN. The service stops and does NOT retry (the token locks after "
                "a few wrong PINs).",
            ) from None
        except p11e.PinLocked:
            raise TokenError(
                "Token đã bị khóa PIN; cần mở khóa bằng PUK/SO PIN.",
                "The token's PIN is locked; unlock it with the PUK/SO PIN.",
            ) from None
        except p11e.UserAlreadyLoggedIn:
            # Another session of this process is logged in; login state is per process.
            self._session = token.open()
        except p11e.PKCS11Error as exc:
            raise TokenError(
                f"Không đăng nhập được token: {type(exc).__name__}",
                f"Cannot log in to the token: {type(exc).__name__}",
            ) from None
        self.logged_in = True

    @staticmethod
    def _open_public(token):
        try:
            return token.open()
        except p11e.PKCS11Error as exc:
            raise TokenError(
                f"Không mở được phiên với token: {type(exc).__name__}",
                f"Cannot open a session with the token: {type(exc).__name__}",
            ) from None

    def _close_session(self) -> None:
        session, self._session = self._session, None
        self._keys.clear()
        if session is not None:
            session.close()

    def _list_keys(self) -> list[TokenKey]:
        session = self._require_session()
        try:
            return self._read_keys(session)
        except p11e.PKCS11Error as exc:
            raise _listing_error(exc) from None

    def _read_keys(self, session) -> list[TokenKey]:
        objects = [
            (str(cert[Attribute.LABEL]), bytes(cert[Attribute.ID]), bytes(cert[Attribute.VALUE]))
            for cert in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
        ]
        if not self.logged_in:
            # Private keys are private objects: invisible before login. Each certificate stands
            # for its key until a signature logs in (and finds the key by the same label).
            return [_key_of_certificate(label, key_id, der) for label, key_id, der in objects]
        certs: dict[bytes, bytes] = {}
        for _, key_id, der in objects:
            certs.setdefault(key_id, der)
        keys = []
        for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
            label = key[Attribute.LABEL]
            key_id = bytes(key[Attribute.ID])
            if key.key_type == KeyType.RSA:
                key_type, size = "rsa", int(key.key_length)
            else:
                # python-pkcs11's key_length reads CKA_MODULUS, which an EC key lacks: asking
                # would stop the bridge for a key nobody configured. Only RSA keys are used.
                key_type, size = str(key.key_type.name).lower(), 0
            keys.append(TokenKey(label, key_id, key_type, size, certs.get(key_id)))
            self._keys[label] = key
        return keys

    def _list_certificates(self) -> list[tuple[str, bytes]]:
        session = self._require_session()
        try:
            return [
                (str(cert[Attribute.LABEL]), bytes(cert[Attribute.VALUE]))
                for cert in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
            ]
        except p11e.PKCS11Error as exc:
            raise _listing_error(exc) from None

    def _sign(self, label: str, data: bytes, digest_algorithm: str, pin: str | None) -> bytes:
        self._require_session()
        mechanism = self._mechanisms.get(digest_algorithm)
        if mechanism is None:
            raise _unsupported(digest_algorithm)
        return self._sign_by(label, data, mechanism, pin)

    def _sign_digest(
        self, label: str, digest: bytes, digest_algorithm: str, pin: str | None
    ) -> bytes:
        self._require_session()
        prefix = DIGEST_INFO_PREFIXES.get(digest_algorithm)
        if prefix is None:
            raise _unsupported(digest_algorithm)
        if len(digest) != RSA_MECHANISMS[digest_algorithm][1]:
            raise TokenError(
                f"Độ dài giá trị băm {digest_algorithm} sai: {len(digest)} byte.",
                f"Wrong {digest_algorithm} digest length: {len(digest)} bytes.",
            )
        return self._sign_by(label, prefix + digest, pkcs11.Mechanism.RSA_PKCS, pin)

    def _sign_by(self, label: str, data: bytes, mechanism, pin: str | None) -> bytes:
        if not self.logged_in:
            return self._sign_with_pin(label, data, mechanism, pin)
        key = self._keys.get(label)
        if key is None:
            self._list_keys()
            key = self._keys.get(label)
        if key is None:
            raise UnknownKeyError(
                f"Token không có khóa {label!r}.", f"The token has no key {label!r}."
            )
        return _sign_with_key(key, data, mechanism)

    def _sign_with_pin(self, label: str, data: bytes, mechanism, pin: str | None) -> bytes:
        """Log in for this one signature, sign, log out (closing the session logs out: the
        login is the whole process's, so the public session is public again)."""
        if not pin:
            raise WrongPinError("Chưa nhập mã PIN.", "No PIN was typed.")
        token = self._fresh_token()  # its flags now, not at start
        if token.flags & TokenFlag.USER_PIN_LOCKED:
            raise PinLockedError(
                "Token đã bị khóa PIN; cần mở khóa bằng PUK/SO PIN.",
                "The token's PIN is locked; unlock it with the PUK/SO PIN.",
            )
        if token.flags & TokenFlag.USER_PIN_FINAL_TRY:
            # Not the bridge's to spend: a typo would lock the token.
            raise PinLockedError(
                "Token chỉ còn một lần nhập PIN; bridge không thử để tránh khóa token. Hãy "
                "đăng nhập đúng PIN bằng phần mềm của token trước.",
                "The token allows one more PIN try only; the bridge will not risk locking it. "
                "Log in with the right PIN in the token's own software first.",
            )
        try:
            session = token.open(user_pin=pin)
        except (p11e.PinIncorrect, p11e.PinInvalid, p11e.PinLenRange):
            raise WrongPinError("Mã PIN sai.", "Wrong PIN.") from None
        except p11e.PinLocked:
            raise PinLockedError(
                "Token đã bị khóa PIN; cần mở khóa bằng PUK/SO PIN.",
                "The token's PIN is locked; unlock it with the PUK/SO PIN.",
            ) from None
        except p11e.PKCS11Error as exc:
            raise TokenError(
                f"Không đăng nhập được token: {type(exc).__name__}",
                f"Cannot log in to the token: {type(exc).__name__}",
            ) from None
        try:
            wanted = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: label}
            keys = list(session.get_objects(wanted))
            if len(keys) != 1:
                raise UnknownKeyError(
                    f"Token có {len(keys)} khóa riêng nhãn {label!r} (cần đúng một).",
                    f"The token holds {len(keys)} private keys labelled {label!r} (one needed).",
                )
            return _sign_with_key(keys[0], data, mechanism)
        except p11e.PKCS11Error as exc:
            raise _listing_error(exc) from None
        finally:
            try:
                session.close()
            except p11e.PKCS11Error:
                log.debug("closing the signing session failed", exc_info=True)

    def _fresh_token(self):
        try:
            return self._lib.get_token(token_label=self.token_label)
        except p11e.PKCS11Error as exc:
            raise TokenError(
                f"Không thấy token {self.token_label!r} (đã rút?): {type(exc).__name__}",
                f"Token {self.token_label!r} not found (removed?): {type(exc).__name__}",
            ) from None

    def _require_session(self):
        if self._session is None:
            raise TokenError("Chưa mở phiên với token.", "No session with the token is open.")
        return self._session


def _unsupported(digest_algorithm: str) -> TokenError:
    return TokenError(
        f"Thuật toán băm không được hỗ trợ: {digest_algorithm!r}.",
        f"Unsupported digest algorithm: {digest_algorithm!r}.",
    )


def _sign_with_key(key, data: bytes, mechanism) -> bytes:
    try:
        return bytes(key.sign(data, mechanism=mechanism))
    except (
        p11e.DeviceRemoved,
        p11e.TokenNotPresent,
        p11e.SessionClosed,
        p11e.SessionHandleInvalid,
    ) as exc:
        raise TokenError(
            f"Token đã bị rút hoặc phiên đã đóng ({type(exc).__name__}).",
            f"The token was removed or the session closed ({type(exc).__name__}).",
        ) from None
    except p11e.PKCS11Error as exc:
        raise TokenError(
            f"Token không ký được: {type(exc).__name__}",
            f"The token failed to sign: {type(exc).__name__}",
        ) from None


def _key_of_certificate(label: str, key_id: bytes, der: bytes) -> TokenKey:
    """A certificate standing for its private key before login: type and size from its public
    key (an unreadable certificate is left for keys.py to report by label)."""
    try:
        public_key = x509.load_der_x509_certificate(der).public_key()
    except ValueError:
        return TokenKey(label, key_id, "unknown", 0, der)
    if isinstance(public_key, rsa.RSAPublicKey):
        return TokenKey(label, key_id, "rsa", public_key.key_size, der)
    return TokenKey(label, key_id, type(public_key).__name__.lower(), 0, der)


def _listing_error(exc: Exception) -> TokenError:
    # python-pkcs11 raises its own exceptions (no message text): name the class, which is the
    # PKCS#11 return code (DeviceRemoved, GeneralError, …).
    return TokenError(
        f"Không đọc được các đối tượng trên token: {type(exc).__name__}",
        f"Cannot read the objects on the token: {type(exc).__name__}",
    )
