from odoo import api, fields, models
from odoo.exceptions import UserError

from .snn_signature_request_local import pc_key_label


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
    issue_on_this_pc = fields.Boolean(
        compute="_compute_issue_on_this_pc",
        help="The issue's first signature made away from the server is this user's, with the "
        "token on their PC: the web client checks the PC's bridge before numbering.",
    )

    @api.depends("signature_request_ids.state", "signature_request_ids.holder_id")
    @api.depends_context("uid")
    def _compute_awaiting_signature(self):
        for document in self:
            request = document._waiting_signature_request(raise_if_none=False)
            document.awaiting_signature_of = request.holder_id
            document.awaiting_my_signature = request.holder_id == self.env.user

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_issue_on_this_pc(self):
        for document in self:
            step = document.state == "approved" and document._signature_made_elsewhere()
            document.issue_on_this_pc = bool(
                step
                and step[1] == "local"
                and document.can_issue
                and document._issue_mode()[0]
                and not document._waiting_signature_request(raise_if_none=False)
                and (step[0] == "seal" or document.signer_id == self.env.user)
            )

    def action_issue_with_pc_token(self):
        """The clerk's Issue when they sign on their PC: the web client first checks that
        the PC's token bridge answers and offers the key, then issues (numbering) and has the
        signature made; a bridge that does not answer leaves the document as it was."""
        self.ensure_one()
        self._check_can_issue()
        role, _mode = self._signature_made_elsewhere()
        company = self.company_id.sudo()
        return {
            "type": "ir.actions.client",
            "tag": "snn_signing.pc_token_sign",
            "name": self.env._("Issue %s", self.display_name),
            "params": {
                "document_id": self.id,
                "bridge_url": company._local_bridge_url(),
                "key_label": pc_key_label(role, company, self.signer_id),
            },
        }

    def _waiting_signature_request(self, raise_if_none=True):
        """The request that waits for its holder (as the user: seen as its document)."""
        self.ensure_one()
        request = self.signature_request_ids.filtered(lambda r: r.state == "waiting")[:1]
        if not request and raise_if_none:
            raise UserError(self.env._("“%s” waits for no remote signature.", self.display_name))
        return request

    def action_sign_remotely(self):
        """The holder's dialog: PIN/OTP go from it straight to action_authorize, never into a
        stored record (a wizard's fields are saved before its button runs); with the token on
        their PC, the dialog that has the PC's bridge sign."""
        request = self._waiting_signature_request()
        request._as_holder()
        if request.sudo().mode == "local":
            return {
                "type": "ir.actions.client",
                "tag": "snn_signing.pc_token_sign",
                "name": self.env._("Sign %s", request.code),
                "params": {"request_id": request.id},
            }
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
