from odoo import fields, models


class SnnDocumentReasonWizard(models.TransientModel):
    """The reason dialog of snn_docflow, for dispatch's steps that require one: the clerk's
    recall of an issued document (its recipients are told) and the receiver's refusal of an
    incoming document (its sender sees why)."""

    _inherit = "snn.document.reason.wizard"

    incoming_id = fields.Many2one("snn.incoming.document", ondelete="cascade")
    mode = fields.Selection(
        selection_add=[("recall", "Recall"), ("refuse", "Refuse")],
        ondelete={"recall": "cascade", "refuse": "cascade"},
    )

    def _confirm_recall(self):
        return self.document_id.ensure_one().action_recall(self.reason)

    def _confirm_refuse(self):
        return self.incoming_id.ensure_one().action_refuse(self.reason)
