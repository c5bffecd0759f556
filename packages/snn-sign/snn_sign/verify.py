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
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
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
    pdf: bytes, trust_roots: list[bytes], intermediates: Iterable[bytes] = ()
) -> VerifyReport:
    """Verify every signature in ``pdf`` against ``trust_roots`` (PEM or DER bytes);
    ``intermediates`` (PEM or DER) help build chains and are not trusted by themselves.

    Blocking; inside an event loop, await :func:`async_verify_pdf` instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("verify_pdf() called inside an event loop: await async_verify_pdf()")
    return asyncio.run(async_verify_pdf(pdf, trust_roots, intermediates))


async def async_verify_pdf(
    pdf: bytes, trust_roots: list[bytes], intermediates: Iterable[bytes] = ()
) -> VerifyReport:
    """See :func:`verify_pdf`."""
    report = VerifyReport()
    roots = load_roots(trust_roots)
    others = _load_certs(intermediates, "Chứng thư CA trung gian", "An intermediate CA certificate")
    try:
        embedded = list(open_pdf(pdf).embedded_signatures)
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
    for sig in embedded:
        report.signatures.append(await _check(sig, roots, others))
    return report


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


async def _check(sig, roots, intermediates=()) -> SignatureReport:
    context = validation_context(roots, intermediates)
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
    level = status.modification_level
    rep = SignatureReport(
        **base,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        modification_level=level.name if level is not None else None,
        bottom_line=bool(status.bottom_line),
        timestamped=status.timestamp_validity is not None,
    )
    rep.reasons = _reasons(status, level)
    rep.state = _state(status, level, rep)
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
