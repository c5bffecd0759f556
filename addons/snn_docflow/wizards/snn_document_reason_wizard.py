from odoo import fields, models


class SnnDocumentReasonWizard(models.TransientModel):
    """The one dialog asking for the reason a step requires, then taking that step with it:
    a return or a cancellation here; snn_dispatch adds the recall and the refusal of an
    incoming document. A module adds a mode to ``mode`` (``selection_add``), its text and
    buttons to the form (an inherited view), and its step as ``_confirm_<mode>``."""

    _name = "snn.document.reason.wizard"
    _inherit = ["snn.wizard.guard"]
    _description = "Reason for a Document's Step"

    # Not required: a mode may concern another record (an incoming document).
    document_id = fields.Many2one("snn.document", ondelete="cascade")
    mode = fields.Selection([("return", "Return"), ("cancel", "Cancel")], required=True)
    # Not required in the form: the step refuses an empty reason with its own words, where
    # the web client would say "Missing required fields" (a text Odoo has no Vietnamese for).
    reason = fields.Text()
    # As the user: only what they may read of the document (a number exists once issued).
    document_code = fields.Char(related="document_id.code", compute_sudo=False)

    def action_confirm(self):
        self.ensure_one()
        self._check_readable_links()
        return getattr(self, f"_confirm_{self.mode}")()

    def _confirm_return(self):
        return self.document_id.ensure_one().action_return(self.reason)

    def _confirm_cancel(self):
        return self.document_id.ensure_one().action_cancel(self.reason)
