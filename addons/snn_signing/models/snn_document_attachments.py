"""The document's side of its attachments: checked at submission, fingerprinted at approval,
compared at issue, sealed with the main file (all or nothing), verified again on request.
(snn_dispatch sends the sealed ones with the signed document.)"""

import hashlib

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.snn_docflow.engine_words import line_words
from odoo.addons.snn_docflow.exceptions import RememberedRefusal
from odoo.addons.snn_docflow.models import snn_document_workflow as workflow

from snn_sign import sign_pdf, verify_pdf
from snn_sign.longterm import add_document_timestamp
from snn_sign.pdfinput import looks_like_pdf


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    attachment_ids = fields.One2many(
        "snn.document.attachment", "document_id", string="Attachments", copy=False
    )

    # ------------------------------------------------------------------ checks

    def _check_one_content_ready(self):
        result = super()._check_one_content_ready()
        for attachment in self.attachment_ids:
            if not looks_like_pdf(attachment._file_bytes()):
                raise UserError(
                    self.env._(
                        "The attachment “%(name)s” of “%(doc)s” has no PDF: attach its file again.",
                        name=attachment.name,
                        doc=self.display_name,
                    )
                )
        return result

    def _check_issue_files(self):
        """The appendices to seal are the ones approved, as the main file is."""
        result = super()._check_issue_files()
        for document in self:
            changed = document.attachment_ids.filtered(lambda a: a._sha256() != a.approved_sha256)
            if changed:
                raise RememberedRefusal(
                    self.env._(
                        "The attachment “%(name)s” of “%(doc)s” is not the one the director "
                        "approved: its SHA-256 changed since approval. Nothing was numbered.",
                        name=changed[0].name,
                        doc=document.display_name,
                    ),
                    document,
                )
        return result

    # ------------------------------------------------------------------ effects

    def _do_approve(self):
        result = super()._do_approve()
        for attachment in self.attachment_ids:
            attachment.approved_sha256 = attachment._sha256()
        return result

    def _issue_files(self):
        """After the main file is signed: each attachment sealed by the organisation with the
        main document's code and the signing time, verified; a failure fails the issue."""
        values = super()._issue_files()
        if not (self.esign and self.attachment_ids):
            return values
        company = self.company_id.sudo()
        with_it = self._sealed_with_it()
        # The seal made elsewhere sealed them with the document (same authorisation).
        sealed_elsewhere = with_it["attachments"] if with_it["trail"] else None
        signing_time = workflow.vietnam_now()
        # Numbered in their order (sequence), not as the records happen to be cached.
        long_term = company._long_term_policy()
        for index, attachment in enumerate(self.attachment_ids.sorted(), 1):
            if sealed_elsewhere is None:
                sealed = sign_pdf(
                    attachment._file_bytes(),
                    company.snn_seal_bridge_id._signer(company.snn_seal_key),
                    appearance="attachment",
                    code=self.code,
                    signing_time=signing_time,
                    long_term=long_term,
                )
            else:
                sealed = attachment._sealed_elsewhere(sealed_elsewhere)
            if long_term.tsa_url:  # B-LTA, as the main file
                sealed = add_document_timestamp(sealed, long_term)
            report = verify_pdf(sealed, company._trust_roots())
            if not report.ok:
                reasons = [*report.problems, *(r for s in report.signatures for r in s.reasons)]
                raise UserError(
                    self.env._(
                        "The sealed attachment “%(name)s” does not verify: %(why)s",
                        name=attachment.name,
                        why="; ".join(line_words(self.env, reason) for reason in reasons),
                    )
                )
            attachment.write(attachment._sealed_values(self, sealed, report, index))
        return values

    def _sealed_attachment_files(self):
        """(file name, bytes, description) of each sealed attachment, in their order."""
        self.ensure_one()
        return [
            (
                attachment.sealed_file_name,
                attachment._file_bytes("sealed_file"),
                attachment.name[:200],
            )
            for attachment in self.sudo().attachment_ids.sorted().filtered("sealed_file")
        ]

    def action_verify_signatures(self):
        result = super().action_verify_signatures()
        for document in self.sudo():
            for attachment in document.attachment_ids:
                if attachment._files_not_in_store(["sealed_file"]):
                    attachment.signature_ids.write(
                        {"valid": False, "reasons": attachment._not_in_store_words()}
                    )
            for attachment in document.attachment_ids.filtered("sealed_file"):
                sealed = attachment._file_bytes("sealed_file")
                report = verify_pdf(sealed, document.company_id._trust_roots())
                attachment.signature_ids.unlink()
                attachment.write(
                    {"signature_ids": attachment._signature_commands(document, report)}
                )
                if hashlib.sha256(sealed).hexdigest() != attachment.sealed_sha256:
                    attachment.signature_ids.write(
                        {"valid": False, "reasons": self.env._("The stored file was changed.")}
                    )
        return result
