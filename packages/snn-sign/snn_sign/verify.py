"""Verify every signature of a PDF: integrity, trust (to the given roots), modifications.

The verdict per signature is pyHanko's ``bottom_line``: it alone catches a later revision that
draws over the page (ILLEGAL modification level), which ``intact``/``valid`` do not.

Intermediate CA certificates may be given apart from the roots: PDFs from VGCA tools often embed
only the signer's certificate, and the chain is built with these (they are never anchors).
``received_state`` sums a report up for a received file (valid, invalid, untrusted, unsigned);
``SignatureReport.verdict`` is the line a clerk reads per signature.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from asn1crypto import algos, keys, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (
    DEFAULT_WEAK_HASH_ALGOS,
    AlgorithmUsageConstraint,
    AlgorithmUsagePolicy,
    CertRevTrustPolicy,
    DisallowWeakAlgorithmsPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from .errors import BadInputError
from .pdfinput import open_pdf
from .trust import default_certificates
from .vntime import iso_vn

# Our certificates (and VGCA's) carry digitalSignature, usually also nonRepudiation; pyHanko's
# default demands nonRepudiation alone, which would reject digitalSignature-only certificates.
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
# Offline verification (allow_fetching=False below): a certificate's declared CRL/OCSP is only
# consulted through revocation data embedded in the file, and a missing answer is tolerated
# (SOFT), because demo and test certificates declare none and verifying must work offline.
REVOCATION = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
    ),
    freshness_req_type=FreshnessReqType.DEFAULT,
)
# The shipped CAs of the SHA-1 era, the ones whose own certificates are sha1WithRSA: the VGCA
# G1 root signed the G1 sub-CA with SHA-1, and that sub-CA signs officials' certificates (valid
# until 2030) with SHA-1; the MIC National Root CA is of the same generation. Read through
# default_certificates(), i.e. each checked against its pinned SHA-256 fingerprint.
SHA1_ISSUER_FILES = ("vgca-g1-root.pem", "vgca-g1-cp.pem", "mic-national-root-ca.pem")
ALLOWED_LEVELS = {
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
}
REVOKED = {
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
}
# pyHanko's verdict on a SHA-1 (or MD5) signature or certificate: say so, not "no chain".
WEAK_ALGORITHM = {
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
}
NO_SIGNATURE = "Tệp không có chữ ký số / The file has no digital signature"
# received_state: the worst signature decides.
STATES_WORST_FIRST = ("invalid", "untrusted", "valid")
_STATE_WORDS = {
    "valid": ("Hợp lệ", "Valid"),
    "untrusted": ("Không tin cậy", "Untrusted"),
    "invalid": ("Không hợp lệ", "Invalid"),
}


@dataclass
class SignatureReport:
    """One signature, as a person would want to read it."""

    field: str
    signer_subject: str
    serial: str
    issuer: str
    signing_time: str | None
    intact: bool
    valid: bool
    trusted: bool
    modification_level: str | None
    bottom_line: bool
    timestamped: bool = False
    reasons: list[str] = field(default_factory=list)
    # The names a person reads (Adobe Reader's "Signed by …"); see certificate_names.
    signer_name: str = ""
    signer_org: str = ""
    issuer_name: str = ""
    # "valid", "untrusted" (intact, but the certificate is not accepted: no chain to a trusted
    # root, expired, weak algorithm) or "invalid" (content changed, bad signature value,
    # illegal modification, revoked); see signature_state.
    state: str = ""
    # What makes it last (snn_sign.longterm): the PAdES level "b_b", "b_t", "b_lt" or "b_lta";
    # the CA's answer about the signer's certificate kept in the file: "good", "revoked",
    # "unknown" (kept, but not about this certificate or unreadable) or "not_checked" (none
    # kept); the signature timestamp's time (Vietnam, ISO 8601) and its authority.
    level: str = "b_b"
    revocation: str = "not_checked"
    revocation_detail: str = ""
    timestamp_time: str | None = None
    timestamp_authority: str = ""
    # Checked as of the signature timestamp's time with the validation data in the file (the
    # signer's certificate has expired since; the timestamp proves it was valid then).
    as_of_timestamp: bool = False

    @property
    def ok(self) -> bool:
        return self.bottom_line and not self.reasons

    @property
    def verdict(self) -> str:
        """One bilingual line a clerk reads: the verdict, who signed, under which CA, when;
        for a signature that is not valid, the reasons follow."""
        state = signature_state(self)
        label_vi, label_en = _STATE_WORDS[state]
        who = self.signer_name or self.signer_subject or "?"
        if self.signer_org and self.signer_org != who:
            who = f"{who} ({self.signer_org})"
        ca = self.issuer_name or self.issuer or "?"
        when = _clerk_time(self.signing_time)
        line = (
            f"{label_vi}: ký bởi {who}, CA {ca}, lúc {when or 'không rõ'} / "
            f"{label_en}: signed by {who}, CA {ca}, at {when or 'unknown time'}"
        )
        if state != "valid" and self.reasons:
            line += " — " + "; ".join(self.reasons)
        return line


@dataclass
class VerifyReport:
    """All signatures of a file; ``ok`` only with ≥ 1 signature and every one fine."""

    signatures: list[SignatureReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and not self.problems and all(s.ok for s in self.signatures)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "problems": list(self.problems),
            "signatures": [asdict(s) | {"ok": s.ok} for s in self.signatures],
        }


def _load_certs(items, what_vi: str, what_en: str) -> list[asn1_x509.Certificate]:
    certs = []
    for data in items:
        try:
            if pem.detect(data):
                blocks = pem.unarmor(data, multiple=True)
                certs += [asn1_x509.Certificate.load(der) for _t, _h, der in blocks]
            else:
                certs.append(asn1_x509.Certificate.load(data))
        except ValueError as exc:
            raise BadInputError(
                f"{what_vi} không đọc được: {exc}", f"{what_en} cannot be read: {exc}"
            ) from exc
    return certs


def load_roots(roots: list[bytes]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or several per item) or DER bytes."""
    return _load_certs(roots, "Chứng thư gốc tin cậy", "A trusted root certificate")


def verify_pdf(
    pdf: bytes,
    trust_roots: list[bytes],
    intermediates: Iterable[bytes] = (),
    *,
    at: dt.datetime | None = None,
) -> VerifyReport:
    """Verify every signature in ``pdf`` against ``trust_roots`` (PEM or DER bytes);
    ``intermediates`` (PEM or DER) help build chains and are not trusted by themselves.
    ``at``: verify as of that moment (default now), e.g. years after a certificate expired.

    Blocking; inside an event loop, await :func:`async_verify_pdf` instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("verify_pdf() called inside an event loop: await async_verify_pdf()")
    return asyncio.run(async_verify_pdf(pdf, trust_roots, intermediates, at=at))


async def async_verify_pdf(
    pdf: bytes,
    trust_roots: list[bytes],
    intermediates: Iterable[bytes] = (),
    *,
    at: dt.datetime | None = None,
) -> VerifyReport:
    """See :func:`verify_pdf`."""
    report = VerifyReport()
    roots = load_roots(trust_roots)
    others = _load_certs(intermediates, "Chứng thư CA trung gian", "An intermediate CA certificate")
    try:
        reader = open_pdf(pdf)
        embedded = list(reader.embedded_regular_signatures)
        stamps = list(reader.embedded_timestamp_signatures)
    except BadInputError as exc:
        report.problems.append(str(exc))
        return report
    except Exception as exc:  # a damaged file fails in many ways inside the parser
        report.problems.append(
            f"Không đọc được chữ ký trong tệp (hỏng hoặc bị cắt cụt) / "
            f"The signatures cannot be read (damaged or truncated file): {exc}"
        )
        return report
    if not embedded:
        report.problems.append(NO_SIGNATURE)
        return report
    proven = await _document_timestamps(stamps, roots, others, at, report)
    for sig in embedded:
        signature = await _check(sig, roots, others, at)
        if signature.level == "b_lta" and not any(
            stamp.signed_revision > sig.signed_revision for stamp in proven
        ):
            signature.level = "b_lt"  # its archive timestamps do not hold: not proven
        report.signatures.append(signature)
    return report


async def _document_timestamps(stamps, roots, intermediates, at, report) -> list:
    """The document timestamps (B-LTA) that hold: intact, valid and from a trusted TSA. One that
    is broken is a problem of the file; one from a TSA not trusted here proves nothing."""
    proven = []
    for stamp in stamps:
        try:
            status = await async_validate_pdf_timestamp(
                stamp, validation_context=validation_context(roots, intermediates, moment=at)
            )
        except Exception as exc:  # pyHanko raises for structurally broken tokens
            report.problems.append(
                f"Dấu thời gian tài liệu hỏng / A document timestamp is broken: {exc}"
            )
            continue
        if not (status.intact and status.valid):
            report.problems.append(
                "Dấu thời gian tài liệu không khớp nội dung (tệp bị sửa) / A document timestamp "
                "does not match the content (the file was changed)"
            )
        elif status.trusted:
            proven.append(stamp)
    return proven


def received_state(report: VerifyReport) -> str:
    """The state of a received file, one of "valid", "invalid", "untrusted", "unsigned": a file
    without any signature is "unsigned" (one that cannot even be read is "invalid"); otherwise
    the worst signature decides (invalid > untrusted > valid)."""
    if not report.signatures:
        return "unsigned" if all(p == NO_SIGNATURE for p in report.problems) else "invalid"
    states = {signature_state(s) for s in report.signatures}
    if report.problems:
        states.add("invalid")
    return next(state for state in STATES_WORST_FIRST if state in states)


def signature_state(signature: SignatureReport) -> str:
    """The state _check decided; for a report built by hand, from ``ok`` alone."""
    if signature.state in STATES_WORST_FIRST:
        return signature.state
    return "valid" if signature.ok else "invalid"


def _clerk_time(iso: str | None) -> str:
    """``2019-02-18T09:30:05+07:00`` -> ``09:30 18/02/2019`` (already Vietnam time)."""
    try:
        moment = dt.datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return iso or ""
    return moment.strftime("%H:%M %d/%m/%Y") if moment else ""


def certificate_fields(cert: asn1_x509.Certificate) -> dict[str, str]:
    """signer_subject, serial (hex) and issuer, as the reports show them."""
    return {
        "signer_subject": cert.subject.human_friendly,
        "serial": format(cert.serial_number, "X"),
        "issuer": cert.issuer.human_friendly,
    }


def _first(name: asn1_x509.Name, attribute: str) -> str:
    """The first value of ``attribute`` in ``name`` (an attribute may be repeated), or ""."""
    value = name.native.get(attribute) or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def certificate_names(cert: asn1_x509.Certificate) -> dict[str, str]:
    """signer_name (the subject's CN), signer_org (its O) and issuer_name (the issuer's CN,
    else its O): what a reader is told instead of the whole distinguished names. Kept apart
    from certificate_fields, whose keys other reports (detached.py) take as they are."""
    issuer = cert.issuer
    return {
        "signer_name": _first(cert.subject, "common_name"),
        "signer_org": _first(cert.subject, "organization_name"),
        "issuer_name": _first(issuer, "common_name") or _first(issuer, "organization_name"),
    }


class PinnedSha1IssuersPolicy(AlgorithmUsagePolicy):
    """pyHanko's default algorithm policy, except that a sha1WithRSA signature made by one of
    ``issuer_keys`` is accepted.

    Why: pyHanko refuses SHA-1 everywhere, and the VGCA G1 chain is SHA-1 throughout, so every
    document signed with a G1 official's certificate would be "untrusted". The exception is
    keyed on the signing public key, never on a name: a CA that merely calls itself "Co quan
    chung thuc so Chinh phu" gains nothing. Only sha1_rsa is let through (MD5 and the rest stay
    refused, and so does a weak RSA key size), and digest_algorithm_allowed stays strict, so a
    SHA-1 document signature (CMS digest and signed attributes) is refused whoever signed it."""

    def __init__(self, issuer_keys: Iterable[keys.PublicKeyInfo]):
        # the subjectPublicKey bits: the key itself, whatever the encoding of its parameters
        self._issuer_keys = frozenset(key["public_key"].dump() for key in issuer_keys)
        self._strict = DisallowWeakAlgorithmsPolicy()
        self._sha1_tolerant = DisallowWeakAlgorithmsPolicy(DEFAULT_WEAK_HASH_ALGOS - {"sha1"})

    def digest_algorithm_allowed(
        self, algo: algos.DigestAlgorithm, moment: dt.datetime | None
    ) -> AlgorithmUsageConstraint:
        return self._strict.digest_algorithm_allowed(algo, moment)

    def signature_algorithm_allowed(
        self,
        algo: algos.SignedDigestAlgorithm,
        moment: dt.datetime | None,
        public_key: keys.PublicKeyInfo | None,
    ) -> AlgorithmUsageConstraint:
        pinned = public_key is not None and public_key["public_key"].dump() in self._issuer_keys
        if pinned and algo["algorithm"].native == "sha1_rsa":
            return self._sha1_tolerant.signature_algorithm_allowed(algo, moment, public_key)
        return self._strict.signature_algorithm_allowed(algo, moment, public_key)


@functools.cache
def algorithm_policy() -> PinnedSha1IssuersPolicy:
    """The policy for every verification: SHA-1 only from the shipped SHA-1-era CAs' keys.
    Raises TrustStoreError when the shipped store is damaged (see trust.read_store)."""
    pems = [c.pem for c in default_certificates() if c.file in SHA1_ISSUER_FILES]
    issuers = _load_certs(pems, "Kho chứng thư tin cậy", "The trust store")
    return PinnedSha1IssuersPolicy(cert.public_key for cert in issuers)


def validation_context(
    roots: list[asn1_x509.Certificate],
    intermediates: Iterable[asn1_x509.Certificate] = (),
    moment: dt.datetime | None = None,
) -> ValidationContext:
    """Trust exactly ``roots``, offline (see REVOCATION); ``intermediates`` only build chains;
    SHA-1 is accepted only as algorithm_policy() says. ``moment``: validate as of then (now)."""
    return ValidationContext(
        trust_roots=roots,
        other_certs=list(intermediates),
        allow_fetching=False,
        revinfo_policy=REVOCATION,
        algorithm_usage_policy=algorithm_policy(),
        moment=moment,
    )


async def _check(sig, roots, intermediates=(), at=None) -> SignatureReport:
    context = validation_context(roots, intermediates, moment=at)
    when = sig.self_reported_timestamp
    base = {
        "field": sig.field_name,
        **certificate_fields(sig.signer_cert),
        **certificate_names(sig.signer_cert),
        "signing_time": iso_vn(when) if isinstance(when, dt.datetime) else None,
    }
    try:
        status = await async_validate_pdf_signature(
            sig, signer_validation_context=context, key_usage_settings=KEY_USAGE
        )
    except Exception as exc:  # pyHanko raises for structurally broken signatures
        return SignatureReport(
            **base,
            intact=False,
            valid=False,
            trusted=False,
            modification_level=None,
            bottom_line=False,
            reasons=[f"Chữ ký hỏng / Broken signature: {exc}"],
            state="invalid",
        )
    facts = long_term_facts(sig, status)
    as_of_timestamp = False
    if _expired_since(status) and facts["revinfo"] is not None:
        later = await _validate_as_of_timestamp(sig, status, roots, intermediates, facts, at=at)
        if later is not None:
            status, as_of_timestamp = later, True
    level = status.modification_level
    rep = SignatureReport(
        **base,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        modification_level=level.name if level is not None else None,
        bottom_line=bool(status.bottom_line),
        timestamped=status.timestamp_validity is not None,
        level=facts["level"],
        revocation=facts["revocation"],
        revocation_detail=facts["revocation_detail"],
        timestamp_time=facts["timestamp_time"],
        timestamp_authority=facts["timestamp_authority"],
        as_of_timestamp=as_of_timestamp,
    )
    rep.reasons = _reasons(status, level)
    if facts["revocation"] == "revoked":
        rep.reasons.append(facts["revocation_detail"])
    rep.state = _state(status, level, rep)
    if facts["revocation"] == "revoked":
        rep.state = "invalid"
    return rep


def _state(status, level, rep: SignatureReport) -> str:
    """valid / untrusted / invalid: anything wrong with the content, the signature value, the
    modifications or a timestamp token's integrity is "invalid", and so is a revoked
    certificate; a certificate (signer's or TSA's) that is merely not accepted is "untrusted"."""
    if rep.ok:
        return "valid"
    ts = status.timestamp_validity
    broken = (
        not status.intact
        or not status.valid
        or (level is not None and level not in ALLOWED_LEVELS)
        or (status.docmdp_ok is False)
        or not status.seed_value_ok
        or (ts is not None and not (ts.intact and ts.valid))
        or status.trust_problem_indic in REVOKED
    )
    if broken:
        return "invalid"
    if not status.trusted or (ts is not None and not ts.trusted):
        return "untrusted"
    return "invalid"  # fails pyHanko's overall check for a reason not named above


def integrity_and_trust_reasons(status) -> list[str]:
    """Bilingual reasons from any pyHanko signature status: digest, signature value, trust."""
    reasons = []
    if not status.intact:
        reasons.append(
            "Nội dung đã bị thay đổi sau khi ký (sai mã băm) / "
            "The content changed after signing (digest mismatch)"
        )
    elif not status.valid:
        reasons.append(
            "Chữ ký số không hợp lệ về mật mã / The signature is cryptographically invalid"
        )
    if status.trusted:
        return reasons
    why = status.trust_problem_indic.name if status.trust_problem_indic else "UNKNOWN"
    if status.trust_problem_indic in WEAK_ALGORITHM:
        reasons.append(
            f"Chữ ký hoặc chứng thư dùng thuật toán yếu không còn được chấp nhận, "
            f"như SHA-1 ({why}) / The signature or a certificate uses a weak algorithm that is "
            f"no longer accepted, such as SHA-1 ({why})"
        )
    else:
        reasons.append(
            f"Chứng thư số không dẫn tới CA tin cậy ({why}) / "
            f"The certificate does not chain to a trusted CA ({why})"
        )
    return reasons


def _reasons(status, level) -> list[str]:
    reasons = integrity_and_trust_reasons(status)
    illegal = level is not None and level not in ALLOWED_LEVELS
    if illegal:
        reasons.append(
            f"Tệp bị sửa trái phép sau khi ký (mức {level.name}) / "
            f"Illegal modification after signing (level {level.name})"
        )
    if status.docmdp_ok is False and not illegal:  # one reason for one problem
        reasons.append(
            "Thay đổi sau khi ký vi phạm quyền DocMDP / Changes after signing break DocMDP"
        )
    ts = status.timestamp_validity
    if ts is not None and not ts.valid:
        reasons.append("Dấu thời gian không hợp lệ / The timestamp token is invalid")
    elif ts is not None and not ts.trusted:
        reasons.append(
            "Chứng thư của dấu thời gian không dẫn tới CA tin cậy / "
            "The timestamp's certificate does not chain to a trusted CA"
        )
    if not reasons and not status.bottom_line:
        reasons.append(
            "Chữ ký không đạt kiểm tra tổng thể của pyHanko / "
            "The signature fails pyHanko's overall check"
        )
    return reasons


# ---------------------------------------------------------------------- long-term facts


def long_term_facts(sig, status) -> dict:
    """Level, revocation answer and timestamp of one signature, read from the file alone: the
    signature timestamp (B-T), the CA's answers about the signer's certificate in the DSS
    (B-LT), a document timestamp after it (B-LTA). ``revinfo``: the DSS's (certificates, OCSP
    responses, CRLs), or None without a DSS."""
    ts = status.timestamp_validity
    facts = {
        "timestamp_time": iso_vn(ts.timestamp) if ts is not None else None,
        "timestamp_authority": (
            _first(ts.signing_cert.subject, "common_name") if ts is not None else ""
        ),
        "revocation": "not_checked",
        "revocation_detail": "",
        "revinfo": None,
        "level": "b_t" if ts is not None else "b_b",
    }
    try:
        dss = DocumentSecurityStore.read_dss(sig.reader)
    except NoDSSFoundError:
        return facts
    certs = list(dss.load_certs())
    ocsps = [
        _stream_object(ref, asn1_ocsp.OCSPResponse, DecodePurpose.OCSP_RESPONSE)
        for ref in dss.ocsps
    ]
    crls = [_stream_object(ref, asn1_crl.CertificateList, DecodePurpose.CRL) for ref in dss.crls]
    facts["revinfo"] = (
        certs,
        [o for o in ocsps if o is not None],
        [c for c in crls if c is not None],
    )
    answer = _answer_about(sig.signer_cert, facts["revinfo"][1], facts["revinfo"][2])
    if answer is None:
        if ocsps or crls:
            facts["revocation"] = "unknown"
            facts["revocation_detail"] = (
                "Tệp có dữ liệu thu hồi nhưng không về chứng thư này / "
                "The file keeps revocation data, but not about this certificate"
            )
        return facts
    facts["revocation"], facts["revocation_detail"] = answer
    if ts is not None:
        facts["level"] = "b_lt"
        if any(
            stamp.signed_revision > sig.signed_revision
            for stamp in sig.reader.embedded_timestamp_signatures
        ):
            facts["level"] = "b_lta"
    return facts


def _stream_object(ref, kind, purpose):
    try:
        return kind.load(ref.get_object().read_data(purpose))
    except (ValueError, TypeError, KeyError):
        return None


def _answer_about(cert, ocsps, crls) -> tuple[str, str] | None:
    """("good" | "revoked", words) from an OCSP response, else a CRL, about ``cert``."""
    serial, issuer = cert.serial_number, cert.issuer
    for response in ocsps:
        try:
            basic = response["response_bytes"]["response"].parsed
            singles = basic["tbs_response_data"]["responses"]
        except (KeyError, ValueError, TypeError):
            continue
        for single in singles:
            if single["cert_id"]["serial_number"].native != serial:
                continue
            status = single["cert_status"]
            produced = iso_vn(basic["tbs_response_data"]["produced_at"].native)
            if status.name == "good":
                return "good", (f"OCSP lúc {produced}: còn hiệu lực / OCSP at {produced}: good")
            if status.name == "revoked":
                when = iso_vn(status.chosen["revocation_time"].native)
                return "revoked", (
                    f"OCSP: chứng thư bị thu hồi lúc {when} / OCSP: the certificate was "
                    f"revoked at {when}"
                )
    for crl in crls:
        tbs = crl["tbs_cert_list"]
        if tbs["issuer"] != issuer:
            continue
        issued = iso_vn(tbs["this_update"].native)
        for entry in tbs["revoked_certificates"] or []:
            if entry["user_certificate"].native == serial:
                when = iso_vn(entry["revocation_date"].native)
                return "revoked", (
                    f"CRL ngày {issued}: chứng thư bị thu hồi lúc {when} / CRL of {issued}: "
                    f"the certificate was revoked at {when}"
                )
        return "good", f"CRL ngày {issued}: không bị thu hồi / CRL of {issued}: not revoked"
    return None


EXPIRED_SINCE = {AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.NO_POE}


def _expired_since(status) -> bool:
    """Intact, signed with a trusted timestamp, and refused only because the certificate is no
    longer valid now: what the file's validation data can still prove as of the timestamp."""
    ts = status.timestamp_validity
    return bool(
        status.intact
        and status.valid
        and not status.trusted
        and status.trust_problem_indic in EXPIRED_SINCE
        and ts is not None
        and ts.intact
        and ts.valid
        and ts.trusted
    )


async def _validate_as_of_timestamp(sig, status, roots, intermediates, facts, *, at):
    """The signature again, its certificate checked as of the signature timestamp's time with
    the certificates and CA answers kept in the file (offline; none fetched). None when that
    does not validate either."""
    certs, ocsps, crls = facts["revinfo"]
    context = ValidationContext(
        trust_roots=roots,
        other_certs=[*intermediates, *certs],
        ocsps=ocsps,
        crls=crls,
        allow_fetching=False,
        revinfo_policy=REVOCATION,
        algorithm_usage_policy=algorithm_policy(),
        moment=status.timestamp_validity.timestamp,
    )
    try:
        again = await async_validate_pdf_signature(
            sig,
            signer_validation_context=context,
            ts_validation_context=validation_context(roots, [*intermediates, *certs], at),
            key_usage_settings=KEY_USAGE,
        )
    except Exception:  # the first verdict stands
        return None
    return again if again.bottom_line else None
