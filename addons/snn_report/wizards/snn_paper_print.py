"""Asks the clerk how many paper copies are printed and who keeps the file copy."""

from odoo import api, fields, models


class SnnPaperPrint(models.TransientModel):
    _name = "snn.paper.print"
    _description = "Print Paper Originals"
    _inherit = ["snn.wizard.guard"]

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade")
    # Suggested from the document, then the clerk's to change.
    copies = fields.Integer(
        required=True,
        compute="_compute_suggestions",
        store=True,
        readonly=False,
        precompute=True,
        compute_sudo=False,  # as the clerk: never another's document's data
    )
    file_copy_holder = fields.Char(
        string="File Copy Kept By",
        required=True,
        compute="_compute_suggestions",
        store=True,
        readonly=False,
        precompute=True,
        compute_sudo=False,
    )
    # Read as the clerk (Odoo computes related fields as superuser by default).
    esign = fields.Boolean(related="document_id.esign", compute_sudo=False)
    code = fields.Char(related="document_id.code", compute_sudo=False)
    issue_date = fields.Date(related="document_id.issue_date", compute_sudo=False)

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
        self._check_readable_links()
        return self.document_id.action_print_paper(self.copies, self.file_copy_holder)
