"""The demo CA's online services on loopback: an OCSP responder, a CRL and a time-stamping
authority (RFC 6960, RFC 5280, RFC 3161), for the tests and the demo. NOT the real ones: VGCA's
OCSP, CRL and TSA sit where its certificates say (AIA, CRL distribution points) and are not
reachable from here; these speak the same protocols, so that signing with revocation checks,
B-LT/B-LTA files and their renewal run for real, offline.

    services = TrustServices.bind()                     # a free port on 127.0.0.1
    pki = create_demo_pki(dir, pin=..., services_url=services.url)
    services.serve(pki)                                 # answers from now on
    services.revoke(serial)                             # OCSP says revoked, the CRL lists it
    services.set_down(True)                             # every request answers 503
    services.set_down(True, ["/ocsp", "/crl"])          # only revocation out of order
    services.require_tsa_auth("user", "password")       # the TSA asks for basic auth
    services.stop()

``python -m snn_sign_testkit.trust_services PKI_DIR --port N`` serves a demo PKI made with
``services_url=http://127.0.0.1:N`` in the foreground (the demo's ``make run``), printing one
JSON line (url, pid) on stdout.

The CA answers OCSP itself (RFC 6960 4.2.2.2 allows the issuer to sign its responses); the
TSA has a certificate of its own from the same CA (extended key usage timeStamping, critical)
and a key on disk (a test TSA: its key is no secret worth a token). Each response is made when
asked, with the current time: the CRL is valid for a day, an OCSP answer for an hour.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import signal
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

__all__ = ["ServedPki", "TrustServices"]

OCSP_PATH = "/ocsp"
CRL_PATH = "/crl"
TSA_PATH = "/tsa"
# The largest request body read (OCSP and timestamp requests are a few hundred bytes).
MAX_REQUEST = 64 * 1024


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class ServedPki:
    """What the services sign with: the CA (OCSP answers, the CRL) and the TSA."""

    ca_cert: x509.Certificate
    ca_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey

    @classmethod
    def from_files(cls, ca_cert: Path, ca_key: Path, tsa_cert: Path, tsa_key: Path) -> ServedPki:
        def key(path: Path) -> rsa.RSAPrivateKey:
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(loaded, rsa.RSAPrivateKey)
            return loaded

        return cls(
            ca_cert=x509.load_pem_x509_certificate(ca_cert.read_bytes()),
            ca_key=key(ca_key),
            tsa_cert=x509.load_pem_x509_certificate(tsa_cert.read_bytes()),
            tsa_key=key(tsa_key),
        )

    @classmethod
    def of(cls, pki) -> ServedPki:
        """The served part of a :class:`snn_sign_testkit.pki.DemoPki` made with a services URL."""
        if pki.tsa_cert is None or pki.tsa_key is None:
            raise ValueError("this demo PKI was made without services_url: it has no TSA")
        return cls.from_files(pki.ca_cert, pki.ca_key, pki.tsa_cert, pki.tsa_key)


class TrustServices:
    """OCSP, CRL and TSA of one demo CA on 127.0.0.1, each request in a thread."""

    def __init__(self, server: ThreadingHTTPServer):
        self._server = server
        self._lock = threading.Lock()
        self._pki: ServedPki | None = None
        self._timestamper: DummyTimeStamper | None = None
        self._revoked: dict[int, tuple[dt.datetime, x509.ReasonFlags]] = {}
        self._down: frozenset[str] = frozenset()
        self._thread: threading.Thread | None = None
        self._tsa_auth: str | None = None  # the Authorization header the TSA asks for
        self.requests: list[str] = []  # the paths asked, in order (tests count round trips)

    @classmethod
    def bind(cls, port: int = 0) -> TrustServices:
        """Bind 127.0.0.1:``port`` (0: a free one); nothing is answered before :meth:`serve`."""
        server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        server.daemon_threads = True
        services = cls(server)
        server.services = services  # type: ignore[attr-defined]
        return services

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def ocsp_url(self) -> str:
        return self.url + OCSP_PATH

    @property
    def crl_url(self) -> str:
        return self.url + CRL_PATH

    @property
    def tsa_url(self) -> str:
        return self.url + TSA_PATH

    def serve(self, pki) -> TrustServices:
        """Answer for ``pki`` (a DemoPki or a ServedPki) from now on, in a daemon thread."""
        served = pki if isinstance(pki, ServedPki) else ServedPki.of(pki)
        tsa_cert = asn1_x509.Certificate.load(
            served.tsa_cert.public_bytes(serialization.Encoding.DER)
        )
        tsa_key = asn1_keys.PrivateKeyInfo.load(
            served.tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        with self._lock:
            self._pki = served
            self._timestamper = DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="snn-trust-services", daemon=True
            )
            self._thread.start()
        return self

    def revoke(
        self,
        serial: int,
        at: dt.datetime | None = None,
        reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
    ) -> None:
        """From now on OCSP answers "revoked at ``at``" for ``serial`` and the CRL lists it."""
        with self._lock:
            self._revoked[serial] = ((at or _now()).replace(microsecond=0), reason)

    def require_tsa_auth(self, user: str, password: str) -> None:
        """From now on the TSA answers 401 unless the request carries these credentials
        (HTTP basic authentication, as some commercial TSAs ask)."""
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        with self._lock:
            self._tsa_auth = f"Basic {token}"

    def reinstate(self, serial: int) -> None:
        """Undo :meth:`revoke` (for the next test of a shared PKI)."""
        with self._lock:
            self._revoked.pop(serial, None)

    def set_down(self, down: bool = True, services=(OCSP_PATH, CRL_PATH, TSA_PATH)) -> None:
        """While down, requests to ``services`` (paths; by default all three) are answered 503,
        as by a service that is out of order; ``set_down(False)`` brings them all back."""
        with self._lock:
            self._down = frozenset(services) if down else frozenset()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------ the answers

    def _state(self):
        with self._lock:
            return self._pki, self._timestamper, dict(self._revoked), self._down

    def ocsp_response(self, request_der: bytes) -> bytes:
        pki, _tsa, revoked, _down = self._state()
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        ca_key_hash = _key_hash(pki.ca_cert, request.hash_algorithm)
        if request.issuer_key_hash != ca_key_hash:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = _now().replace(microsecond=0)
        serial = request.serial_number
        status, revoked_at, reason = ocsp.OCSPCertStatus.GOOD, None, None
        if serial in revoked:
            status = ocsp.OCSPCertStatus.REVOKED
            revoked_at, reason = revoked[serial]
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=serial,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=now,
                next_update=now + dt.timedelta(hours=1),
                revocation_time=revoked_at,
                revocation_reason=reason,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.ca_cert)
        )
        nonce = _nonce(request)
        if nonce is not None:
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        response = builder.sign(pki.ca_key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def crl(self) -> bytes:
        pki, _tsa, revoked, _down = self._state()
        now = _now().replace(microsecond=0)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(pki.ca_cert.subject)
            .last_update(now)
            .next_update(now + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.ca_cert.public_key()),
                critical=False,
            )
        )
        for serial, (at, reason) in sorted(revoked.items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(at)
                .add_extension(x509.CRLReason(reason), critical=False)
                .build()
            )
        crl = builder.sign(pki.ca_key, hashes.SHA256())
        return crl.public_bytes(serialization.Encoding.DER)

    def timestamp_response(self, request_der: bytes) -> bytes:
        _pki, timestamper, _revoked, _down = self._state()
        request = tsp.TimeStampReq.load(request_der)
        return timestamper.request_tsa_response(request).dump()


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    """The hash of the issuer's public key as OCSP's CertID has it (of the BIT STRING's value)."""
    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    bits = asn1_keys.PublicKeyInfo.load(der)["public_key"].contents[1:]  # past the unused-bits byte
    digest = hashes.Hash(algorithm)
    digest.update(bits)
    return digest.finalize()


def _nonce(request: ocsp.OCSPRequest) -> bytes | None:
    try:
        return request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "snn-trust-services"

    def log_message(self, format, *args):
        pass  # the tests count requests in services.requests; nothing on stderr

    @property
    def services(self) -> TrustServices:
        return self.server.services  # type: ignore[attr-defined]

    def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _unavailable(self) -> bool:
        self.services.requests.append(self.path)
        pki, _tsa, _revoked, down = self.services._state()
        if self.path.split("?")[0] in down or pki is None:
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, b"out of service")
            return True
        return False

    def do_GET(self):
        if self._unavailable():
            return
        if self.path.split("?")[0] != CRL_PATH:
            self._answer(HTTPStatus.NOT_FOUND)
            return
        self._answer(HTTPStatus.OK, self.services.crl(), "application/pkix-crl")

    def do_POST(self):
        if self._unavailable():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_REQUEST:
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        body = self.rfile.read(length)
        path = self.path.split("?")[0]
        try:
            if path == OCSP_PATH:
                answer, kind = self.services.ocsp_response(body), "application/ocsp-response"
            elif path == TSA_PATH:
                wanted = self.services._tsa_auth
                if wanted and self.headers.get("Authorization") != wanted:
                    self._answer(HTTPStatus.UNAUTHORIZED, b"credentials needed")
                    return
                answer, kind = self.services.timestamp_response(body), "application/timestamp-reply"
            else:
                self._answer(HTTPStatus.NOT_FOUND)
                return
        except ValueError:
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        self._answer(HTTPStatus.OK, answer, kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pki_dir", type=Path, help="a demo PKI made with services_url")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    base = args.pki_dir
    pki = ServedPki.from_files(
        base / "ca_cert.pem", base / "ca_key.pem", base / "tsa_cert.pem", base / "tsa_key.pem"
    )
    services = TrustServices.bind(args.port).serve(pki)
    print(json.dumps({"url": services.url, "pid": os.getpid()}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
