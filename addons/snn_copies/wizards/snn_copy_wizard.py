from odoo import api, fields, models

from ..models.snn_copy_record import FORMS


class SnnCopyWizard(models.TransientModel):
    """The clerk's "Make a Copy" dialog: the form of copy, and the pages of an extract."""

    _name = "snn.copy.wizard"
    _description = "Make an Electronic Copy"
    _inherit = ["snn.wizard.guard"]

    document_id = fields.Many2one("snn.document", ondelete="cascade")
    incoming_id = fields.Many2one("snn.incoming.document", ondelete="cascade")
    form = fields.Selection(FORMS, string="Form of Copy", required=True, default="sao_y")
    pages = fields.Char(string="Pages to Extract", help="For an extract (trích sao): e.g. 1-3, 5.")
    # A secret original is copied on paper (snn_secret_copy.py): what the record keeps.
    on_paper = fields.Boolean(compute="_compute_on_paper")
    copies = fields.Integer(string="Paper Copies Made", default=1)
    authorised_by_id = fields.Many2one(
        "res.users",
        domain=lambda self: [
            ("group_ids", "in", self.env.ref("snn_docflow.group_director").ids),
            ("share", "=", False),
        ],
    )
    reason = fields.Text()

    @api.depends("document_id", "incoming_id")
    def _compute_on_paper(self):
        for wizard in self:
            original = (wizard.document_id or wizard.incoming_id).sudo()
            wizard.on_paper = bool(original) and original.confidentiality != "normal"

    def action_make(self):
        self.ensure_one()
        self._check_readable_links()
        original = self.document_id or self.incoming_id
        if self.on_paper:
            copy = original.action_make_paper_copy(
                self.form, self.copies, self.authorised_by_id.id, self.reason, self.pages
            )
            # Back on the original, whose Copies tab lists the record.
            return original._step_notification(
                self.env._(
                    "Paper copies recorded as number %s of the confidential series.",
                    f"{copy.number:02d}",
                ),
                {"type": "ir.actions.act_window_close"},
            )
        copy = original.action_make_copy(self.form, self.pages)
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.document.copy",
            "res_id": copy.id,
            "view_mode": "form",
            "target": "current",
        }
