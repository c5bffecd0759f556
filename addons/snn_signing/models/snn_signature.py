import datetime as dt
import re

from odoo import api, fields, models

from snn_sign import verify
from snn_sign.vntime import to_vn

KINDS = [
    ("personal", "Signer"),
    ("organization", "Organisation (seal)"),
    ("attachment", "Attachment (organisation)"),
]
# PAdES baseline levels (ETSI EN 319 142-1), what each adds to the one before.
LEVELS = [
    ("b_b", "B-B (basic signature)"),
    ("b_t", "B-T (with a signature timestamp)"),
    ("b_lt", "B-LT (with the validation data)"),
    ("b_lta", "B-LTA (with an archive timestamp)"),
]
# The CA's answer about the certificate, as kept in the signed file (snn_sign.verify).
REVOCATION = [
    ("good", "Not revoked"),
    ("revoked", "Revoked"),
    ("unknown", "Unknown"),
    ("not_checked", "Not checked"),
]
# The modification levels (pyHanko's names) that a signed document allows after a signature.
ALLOWED_LEVELS = frozenset(level.name for level in verify.ALLOWED_LEVELS)


def _name_part(text, label):
    """One value of asn1crypto's human-friendly name, as records made before the names were
    stored keep it: "Common Name: …, Organization: …", or "; " between the parts when a value
    holds a comma."""
    text = text or ""
    separator = "; " if re.search(r"; [A-Z][A-Za-z/ ]*: ", text) else ", "
    for part in text.split(separator):
        key, colon, value = part.partition(": ")
        if colon and key == label:
            return value.strip()
    return ""


class SnnSignature(models.Model):
    """One digital signature of an issued document, and what the verifier said of it."""

    _name = "snn.signature"
    _inherit = ["snn.document.child"]
    _description = "Digital Signature of an Outgoing Document"
    _order = "document_id, sequence, id"
    _snn_parent_fields = ("document_id", "attachment_id")

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade", index=True)
    # The appendix an "attachment" signature seals (snn_document_attachment.py).
    attachment_id = fields.Many2one(
        "snn.document.attachment", ondelete="cascade", index="btree_not_null"
    )
    sequence = fields.Integer()
    kind = fields.Selection(KINDS, required=True)
    key_label = fields.Char()
    field_name = fields.Char(string="Signature Field")
    subject = fields.Char(string="Certificate Subject")
    serial = fields.Char(string="Certificate Serial")
    issuer = fields.Char(string="Certificate Issuer")
    signer_name = fields.Char(string="Signer's Name", help="The certificate's common name.")
    signer_org = fields.Char(string="Signer's Organisation")
    issuer_name = fields.Char(string="Certification Authority")
    signing_time = fields.Char(help="As signed, ISO 8601 with the Vietnam offset (+07:00).")
    signed_at = fields.Datetime()
    intact = fields.Boolean(help="The signed bytes are unchanged.")
    trusted = fields.Boolean(help="The certificate chains to a configured trusted root.")
    valid = fields.Boolean(help="Intact, trusted, and no change after signing that is not allowed.")
    modification_level = fields.Char()
    revocation_checked = fields.Boolean(
        help="Whether the file keeps the CA's answer (OCSP or CRL) about the certificate."
    )
    level = fields.Selection(LEVELS, string="PAdES Level", default="b_b")
    revocation = fields.Selection(
        REVOCATION,
        default="not_checked",
        help="The CA's answer about the certificate at signing, as the file keeps it.",
    )
    revocation_detail = fields.Char(string="CA's Answer")
    timestamp_time = fields.Datetime(
        string="Timestamped At", help="The signature timestamp's time (from the TSA)."
    )
    timestamp_authority = fields.Char(string="Time-Stamping Authority")
    verdict = fields.Char(compute="_compute_verdict")
    reasons = fields.Text()
    verified_at = fields.Datetime()
    # What the signature panel says, in the user's language (see _compute_panel).
    status = fields.Char(string="Signature Status", compute="_compute_panel")
    signed_by = fields.Char(compute="_compute_panel")
    verdict_text = fields.Char(string="Verdict in Words", compute="_compute_panel")
    revocation_text = fields.Char(string="Revocation in Words", compute="_compute_panel")
    long_term_text = fields.Char(string="Lasting Proof", compute="_compute_panel")
    reasons_text = fields.Text(string="Reasons in Your Language", compute="_compute_panel")
    modification_text = fields.Char(string="Changes After Signing", compute="_compute_panel")
    verified_text = fields.Char(string="Verified", compute="_compute_panel")

    def _compute_verdict(self):
        for signature in self:
            if not signature.intact:
                signature.verdict = self.env._("Altered")
            elif not signature.trusted:
                signature.verdict = self.env._("Not trusted")
            elif not signature.valid:
                signature.verdict = self.env._("Changed after signing")
            elif not signature.revocation_checked:
                signature.verdict = self.env._("Valid (revocation not checked)")
            else:
                signature.verdict = self.env._("Valid")

    @api.depends(
        "signer_name",
        "signer_org",
        "issuer_name",
        "subject",
        "issuer",
        "signed_at",
        "signing_time",
        "intact",
        "trusted",
        "valid",
        "modification_level",
        "revocation_checked",
        "revocation",
        "revocation_detail",
        "level",
        "timestamp_time",
        "timestamp_authority",
        "reasons",
        "verified_at",
    )
    @api.depends_context("lang")
    def _compute_panel(self):
        for signature in self:
            status = signature._status()
            signature.status = status
            signature.signed_by = signature._signed_by_text()
            signature.verdict_text = signature._verdict_text(status)
            signature.revocation_text = (
                signature._revocation_text() if status != "broken" else False
            )
            signature.long_term_text = signature._long_term_text()
            signature.reasons_text = signature._reasons_in_user_language()
            signature.modification_text = signature._modification_text()
            signature.verified_text = signature.verified_at and self.env._(
                "Verified %(when)s", when=signature._when(signature.verified_at)
            )

    def _revocation_text(self):
        """The CA's answer kept in the file, in the user's language."""
        if self.revocation == "good":
            return self.env._("Not revoked: the CA's answer at signing is kept in the file.")
        if self.revocation == "revoked":
            return self.env._("Revoked: the CA says the certificate was revoked.")
        return self.env._(
            "Not checked: whether the certificate has been revoked (the file keeps no answer "
            "of its CA)."
        )

    def _long_term_text(self):
        """ "PAdES B-LTA; timestamp at 09:30 on 18/02/2019 by <TSA>": how long it can be
        proven (what each level adds: the README's "Lasting signatures")."""
        level = dict(self._fields["level"]._description_selection(self.env)).get(self.level)
        if not self.timestamp_time:
            return level or False
        return self.env._(
            "%(level)s; timestamp %(when)s by %(tsa)s",
            level=level,
            when=self._when(self.timestamp_time),
            tsa=self.timestamp_authority or "?",
        )

    def _status(self):
        """valid, warning (intact and unchanged, but the certificate is not trusted) or broken."""
        changed = self.modification_level not in ALLOWED_LEVELS
        if not self.intact or changed or (self.trusted and not self.valid):
            return "broken"
        return "warning" if not self.trusted else "valid"

    def _names(self):
        """(signer, organisation, issuer) as stored, else read back from the subject and issuer
        strings of records made before the names were stored."""
        name = self.signer_name or _name_part(self.subject, "Common Name") or self.subject or ""
        org = self.signer_org or _name_part(self.subject, "Organization")
        issuer = (
            self.issuer_name
            or _name_part(self.issuer, "Common Name")
            or _name_part(self.issuer, "Organization")
            or self.issuer
            or ""
        )
        return name, org, issuer

    def _signed_at(self):
        """The signing time (read from the ISO text for records made before signed_at)."""
        return self.signed_at or self._utc_from_iso(self.signing_time)

    @api.model
    def _utc_from_iso(self, text):
        """An ISO 8601 moment with its offset, as the verifier reports it, as Odoo keeps a
        datetime: naive UTC; False when there is none or it cannot be read."""
        try:
            moment = dt.datetime.fromisoformat(text or "")
        except ValueError:
            return False
        return to_vn(moment).astimezone(dt.timezone.utc).replace(tzinfo=None)

    def _when(self, moment):
        """ "at 15:05 on 06/12/2026": Vietnam time, as the date printed on the document."""
        local = to_vn(moment)
        return self.env._(
            "at %(time)s on %(date)s",
            time=local.strftime("%H:%M"),
            date=local.strftime("%d/%m/%Y"),
        )

    def _signed_by_text(self):
        name, org, _issuer = self._names()
        who = f"{name} ({org})" if org and org != name else name
        moment = self._signed_at()
        when = self._when(moment) if moment else self.env._("signing time not stated")
        return self.env._("Signed by %(who)s, %(when)s", who=who, when=when)

    def _verdict_text(self, status):
        issuer = self._names()[2]
        if status == "valid":
            return self.env._(
                "Valid signature: the document has not been changed since it was signed; "
                "the certificate was issued by %(issuer)s and is trusted.",
                issuer=issuer,
            )
        if status == "warning":
            return self.env._(
                "Signature not trusted: the document has not been changed since it was "
                "signed, but the certificate was issued by %(issuer)s, which is not among "
                "the trusted certification authorities.",
                issuer=issuer,
            )
        if not self.intact:
            return self.env._(
                "Invalid signature: the document was altered after it was signed; "
                "its content is not what was signed."
            )
        return self.env._(
            "Invalid signature: the file was changed after signing in a way a signed "
            "document does not allow, or the signature fails a check (see why below)."
        )

    def _reasons_in_user_language(self):
        """The engine's reasons are "Vietnamese / English" lines: the user's half of each."""
        if not self.reasons:
            return False
        english = not (self.env.lang or "").startswith("vi")
        lines = []
        for line in self.reasons.splitlines():
            vietnamese, separator, other = line.partition(" / ")
            lines.append(other if separator and english else vietnamese)
        return "\n".join(lines)

    def _modification_text(self):
        texts = {
            "NONE": self.env._("None: nothing was added after this signature."),
            "FORM_FILLING": self.env._(
                "Allowed: only further signatures or form filling after this signature."
            ),
            "LTA_UPDATES": self.env._(
                "Allowed: only validation data (timestamps, revocation data) added after "
                "this signature."
            ),
            "ANNOTATIONS": self.env._(
                "Not allowed: comments or drawings were added after this signature."
            ),
            "OTHER": self.env._("Not allowed: the content was changed after this signature."),
        }
        return texts.get(self.modification_level) or self.env._("Could not be determined.")
