import base64
import hashlib

from odoo import api, fields, models

from snn_sign import verify_pdf

PAPER_REASONS = [
    ("secret", "Secret document"),
    ("before_trial", "Before e-signing started"),
    ("clerk_choice", "Clerk's choice during the trial"),
]
# What the issue step writes here: never a client's create/write (see snn_docflow).
SIGNING_RESULTS = frozenset(
    {
        "esign",
        "paper_reason",
        "stamped_file",
        "stamped_sha256",
        "signed_file",
        "signed_file_name",
        "signed_sha256",
        "signature_ids",
        "anchor_ids",
        "archive_expiry",
    }
)


class SnnDocument(models.Model):
    _inherit = "snn.document"

    esign = fields.Boolean(
        string="E-signed", readonly=True, copy=False, help="Issued with digital signatures."
    )
    paper_reason = fields.Selection(
        PAPER_REASONS, string="Issued on Paper Because", readonly=True, copy=False
    )
    stamped_file = fields.Binary(
        string="Stamped PDF",
        attachment=True,
        readonly=True,
        copy=False,
        help="The approved PDF with number and date written in (before any signature).",
    )
    stamped_sha256 = fields.Char(string="Stamped SHA-256", readonly=True, copy=False)
    signed_file = fields.Binary(string="Signed PDF", attachment=True, readonly=True, copy=False)
    signed_file_name = fields.Char(readonly=True, copy=False)
    signed_sha256 = fields.Char(string="Signed SHA-256", readonly=True, copy=False)
    signature_ids = fields.One2many(
        "snn.signature", "document_id", string="Signatures", readonly=True, copy=False
    )
    can_issue_paper = fields.Boolean(compute="_compute_can_issue_paper")
    anchor_ids = fields.One2many(
        "snn.trail.anchor", "document_id", string="Signed Trail Heads", readonly=True, copy=False
    )

    @api.depends("state", "confidentiality", "company_id")
    @api.depends_context("uid")
    def _compute_can_issue_paper(self):
        for document in self:
            document.can_issue_paper = not document._get_cannot_issue_paper_reasons()

    def _workflow_fields(self):
        return super()._workflow_fields() | SIGNING_RESULTS

    def _frozen_file_fields(self):
        frozen = super()._frozen_file_fields()
        if self.state in ("issued", "cancelled"):
            frozen |= {"stamped_file", "signed_file"}
        return frozen

    def _trail_snapshot(self):
        """The issue row (and any later one) proves the signed file, not the approved one."""
        snapshot = super()._trail_snapshot()
        if self.signed_sha256:
            snapshot["file_sha256"] = self.signed_sha256
        return snapshot

    # ------------------------------------------------------------------ verification

    def action_verify_signatures(self):
        """ "Verify again": the stored signed file, checked anew against the trusted roots."""
        self.check_access("read")
        for document in self.sudo().filtered(lambda d: d._files_not_in_store(["signed_file"])):
            document.signature_ids.write(
                {"valid": False, "reasons": document._not_in_store_words()}
            )
        for document in self.sudo().with_context(bin_size=False).filtered("signed_file"):
            signed = base64.b64decode(document.signed_file)
            report = verify_pdf(signed, document.company_id._trust_roots())
            document.signature_ids.unlink()
            document.write(
                {"signature_ids": document._signature_records(report, document._signed_keys())}
            )
            if hashlib.sha256(signed).hexdigest() != document.signed_sha256:
                document.signature_ids.write(
                    {"valid": False, "reasons": self.env._("The stored file was changed.")}
                )
        return True

    def _signed_keys(self):
        """Key labels of the signatures, in signing order (the verifier does not know them)."""
        company = self.company_id.sudo()
        signer = self.signer_id.sudo()
        personal = {
            "remote": signer.snn_csc_credential,
            "local": signer.snn_local_key,
        }.get(signer.snn_sign_mode, signer.snn_sign_key)
        seal = {
            "remote": company.snn_csc_credential,
            "local": company.snn_seal_local_key,
        }.get(company.snn_seal_sign_mode, company.snn_seal_key)
        return [("personal", personal), ("organization", seal)]

    @api.model
    def _signature_records(self, report, keys):
        """One2many commands of the signature records from a ``VerifyReport``."""
        now = fields.Datetime.now()
        Signature = self.env["snn.signature"]
        commands = []
        for sequence, signature in enumerate(report.signatures):
            kind, label = keys[sequence] if sequence < len(keys) else ("attachment", False)
            commands.append(
                fields.Command.create(
                    {
                        "sequence": sequence,
                        "kind": kind,
                        "key_label": label,
                        "field_name": signature.field,
                        "subject": signature.signer_subject,
                        "serial": signature.serial,
                        "issuer": signature.issuer,
                        "signer_name": signature.signer_name or False,
                        "signer_org": signature.signer_org or False,
                        "issuer_name": signature.issuer_name or False,
                        "signing_time": signature.signing_time,
                        "signed_at": Signature._utc_from_iso(signature.signing_time),
                        "intact": signature.intact,
                        "trusted": signature.trusted,
                        "valid": signature.ok,
                        "modification_level": signature.modification_level,
                        "revocation_checked": signature.revocation in ("good", "revoked"),
                        "level": signature.level,
                        "revocation": signature.revocation,
                        "revocation_detail": signature.revocation_detail or False,
                        "timestamp_time": Signature._utc_from_iso(signature.timestamp_time),
                        "timestamp_authority": signature.timestamp_authority or False,
                        "reasons": "\n".join(signature.reasons) or False,
                        "verified_at": now,
                    }
                )
            )
        return commands

    # ------------------------------------------------------------------ trail anchor

    def _trail_anchor_problems(self):
        problems = super()._trail_anchor_problems()
        anchors = self.sudo().with_context(bin_size=False).anchor_ids
        rows = self.sudo().approval_ids
        roots = self.company_id._trust_roots()
        for anchor in anchors:
            problems += anchor._problems(rows, roots)
        if self.esign and not anchors:
            problems.append(
                self.env._("The document was e-signed but its trail head was never signed.")
            )
        return problems
