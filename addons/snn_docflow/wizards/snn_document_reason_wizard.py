from odoo import fields, models


class SnnDocumentReasonWizard(models.TransientModel):
    """Asks for the reason of a return or a cancellation, which both require one."""

    _name = "snn.document.reason.wizard"
    _inherit = ["snn.wizard.guard"]
    _description = "Reason for Returning or Cancelling a Document"

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade")
    mode = fields.Selection([("return", "Return"), ("cancel", "Cancel")], required=True)
    # Not required in the form: the step refuses an empty reason with its own words, where
    # the web client would say "Missing required fields" (a text Odoo has no Vietnamese for).
    reason = fields.Text()
    # As the user: only what they may read of the document (a number exists once issued).
    document_code = fields.Char(related="document_id.code", compute_sudo=False)

    def action_confirm(self):
        self.ensure_one()
        self._check_readable_links()
        if self.mode == "return":
            return self.document_id.action_return(self.reason)
        return self.document_id.action_cancel(self.reason)
