from odoo import api, fields, models
from odoo.exceptions import UserError


class SnnDocument(models.Model):
    """The key holder's side of a remote signature on the document: what waits for whom, and
    the holder's two answers (sign with their PIN/OTP, or decline with a reason)."""

    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    signature_request_ids = fields.One2many(
        "snn.signature.request", "document_id", string="Remote Signature Requests"
    )
    awaiting_signature_of = fields.Many2one(
        "res.users",
        string="Awaiting the Signature of",
        compute="_compute_awaiting_signature",
        help="The key holder who must still authorise their signature today.",
    )
    awaiting_my_signature = fields.Boolean(compute="_compute_awaiting_signature")

    @api.depends("signature_request_ids.state", "signature_request_ids.holder_id")
    @api.depends_context("uid")
    def _compute_awaiting_signature(self):
        for document in self:
            request = document._waiting_signature_request(raise_if_none=False)
            document.awaiting_signature_of = request.holder_id
            document.awaiting_my_signature = request.holder_id == self.env.user

    def _waiting_signature_request(self, raise_if_none=True):
        """The request that waits for its holder (as the user: seen as its document)."""
        self.ensure_one()
        request = self.signature_request_ids.filtered(lambda r: r.state == "waiting")[:1]
        if not request and raise_if_none:
            raise UserError(self.env._("“%s” waits for no remote signature.", self.display_name))
        return request

    def action_sign_remotely(self):
        """The holder's dialog: PIN/OTP go from it straight to action_authorize, never into a
        stored record (a wizard's fields are saved before its button runs)."""
        request = self._waiting_signature_request()
        request._as_holder()
        return {
            "type": "ir.actions.client",
            "tag": "snn_signing.authorize_signature",
            "name": self.env._("Sign %s", request.code),
            "params": {"request_id": request.id},
        }

    def action_decline_signature_dialog(self):
        self._waiting_signature_request()._as_holder()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decline to Sign"),
            "res_model": "snn.document.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id, "default_mode": "decline_signature"},
        }
