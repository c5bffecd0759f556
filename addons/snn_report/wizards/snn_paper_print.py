"""Asks the clerk how many paper copies are printed and who keeps the file copy."""

from odoo import api, fields, models
from odoo.tools import SQL


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
    # The wizard is the clerk's request: once it has recorded its copies, pressing again (a
    # double click, a replayed call) records nothing more.
    printed = fields.Boolean(readonly=True, copy=False)
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
        """Record the copies once for this request, then close the dialog with a
        confirmation of what was recorded and download the file to print."""
        self.ensure_one()
        self._check_readable_links()
        if self._take_request():
            download = self.document_id.action_print_paper(self.copies, self.file_copy_holder)
            message = self.env._(
                "%(copies)s paper copies recorded; file copy kept by %(holder)s. "
                "The file is downloading.",
                copies=self.copies,
                holder=self.file_copy_holder,
            )
        else:
            download = self.document_id._paper_download_action()
            message = self.env._(
                "These copies were recorded already; nothing more is recorded. "
                "The file is downloading again."
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                # A download in a new tab that closes the dialog (a "download" target
                # would leave it open, inviting a second press).
                "next": {**download, "target": "new", "close": True},
            },
        }

    def _take_request(self):
        """True once only for this wizard. The row lock makes a concurrent second call wait
        for the first; it then fails to serialise, is retried by Odoo, and sees the
        request taken."""
        self.flush_recordset(["printed"])
        self.env.cr.execute(
            SQL(
                "SELECT printed FROM %s WHERE id = %s FOR UPDATE",
                SQL.identifier(self._table),
                self.id,
            )
        )
        if self.env.cr.fetchone()[0]:
            self.invalidate_recordset(["printed"])
            return False
        self.printed = True
        return True
