"""Signatures that can still be checked in twenty years (PAdES B-T, B-LT, B-LTA).

A government certificate lives about five years; an issued document is kept for decades. So:

- before signing, the signer's certificate (and its chain) is checked against the CA's OCSP
  responder or CRL, where the certificate says they are (AIA, CRL distribution points):
  :func:`check_revocation`. Revoked is refused. Unreachable is the caller's policy: refuse, or
  sign and say "revocation not checked";
- each signature carries an RFC 3161 signature timestamp from the configured time-stamping
  authority (B-T) and the validation data it was checked with (certificates, OCSP responses,
  CRLs) in the PDF's document security store, DSS (B-LT): :class:`LongTermPolicy` given to
  ``signing.sign_pdf``;
- after the last signature, a document timestamp over everything (B-LTA):
  :func:`add_document_timestamp`; before that timestamp's certificate expires, new validation
  data and a new document timestamp: :func:`renew_archive_timestamp`.

Every step is an incremental update: what was there before stays a byte prefix of the result.
Network I/O is pyHanko's (aiohttp); each check or timestamp waits at most ``timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO
from typing import Literal
from urllib.parse import urlsplit

import aiohttp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from .errors import BadInputError, SnnSignError
from .pdfinput import open_pdf
from .verify import _load_certs, algorithm_policy
from .vntime import iso_vn

Unreachable = Literal["refuse", "record"]


class RevokedCertificateError(SnnSignError):
    """The CA says the certificate is revoked: nothing may be signed with it."""


class RevocationUnavailableError(SnnSignError):
    """The CA's OCSP responder and CRL could not be reached (or did not answer for this
    certificate) and the policy refuses to sign without an answer."""


class TimestampError(SnnSignError):
    """The time-stamping authority could not be reached or refused the request."""


@dataclass(frozen=True)
class LongTermPolicy:
    """What long-term signing needs, per organisation.

    ``trust_roots`` / ``intermediates``: PEM or DER certificates the chain is built to (the
    roots are trusted; intermediates only build chains). ``tsa_url``: the time-stamping
    authority (None: no timestamps, B-B or B-LT at most). ``unreachable``: when the CA's
    services cannot answer, "refuse" to sign, or "record" (sign; the revocation is then
    "unknown" and the caller says so on the document). ``proxy``: an HTTP proxy that every
    OCSP, CRL, certificate (AIA) and TSA request goes through, for a server that may not reach
    the CA directly (the province's proxy, or a mirror of the CA's services behind one); no
    user or password in it (they would sit in clear wherever the address is kept)."""

    trust_roots: tuple[bytes, ...]
    intermediates: tuple[bytes, ...] = ()
    tsa_url: str | None = None
    unreachable: Unreachable = "refuse"
    timeout: float = 15.0
    # (user, password) when the TSA asks for HTTP basic authentication; never printed.
    tsa_auth: tuple[str, str] | None = field(default=None, repr=False)
    proxy: str | None = None

    def __post_init__(self):
        check_proxy_url(self.proxy)

    def validation_context(self, session=None, *, hard: bool | None = None):
        """pyHanko's context for these roots, fetching OCSP/CRL online through ``session`` (an
        aiohttp session the caller closes; see :func:`online`), failing when a declared source
        does not answer if ``hard`` (by default as ``unreachable`` says)."""
        hard = self.unreachable == "refuse" if hard is None else hard
        return ValidationContext(
            trust_roots=_load_certs(self.trust_roots, "Chứng thư gốc", "A root certificate"),
            other_certs=_load_certs(
                self.intermediates, "Chứng thư CA trung gian", "An intermediate CA certificate"
            ),
            allow_fetching=True,
            revocation_mode="hard-fail" if hard else "soft-fail",
            algorithm_usage_policy=algorithm_policy(),
            fetcher_backend=AIOHttpFetcherBackend(session) if session is not None else None,
        )

    def timestamper(self, session=None) -> HTTPTimeStamper | None:
        if not self.tsa_url:
            return None
        headers = None
        if self.tsa_auth:  # HTTP basic authentication (RFC 7617), as a header
            token = base64.b64encode(":".join(self.tsa_auth).encode()).decode()
            headers = {"Authorization": f"Basic {token}"}
        if session is None:
            return HTTPTimeStamper(self.tsa_url, timeout=int(self.timeout), headers=headers)
        return HTTPTimeStamper(
            self.tsa_url, session=session, timeout=int(self.timeout), headers=headers
        )


@contextlib.asynccontextmanager
async def online(policy: LongTermPolicy, *, hard: bool | None = None):
    """(validation context, timestamper or None) sharing one aiohttp session, closed on exit:
    every OCSP, CRL and TSA request of one signing or timestamping step."""
    timeout = aiohttp.ClientTimeout(total=policy.timeout)
    async with aiohttp.ClientSession(timeout=timeout, proxy=policy.proxy or None) as session:
        yield policy.validation_context(session, hard=hard), policy.timestamper(session)


def check_proxy_url(url: str | None) -> None:
    """Refuse a proxy address that is not http(s)://host[:port] or that carries credentials.
    The address is not repeated in the message: it may hold a password, and messages are logged."""
    if not url:
        return
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInputError(
            "Địa chỉ proxy phải có dạng http://máy:cổng.",
            "The proxy's address must look like http://host:port.",
        )
    if parts.username is not None or parts.password is not None:
        raise BadInputError(
            "Địa chỉ proxy không được chứa tên đăng nhập hay mật khẩu.",
            "The proxy's address must not contain a user name or password.",
        )


@dataclass(frozen=True)
class RevocationCheck:
    """The CA's answer for one certificate: "good", "revoked", "unknown" (asked, but no answer)
    or "not_checked" (the certificate names no OCSP responder or CRL: there is nobody to ask),
    with why in both languages, and when it was asked (Vietnam time, ISO 8601)."""

    status: Literal["good", "revoked", "unknown", "not_checked"]
    detail: str
    checked_at: str


def check_revocation(certificate: bytes, policy: LongTermPolicy) -> RevocationCheck:
    """Ask the CA (OCSP, else CRL, as the certificate names them) about ``certificate`` (PEM or
    DER) and its chain. Blocking; inside an event loop, await :func:`async_check_revocation`."""
    _not_in_loop("check_revocation")
    return asyncio.run(async_check_revocation(certificate, policy))


async def async_check_revocation(certificate: bytes, policy: LongTermPolicy) -> RevocationCheck:
    """See :func:`check_revocation`."""
    (cert,) = _load_certs([certificate], "Chứng thư của người ký", "The signer's certificate")
    checked_at = iso_vn(dt.datetime.now(dt.timezone.utc))
    if not _declares_revocation_sources(cert):
        return RevocationCheck(
            "not_checked",
            "Chứng thư không ghi nơi tra cứu thu hồi (OCSP, CRL) / "
            "The certificate names no OCSP responder or CRL",
            checked_at,
        )
    async with online(policy, hard=True) as (context, _timestamper):
        validator = CertificateValidator(cert, validation_context=context)
        try:
            await asyncio.wait_for(validator.async_validate_usage(set()), policy.timeout * 2)
        except RevokedError as exc:
            return RevocationCheck(
                "revoked",
                "CA cho biết chứng thư đã bị thu hồi / The CA says the certificate is revoked: "
                f"{exc}",
                checked_at,
            )
        except (InsufficientRevinfoError, TimeoutError) as exc:
            return RevocationCheck(
                "unknown",
                "Không hỏi được dịch vụ OCSP/CRL của CA / The CA's OCSP/CRL service could not "
                f"be asked: {exc or 'timeout'}",
                checked_at,
            )
        except (PathBuildingError, PathValidationError) as exc:
            return RevocationCheck(
                "unknown",
                "Chứng thư không dẫn tới CA tin cậy / The certificate does not chain to a "
                f"trusted CA: {exc}",
                checked_at,
            )
    return RevocationCheck(
        "good", "CA xác nhận chứng thư còn hiệu lực / The CA confirms the certificate", checked_at
    )


def require_not_revoked(check: RevocationCheck, policy: LongTermPolicy, who: str) -> None:
    """Raise what a signer is told when ``check`` forbids signing under ``policy``: always on
    "revoked", on "unknown" when the policy refuses."""
    if check.status == "revoked":
        raise RevokedCertificateError(
            f"Chứng thư số của {who} đã bị thu hồi: không ký được. {check.detail}",
            f"The certificate of {who} is revoked: nothing can be signed with it. {check.detail}",
        )
    if check.status == "unknown" and policy.unreachable == "refuse":
        raise RevocationUnavailableError(
            f"Chưa kiểm tra được tình trạng thu hồi chứng thư của {who}: {check.detail}",
            f"The revocation status of the certificate of {who} could not be checked: "
            f"{check.detail}",
        )


def signing_refusal(exc: Exception, who: str) -> SnnSignError:
    """What pyHanko's refusal to sign (a SigningError, its cause the validator's) means for
    the person signing."""
    refusal = validation_refusal(exc.__cause__, who)
    if refusal is not None:
        return refusal
    return SnnSignError(f"Không ký được: {exc}", f"The document could not be signed: {exc}")


def validation_refusal(cause: BaseException | None, who: str) -> SnnSignError | None:
    """What the certificate validator's error means for the person signing; None when
    ``cause`` is not one of its errors."""
    if isinstance(cause, RevokedError):
        return RevokedCertificateError(
            f"Chứng thư số của {who} đã bị thu hồi: không ký được. {cause}",
            f"The certificate of {who} is revoked: nothing can be signed with it. {cause}",
        )
    if isinstance(cause, InsufficientRevinfoError):
        return RevocationUnavailableError(
            f"Chưa kiểm tra được tình trạng thu hồi chứng thư của {who}: {cause}",
            f"The revocation status of the certificate of {who} could not be checked: {cause}",
        )
    if isinstance(cause, PathBuildingError):
        return SnnSignError(
            f"Chứng thư số của {who} không dẫn tới chứng thư gốc tin cậy nào của cơ quan: {cause}",
            f"The certificate of {who} does not chain to a trusted root of the organisation: "
            f"{cause}",
        )
    if isinstance(cause, PathValidationError):
        return SnnSignError(
            f"Chứng thư số của {who} không hợp lệ: {cause}",
            f"The certificate of {who} is not valid: {cause}",
        )
    return None


def add_document_timestamp(pdf: bytes, policy: LongTermPolicy) -> bytes:
    """B-LTA: the validation data of the timestamp authority's chain, then a document timestamp
    over the whole file (an incremental update; ``pdf`` stays a prefix). Blocking."""
    _not_in_loop("add_document_timestamp")
    return asyncio.run(async_add_document_timestamp(pdf, policy))


async def async_add_document_timestamp(pdf: bytes, policy: LongTermPolicy) -> bytes:
    """See :func:`add_document_timestamp`."""
    _required_tsa(policy)
    writer = IncrementalPdfFileWriter.from_reader(open_pdf(pdf))
    async with online(policy) as (context, timestamper):
        try:
            output = await PdfTimeStamper(timestamper).async_timestamp_pdf(
                writer, "sha256", validation_context=context, output=BytesIO()
            )
        except Exception as exc:
            raise timestamp_error(exc) from exc
    return output.getvalue()


def renew_archive_timestamp(pdf: bytes, policy: LongTermPolicy) -> bytes:
    """Before the last document timestamp (or its TSA's certificate) expires: its validation
    data into the DSS, then a new document timestamp (incremental; ``pdf`` stays a prefix).
    Blocking."""
    _not_in_loop("renew_archive_timestamp")
    return asyncio.run(async_renew_archive_timestamp(pdf, policy))


async def async_renew_archive_timestamp(pdf: bytes, policy: LongTermPolicy) -> bytes:
    """See :func:`renew_archive_timestamp`."""
    _required_tsa(policy)
    reader = open_pdf(pdf)
    if not reader.embedded_timestamp_signatures:
        raise BadInputError(
            "Tệp chưa có dấu thời gian tài liệu (B-LTA) để gia hạn.",
            "The file has no document timestamp (B-LTA) to renew.",
        )
    async with online(policy) as (context, timestamper):
        try:
            output = await PdfTimeStamper(timestamper).async_update_archival_timestamp_chain(
                reader, context, in_place=False, output=BytesIO()
            )
        except Exception as exc:
            raise timestamp_error(exc) from exc
    return output.getvalue()


def last_archive_timestamp_expiry(pdf: bytes) -> dt.datetime | None:
    """When the last document timestamp stops being provable on its own: the end of its TSA
    certificate's validity (UTC); None for a file without one."""
    reader = open_pdf(pdf)
    stamps = reader.embedded_timestamp_signatures
    if not stamps:
        return None
    cert: asn1_x509.Certificate = stamps[-1].signer_cert
    return cert["tbs_certificate"]["validity"]["not_after"].native


def _declares_revocation_sources(cert: asn1_x509.Certificate) -> bool:
    return bool(cert.ocsp_urls or cert.crl_distribution_points)


def _required_tsa(policy: LongTermPolicy) -> None:
    if not policy.tsa_url:
        raise BadInputError(
            "Chưa cấu hình dịch vụ cấp dấu thời gian (TSA).",
            "No time-stamping authority (TSA) is configured.",
        )


def timestamp_error(exc: Exception) -> SnnSignError:
    """A failure to get a timestamp as the person signing reads it."""
    if isinstance(exc, SnnSignError):
        return exc
    return TimestampError(
        f"Không lấy được dấu thời gian: {exc}", f"The timestamp could not be obtained: {exc}"
    )


def _not_in_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() called inside an event loop: await async_{name}()")
