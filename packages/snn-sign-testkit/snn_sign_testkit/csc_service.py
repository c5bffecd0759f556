"""A remote-signing service speaking the Cloud Signature Consortium API v1 (CSC 1.0.4.0) on
127.0.0.1, its keys on the demo SoftHSM2 token: for the tests and the demo. NOT a real service:
Viettel MySign-style CSC services sit behind their own login; this one speaks the same signing
API so that remote signing (:mod:`snn_sign.csc`, :mod:`snn_sign.deferred`) runs for real.

    service = CscService.on_token(pki).start()          # a free port; service.url
    token = service.add_user("ham")                      # that user's bearer token
    service.add_credential("ham-signer", user="ham", key_label="signer",
                           certificates=[leaf_pem, ca_pem], pin="2468", otp=True)
    ... POST {url}/csc/v1/credentials/sendOTP -> service.otp_sent("ham-signer") ...
    service.stop()

Endpoints (POST, JSON): ``info`` (no authentication), ``credentials/list``,
``credentials/info``, ``credentials/sendOTP``, ``credentials/authorize``,
``signatures/signHash``; every one but ``info`` needs ``Authorization: Bearer <token>``.

What it holds to, as a qualified remote-signing service would (SCAL 2):

- a user sees and uses only their own credentials; another's is an unknown credentialID;
- ``credentials/authorize`` needs the credential's PIN and/or an OTP (sent by
  ``credentials/sendOTP`` to the holder's "phone": :meth:`CscService.otp_sent`, single use) and
  the hashes to be signed; it returns a SAD bound to those hashes;
- a SAD signs once (``signatures/signHash`` with a subset of its hashes) and expires after
  ``sad_lifetime`` seconds (300 by default);
- errors are CSC's: ``{"error": ..., "error_description": ...}``, HTTP 400 (``invalid_request``;
  the descriptions are the CSC specification's), 401 (``invalid_token``: no or an unknown bearer
  token), 404 (unknown method).

``python -m snn_sign_testkit.csc_service DIR [--port N]`` serves the demo PKI in DIR/pki (made
as the demo bridge makes it), writing each holder's bearer token and PIN to
DIR/csc/credentials.json (mode 0600), printing one JSON line (url, pid, credentials_file) on
stdout and each OTP sent on stderr (the holder's "phone").
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import datetime as dt
import hmac
import json
import os
import secrets
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

__all__ = ["CscCredential", "CscService"]

API = "/csc/v1/"
SPECS = "1.0.4.0"
MAX_SIGNATURES = 10  # "multisign": hashes one authorization may cover
MAX_REQUEST = 256 * 1024
# signAlgo OIDs -> the digest they imply; rsaEncryption takes it from hashAlgo.
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
SIGN_ALGOS = {
    "1.2.840.113549.1.1.11": "sha256",  # sha256WithRSAEncryption
    "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
}
HASH_ALGOS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


@dataclass(frozen=True)
class CscCredential:
    """One signing key of one holder: the token key ``key_label``, its certificates (DER, the
    signer's first), what authorising it takes (a PIN, an OTP, or both)."""

    credential_id: str
    user: str
    key_label: str
    certificates: tuple[bytes, ...]
    pin: str | None = field(default=None, repr=False)
    otp: bool = False
    description: str = ""


@dataclass
class _Authorization:
    credential_id: str
    user: str
    hashes: frozenset[bytes]
    num_signatures: int
    expires_at: float


class _Refused(Exception):
    """A CSC error answer."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def _invalid(description: str) -> _Refused:
    return _Refused(400, "invalid_request", description)


class CscService:
    """The service; ``signer`` signs a digest with a token key: ``signer.sign_digest(label,
    digest, digest_algorithm) -> bytes`` (the bridge's TokenWorker). ``clock`` (seconds, as
    ``time.time``) lets a test make a SAD or an OTP old without waiting."""

    def __init__(
        self,
        signer,
        *,
        sad_lifetime: int = 300,
        otp_lifetime: int = 300,
        clock: Callable[[], float] = time.time,
        port: int = 0,
        on_otp: Callable[[str, str], None] | None = None,
    ):
        self.signer = signer
        self.sad_lifetime = sad_lifetime
        self.otp_lifetime = otp_lifetime
        self.clock = clock
        self.on_otp = on_otp  # (credential_id, otp): the demo prints it as an SMS would come
        self._port = port
        self._lock = threading.Lock()
        self._users: dict[str, str] = {}  # bearer token -> user
        self._credentials: dict[str, CscCredential] = {}
        self._otps: dict[str, tuple[str, float]] = {}  # credential -> (OTP, expires at)
        self._sads: dict[str, _Authorization] = {}
        self._owned_worker = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self.calls: list[tuple[str, str]] = []  # (method, user) asked, in order (tests count)

    @classmethod
    def on_token(cls, pki, **kwargs) -> CscService:
        """A service signing with the keys of a demo PKI's token (its own PKCS#11 session on a
        worker thread of the token bridge's kind; closed by :meth:`stop`)."""
        from snn_token_bridge.token import TokenWorker  # noqa: PLC0415 - loads PKCS#11 late

        worker = TokenWorker(pki.module, pki.token_label, pki.pin)
        worker.start()
        service = cls(worker, **kwargs)
        service._owned_worker = worker
        return service

    # ---------------------------------------------------------------- set-up (any thread)

    def add_user(self, user: str) -> str:
        """A bearer token for ``user`` (as the service's OAuth would give one)."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._users[token] = user
        return token

    def add_credential(
        self,
        credential_id: str,
        *,
        user: str,
        key_label: str,
        certificates,
        pin: str | None = None,
        otp: bool = False,
        description: str = "",
    ) -> CscCredential:
        """``certificates``: PEM or DER, the signer's certificate first. A credential needs a
        PIN, an OTP or both (SCAL 2 authorises each signature)."""
        if pin is None and not otp:
            raise ValueError("a credential needs a PIN, an OTP or both")
        ders = []
        for cert in certificates:
            der = pem.unarmor(cert)[2] if pem.detect(cert) else bytes(cert)
            asn1_x509.Certificate.load(der).native  # noqa: B018 - refuse garbage now
            ders.append(der)
        credential = CscCredential(
            credential_id, user, key_label, tuple(ders), pin, otp, description
        )
        with self._lock:
            self._credentials[credential_id] = credential
        return credential

    def otp_sent(self, credential_id: str) -> str:
        """The last OTP sent to the holder of ``credential_id`` (read on their phone)."""
        with self._lock:
            return self._otps[credential_id][0]

    # ---------------------------------------------------------------- life cycle

    @property
    def url(self) -> str:
        """The base URL: ``{url}/csc/v1/<method>``."""
        if self._url is None:
            raise RuntimeError("the CSC service is not started")
        return self._url

    def start(self) -> CscService:
        """Serve on 127.0.0.1 from a daemon thread with its own event loop."""
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._serve, args=(ready, failure), name="snn-csc-service", daemon=True
        )
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
            self._loop = self._thread = None
        if self._owned_worker is not None:
            self._owned_worker.close()
            self._owned_worker = None

    def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(self._app(), access_log=None)
        try:
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", self._port)
            loop.run_until_complete(site.start())
            host, port = runner.addresses[0][:2]
            self._url = f"http://{host}:{port}"
        except BaseException as exc:  # told to start(), which raises it
            failure.append(exc)
            ready.set()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_REQUEST)
        methods = {
            "info": self._info,
            "credentials/list": self._list,
            "credentials/info": self._credential_info,
            "credentials/sendOTP": self._send_otp,
            "credentials/authorize": self._authorize,
            "signatures/signHash": self._sign_hash,
        }
        for name, handler in methods.items():
            app.router.add_post(API + name, self._handler(name, handler))
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        return app

    def _handler(self, name: str, method):
        async def handle(request: web.Request) -> web.Response:
            try:
                user = None if name == "info" else self._user(request)
                self.calls.append((name, user or ""))
                body = await _json_body(request)
                return await method(body, user)
            except _Refused as refused:
                headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
                return web.json_response(
                    {"error": refused.error, "error_description": refused.description},
                    status=refused.status,
                    headers=headers,
                )

        return handle

    async def _unknown(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"error": "invalid_request", "error_description": "Unknown method"}, status=404
        )

    def _user(self, request: web.Request) -> str:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        with self._lock:
            user = self._users.get(token) if scheme == "Bearer" else None
        if user is None:
            raise _Refused(401, "invalid_token", "The access token is missing or invalid")
        return user

    # ---------------------------------------------------------------- the methods

    async def _info(self, body: dict, user: None) -> web.Response:
        return web.json_response(
            {
                "specs": SPECS,
                "name": "SNN demo CSC service (test keys only)",
                "logo": "",
                "region": "VN",
                "lang": "vi-VN",
                "description": "Dịch vụ ký số từ xa thử nghiệm / a test remote-signing service",
                "authType": ["external"],  # bearer tokens handed out by the test (add_user)
                "methods": [
                    "credentials/list",
                    "credentials/info",
                    "credentials/sendOTP",
                    "credentials/authorize",
                    "signatures/signHash",
                ],
            }
        )

    async def _list(self, body: dict, user: str) -> web.Response:
        if body.get("userID") not in (None, user):
            raise _invalid("userID parameter MUST be null")
        with self._lock:
            ids = sorted(c.credential_id for c in self._credentials.values() if c.user == user)
        return web.json_response({"credentialIDs": ids})

    async def _credential_info(self, body: dict, user: str) -> web.Response:
        credential = self._credential(body, user)
        wanted = body.get("certificates", "single")
        if wanted not in ("none", "single", "chain"):
            raise _invalid("Invalid parameter certificates")
        certs = {"none": (), "single": credential.certificates[:1]}.get(
            wanted, credential.certificates
        )
        leaf = asn1_x509.Certificate.load(credential.certificates[0])
        cert_info: dict = {
            "status": "valid",
            "certificates": [base64.b64encode(der).decode() for der in certs],
        }
        if body.get("certInfo") is True:
            cert_info.update(
                issuerDN=leaf.issuer.human_friendly,
                subjectDN=leaf.subject.human_friendly,
                serialNumber=format(leaf.serial_number, "x"),
                validFrom=_generalized(leaf.not_valid_before),
                validTo=_generalized(leaf.not_valid_after),
            )
        answer: dict = {
            "description": credential.description,
            "key": {
                "status": "enabled",
                "algo": [RSA_ENCRYPTION, *SIGN_ALGOS],
                "len": leaf.public_key.bit_size,
            },
            "cert": cert_info,
            "authMode": "explicit",
            "SCAL": "2",
            "multisign": MAX_SIGNATURES,
            "lang": "vi-VN",
        }
        if credential.pin is not None:
            answer["PIN"] = {"presence": "true", "format": "A", "label": "PIN"}
        if credential.otp:
            answer["OTP"] = {
                "presence": "true",
                "type": "online",
                "format": "N",
                "label": "OTP",
                "ID": "sms",
                "provider": "snn-demo",
            }
        return web.json_response(answer)

    async def _send_otp(self, body: dict, user: str) -> web.Response:
        credential = self._credential(body, user)
        if not credential.otp:
            raise _invalid("The credential does not use an online OTP")
        otp = f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self._otps[credential.credential_id] = (otp, self.clock() + self.otp_lifetime)
        if self.on_otp is not None:
            self.on_otp(credential.credential_id, otp)
        return web.Response(status=204)

    async def _authorize(self, body: dict, user: str) -> web.Response:
        credential = self._credential(body, user)
        count = body.get("numSignatures")
        if not isinstance(count, int) or isinstance(count, bool):
            raise _invalid("Missing (or invalid type) integer parameter numSignatures")
        if count < 1:
            raise _invalid("Invalid value for parameter numSignatures")
        if count > MAX_SIGNATURES:
            raise _invalid("Numbers of signatures is too high")
        hashes = _hashes(body)  # SCAL 2: the SAD is bound to the hashes it may sign
        if len(hashes) != count:
            raise _invalid("Invalid value for parameter numSignatures")
        if credential.pin is not None and not _same(body.get("PIN"), credential.pin):
            raise _invalid("The PIN is invalid")
        if credential.otp:
            self._use_otp(credential.credential_id, body.get("OTP"))
        sad = secrets.token_urlsafe(32)
        with self._lock:
            self._sads[sad] = _Authorization(
                credential.credential_id,
                user,
                frozenset(hashes),
                count,
                self.clock() + self.sad_lifetime,
            )
        return web.json_response({"SAD": sad, "expiresIn": self.sad_lifetime})

    def _use_otp(self, credential_id: str, given) -> None:
        with self._lock:
            sent = self._otps.get(credential_id)
            if sent is None or not _same(given, sent[0]) or self.clock() > sent[1]:
                raise _invalid("The OTP is invalid")
            del self._otps[credential_id]  # single use

    async def _sign_hash(self, body: dict, user: str) -> web.Response:
        credential = self._credential(body, user)
        hashes = _hashes(body)
        digest_algorithm = _digest_algorithm(body)
        if any(len(h) != DIGEST_SIZES[digest_algorithm] for h in hashes):
            raise _invalid("Invalid digest value length")
        sad = body.get("SAD")
        if not isinstance(sad, str) or not sad:
            raise _invalid("Missing (or invalid type) string parameter SAD")
        with self._lock:
            authorization = self._sads.pop(sad, None)  # single use, whatever comes next
        if (
            authorization is None
            or authorization.credential_id != credential.credential_id
            or authorization.user != user
        ):
            raise _invalid("Invalid parameter SAD")
        if self.clock() > authorization.expires_at:
            raise _invalid("SAD expired")
        if not set(hashes) <= authorization.hashes or len(hashes) > authorization.num_signatures:
            raise _invalid("Hash is not authorized by the SAD")
        loop = asyncio.get_running_loop()
        signatures = [
            await loop.run_in_executor(
                None, self.signer.sign_digest, credential.key_label, digest, digest_algorithm
            )
            for digest in hashes
        ]
        return web.json_response(
            {"signatures": [base64.b64encode(value).decode() for value in signatures]}
        )

    def _credential(self, body: dict, user: str) -> CscCredential:
        credential_id = body.get("credentialID")
        if not isinstance(credential_id, str) or not credential_id:
            raise _invalid("Missing (or invalid type) string parameter credentialID")
        with self._lock:
            credential = self._credentials.get(credential_id)
        # Another holder's credential is as unknown as a made-up one: nothing to probe.
        if credential is None or credential.user != user:
            raise _invalid("Invalid parameter credentialID")
        return credential


async def _json_body(request: web.Request) -> dict:
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _invalid("The request body is not a JSON object")
    return body


def _hashes(body: dict) -> list[bytes]:
    values = body.get("hash")
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise _invalid("Missing (or invalid type) array parameter hash")
    try:
        return [base64.b64decode(v, validate=True) for v in values]
    except (binascii.Error, ValueError):
        raise _invalid("Invalid Base64 hash string parameter") from None


def _digest_algorithm(body: dict) -> str:
    sign_algo = body.get("signAlgo")
    if not isinstance(sign_algo, str):
        raise _invalid("Missing (or invalid type) string parameter signAlgo")
    if sign_algo in SIGN_ALGOS:
        implied = SIGN_ALGOS[sign_algo]
        hash_algo = body.get("hashAlgo")
        if hash_algo is not None and HASH_ALGOS.get(hash_algo) != implied:
            raise _invalid("Invalid parameter hashAlgo")
        return implied
    if sign_algo != RSA_ENCRYPTION:
        raise _invalid("Invalid parameter signAlgo")
    hash_algo = body.get("hashAlgo")
    if not isinstance(hash_algo, str):
        raise _invalid("Missing (or invalid type) string parameter hashAlgo")
    if hash_algo not in HASH_ALGOS:
        raise _invalid("Invalid parameter hashAlgo")
    return HASH_ALGOS[hash_algo]


def _same(given, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def _generalized(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%SZ")


# -------------------------------------------------------------------- the demo


def serve_spec(spec_path: Path) -> int:
    """Serve the credentials a test's spec file names (csc_process.start_csc_service): the
    token, its PIN file, and per credential its user, key label, certificate files, PIN and
    OTP; one JSON line on stdout (url, each user's bearer token), OTPs on stderr."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    token = spec["token"]
    os.environ["SOFTHSM2_CONF"] = token["softhsm2_conf"]  # before PKCS#11 is loaded
    pin = Path(token["pin_file"]).read_text(encoding="utf-8").strip()

    def sms(credential_id: str, otp: str) -> None:
        print(f"OTP for {credential_id}: {otp}", file=sys.stderr, flush=True)

    worker_pki = argparse.Namespace(module=token["module"], token_label=token["label"], pin=pin)
    service = CscService.on_token(
        worker_pki, on_otp=sms, sad_lifetime=spec.get("sad_lifetime", 300)
    )
    tokens = {}
    for credential in spec["credentials"]:
        user = credential["user"]
        if user not in tokens:
            tokens[user] = service.add_user(user)
        service.add_credential(
            credential["id"],
            user=user,
            key_label=credential["key_label"],
            certificates=[Path(path).read_bytes() for path in credential["certificates"]],
            pin=credential.get("pin"),
            otp=credential.get("otp", False),
        )
    service.start()
    print(json.dumps({"url": service.url, "tokens": tokens}), flush=True)
    return _serve_until_stopped(service)


def _serve_until_stopped(service: CscService) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    service.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    from snn_sign_testkit.demo_bridge import ensure_demo_pki  # noqa: PLC0415
    from snn_sign_testkit.pki import DEFAULT_ORG, DEFAULT_SIGNER  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="python -m snn_sign_testkit.csc_service",
        description="A CSC API v1 remote-signing service on a demo token (test keys only).",
    )
    parser.add_argument(
        "directory", type=Path, nargs="?", help="the demo directory (its pki/ is used)"
    )
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--org", default=DEFAULT_ORG)
    parser.add_argument("--signer", default=DEFAULT_SIGNER)
    parser.add_argument("--spec", type=Path, help="serve what this spec file names (tests)")
    args = parser.parse_args(argv)
    if args.spec:
        return serve_spec(args.spec)
    if args.directory is None:
        parser.error("the demo directory is needed (or --spec)")

    base = args.directory.resolve()
    pki = ensure_demo_pki(base / "pki", org_name=args.org, signer_name=args.signer)
    os.environ["SOFTHSM2_CONF"] = str(pki.softhsm2_conf)  # before PKCS#11 is loaded

    def sms(credential_id: str, otp: str) -> None:
        print(f"OTP for {credential_id}: {otp}", file=sys.stderr, flush=True)

    service = CscService.on_token(pki, port=args.port, on_otp=sms)
    holders = {}
    for user, label, cert, otp in (
        ("signer", "signer", pki.signer_cert, True),
        ("seal", "seal", pki.seal_cert, False),
    ):
        token, pin = service.add_user(user), f"{secrets.randbelow(10**6):06d}"
        service.add_credential(
            label,
            user=user,
            key_label=label,
            certificates=[cert.read_bytes(), pki.ca_cert.read_bytes()],
            pin=pin,
            otp=otp,
        )
        holders[user] = {"bearer_token": token, "credential_id": label, "pin": pin, "otp": otp}
    secrets_dir = base / "csc"
    secrets_dir.mkdir(mode=0o700, exist_ok=True)
    credentials_file = secrets_dir / "credentials.json"
    fd = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(holders, fh, indent=2)
    service.start()
    print(
        json.dumps(
            {"url": service.url, "pid": os.getpid(), "credentials_file": str(credentials_file)}
        ),
        flush=True,
    )
    return _serve_until_stopped(service)


if __name__ == "__main__":
    sys.exit(main())
