from odoo import fields, models


class SnnReasonWizard(models.TransientModel):
    """Asks for the reason of a recall (sender) or of a refusal (receiver)."""

    _name = "snn.reason.wizard"
    _description = "Reason for Recalling or Refusing a Document"

    document_id = fields.Many2one("snn.document", ondelete="cascade")
    incoming_id = fields.Many2one("snn.incoming.document", ondelete="cascade")
    mode = fields.Selection([("recall", "Recall"), ("refuse", "Refuse")], required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "recall":
            self.document_id.action_recall(self.reason)
        else:
            self.incoming_id.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
