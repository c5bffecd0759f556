from odoo import fields, models


class SnnReasonWizard(models.TransientModel):
    """Asks for the reason of a recall (sender) or of a refusal (receiver)."""

    _name = "snn.reason.wizard"
    _inherit = ["snn.wizard.guard"]
    _description = "Reason for Recalling or Refusing a Document"

    document_id = fields.Many2one("snn.document", ondelete="cascade")
    incoming_id = fields.Many2one("snn.incoming.document", ondelete="cascade")
    mode = fields.Selection([("recall", "Recall"), ("refuse", "Refuse")], required=True)
    # Not required in the form: the step refuses an empty reason with its own words, where
    # the web client would say "Missing required fields" (a text Odoo has no Vietnamese for).
    reason = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self._check_readable_links()
        if self.mode == "recall":
            self.document_id.action_recall(self.reason)
        else:
            self.incoming_id.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
