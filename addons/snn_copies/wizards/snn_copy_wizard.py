from odoo import fields, models

from ..models.snn_document_copy import FORMS


class SnnCopyWizard(models.TransientModel):
    """The clerk's "Make a Copy" dialog: the form of copy, and the pages of an extract."""

    _name = "snn.copy.wizard"
    _description = "Make an Electronic Copy"
    _inherit = ["snn.wizard.guard"]

    document_id = fields.Many2one("snn.document", ondelete="cascade")
    incoming_id = fields.Many2one("snn.incoming.document", ondelete="cascade")
    form = fields.Selection(FORMS, string="Form of Copy", required=True, default="sao_y")
    pages = fields.Char(string="Pages to Extract", help="For an extract (trích sao): e.g. 1-3, 5.")

    def action_make(self):
        self.ensure_one()
        self._check_readable_links()
        original = self.document_id or self.incoming_id
        copy = original.action_make_copy(self.form, self.pages)
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.document.copy",
            "res_id": copy.id,
            "view_mode": "form",
            "target": "current",
        }
