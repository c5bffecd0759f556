from odoo import fields, models


class SnnDocumentReasonWizard(models.TransientModel):
    """The reason dialog of snn_docflow, for the key holder who declines a remote signature
    (the clerk sees why)."""

    _inherit = "snn.document.reason.wizard"

    mode = fields.Selection(
        selection_add=[("decline_signature", "Decline to Sign")],
        ondelete={"decline_signature": "cascade"},
    )

    def _confirm_decline_signature(self):
        return (
            self.document_id.ensure_one()._waiting_signature_request().action_decline(self.reason)
        )
