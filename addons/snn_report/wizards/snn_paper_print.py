"""Asks the clerk how many paper copies are printed and who keeps the file copy."""

from odoo import api, fields, models


class SnnPaperPrint(models.TransientModel):
    _name = "snn.paper.print"
    _description = "Print Paper Originals"

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade")
    # Suggested from the document, then the clerk's to change.
    copies = fields.Integer(
        required=True,
        compute="_compute_suggestions",
        store=True,
        readonly=False,
        precompute=True,
    )
    file_copy_holder = fields.Char(
        string="File Copy Kept By",
        required=True,
        compute="_compute_suggestions",
        store=True,
        readonly=False,
        precompute=True,
    )
    esign = fields.Boolean(related="document_id.esign")
    code = fields.Char(related="document_id.code")
    issue_date = fields.Date(related="document_id.issue_date")

    @api.depends("document_id")
    def _compute_suggestions(self):
        for wizard in self:
            document = wizard.document_id
            wizard.copies = document._default_paper_copies() if document else 1
            wizard.file_copy_holder = (
                document.file_copy_holder or document._default_file_copy_holder()
                if document
                else False
            )

    def action_print(self):
        self.ensure_one()
        return self.document_id.action_print_paper(self.copies, self.file_copy_holder)
