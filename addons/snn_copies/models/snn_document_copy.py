"""An electronic copy (bản sao điện tử, Decree 30 Art. 25-27) of an issued outgoing document or
of an incoming one: its form (sao y, sao lục, trích sao), its number in the organisation's
series of copies of the year (01 again on 1 January), the copy's PDF sealed by the
organisation (snn_sign's ``copy`` appearance) and checked. Made by the clerk's step on the
original (snn_copy_source.py); nobody writes or deletes a copy afterwards."""

import base64
import hashlib

from odoo import api, fields, models

from odoo.addons.snn_docflow.models.snn_register import create_numbered

# The abbreviations of the forms of copy in a copy's number and notation (Decree 30, Annex III).
NOTATIONS = {"sao_y": "SY", "sao_luc": "SL", "trich_sao": "TS"}


class SnnDocumentCopy(models.Model):
    _name = "snn.document.copy"
    _description = "Electronic Copy"
    # Seen by whoever may read its original (models/ir_rule.py in snn_docflow); its file is
    # written by its own creation only.
    _inherit = ["snn.copy.record", "snn.record.files"]
    _rec_name = "code"

    code = fields.Char(string="Number and Notation", readonly=True, copy=False, index=True)
    subject = fields.Char(readonly=True)
    file = fields.Binary(string="Copy (PDF)", attachment=True, readonly=True)
    file_name = fields.Char(readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True)
    signing_time = fields.Char(string="Sealed At", readonly=True, help="ISO 8601, Vietnam time.")
    seal_subject = fields.Char(string="Sealed By", readonly=True)

    _number_unique = models.UniqueIndex(
        "(company_id, number_year, number) WHERE number IS NOT NULL",
        "A number of the series of copies is taken once a year.",
    )
    _one_original = models.Constraint(
        "CHECK ((document_id IS NULL) <> (incoming_id IS NULL))",
        "A copy is of exactly one document.",
    )

    def _append_only_refusals(self):
        return (
            self.env._("An electronic copy cannot be changed: make a new one."),
            self.env._("An electronic copy cannot be deleted: it is in the register."),
        )

    # ------------------------------------------------------------------ made by the step

    @api.model
    def _make(self, original, form, pages, sealed, seal):
        """The copy of ``original`` (snn.document or snn.incoming.document, sudo): numbered in
        its organisation's series of the year of its seal, ``sealed`` and the verdict on its
        seal (``seal``, snn_sign's SignatureReport) kept."""
        link, original_id = self._link_to(original)
        stem = (original.code or str(original.id)).replace("/", "-")
        notation = NOTATIONS[form]

        def values(number):
            return {
                "company_id": original.company_id.id,
                link: original_id,
                "form": form,
                "pages": pages,
                "number": number,
                "number_year": int(seal.signing_time[:4]),
                "code": f"{number:02d}/{notation}",
                "source_code": original.code,
                "subject": original.subject,
                "file": base64.b64encode(sealed),
                "file_name": f"{notation}-{number:02d}-{stem}.pdf",
                "sha256": hashlib.sha256(sealed).hexdigest(),
                "signing_time": seal.signing_time,
                "seal_subject": seal.signer_subject,
                "made_by_id": self.env.uid,
            }

        return create_numbered(
            self.sudo(),
            original.company_id.id,
            int(seal.signing_time[:4]),
            ("company_id", "number_year", "number"),
            values,
        )
