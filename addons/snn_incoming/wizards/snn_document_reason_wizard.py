from odoo import fields, models


class SnnDocumentReasonWizard(models.TransientModel):
    """Two more modes: registering a document whose signature did not verify (the note the
    register keeps) and refusing a sender's request (the reason the sender reads)."""

    _inherit = "snn.document.reason.wizard"

    mode = fields.Selection(
        selection_add=[("register", "Register"), ("refuse_request", "Refuse the Request")],
        ondelete={"register": "cascade", "refuse_request": "cascade"},
    )

    def _confirm_register(self):
        return self.incoming_id.ensure_one().action_register(self.reason)

    def _confirm_refuse_request(self):
        return self.incoming_id.ensure_one().action_refuse_sender_request(self.reason)
