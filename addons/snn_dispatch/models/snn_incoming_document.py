"""Văn bản đến: an outgoing document of another unit or organisation of this database, as
its receiving unit has it. Made by the sender's delivery, never by hand; its receivers move
it (accept, processing, done, refuse) and each move flows back to the sender's delivery."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ACTIVITY_HANDLE = "snn_dispatch.mail_activity_type_incoming"
STATES = [
    ("received", "Received"),
    ("accepted", "Accepted"),
    ("processing", "Processing"),
    ("done", "Done"),
    ("refused", "Refused"),
    ("withdrawn", "Withdrawn"),
]
# receiver's step -> (states it starts from, new state, edXML status code sent back)
STEPS = {
    "accept": (("received",), "accepted", "03"),
    "process": (("received", "accepted"), "processing", "05"),
    "done": (("received", "accepted", "processing"), "done", "06"),
    "refuse": (("received",), "refused", "02"),
}


class SnnIncomingDocument(models.Model):
    _name = "snn.incoming.document"
    _description = "Incoming Document"
    # Made by the delivery that brought it, from the document it copies, for good; its file
    # is written by that step only.
    _inherit = ["mail.thread", "mail.activity.mixin", "snn.document.child", "snn.record.files"]
    _snn_parent_fields = ("outgoing_id", "delivery_id")
    _order = "received_at desc, id desc"
    _rec_name = "subject"
    _mail_post_access = "read"

    company_id = fields.Many2one(
        "res.company", string="Receiving Organisation", required=True, readonly=True, index=True
    )
    department_id = fields.Many2one(
        "hr.department", string="Receiving Unit", readonly=True, index=True
    )
    head_id = fields.Many2one(
        "res.users", string="Head of Unit", related="department_id.manager_id.user_id"
    )
    outgoing_id = fields.Many2one(
        "snn.document", string="Outgoing Document", readonly=True, ondelete="restrict", index=True
    )
    delivery_id = fields.Many2one("snn.delivery", readonly=True, ondelete="restrict")
    sender_company_id = fields.Many2one("res.company", string="Sending Organisation", readonly=True)
    sender_name = fields.Char(string="Sender", readonly=True)
    code = fields.Char(string="Number and Notation", readonly=True, index=True)
    issue_date = fields.Date(readonly=True)
    subject = fields.Char(readonly=True, required=True)
    urgency = fields.Selection(
        [
            ("normal", "Normal"),
            ("urgent", "Urgent (Khẩn)"),
            ("very_urgent", "Very Urgent (Thượng khẩn)"),
            ("flash", "Flash (Hỏa tốc)"),
        ],
        readonly=True,
        default="normal",
    )
    document_type_name = fields.Char(string="Document Type", readonly=True)
    signer_name = fields.Char(string="Signed By", readonly=True)
    file = fields.Binary(string="Signed PDF", attachment=True, readonly=True)
    file_name = fields.Char(readonly=True)
    state = fields.Selection(
        STATES, default="received", required=True, readonly=True, tracking=True
    )
    received_at = fields.Datetime(readonly=True)
    refuse_reason = fields.Text(readonly=True)
    can_handle = fields.Boolean(compute="_compute_can_handle")

    @api.depends("state", "department_id")
    @api.depends_context("uid")
    def _compute_can_handle(self):
        for incoming in self:
            incoming.can_handle = incoming._may_handle() and incoming.state in (
                "received",
                "accepted",
                "processing",
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Incoming documents arrive from their sender only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("An incoming document changes only through its buttons."))
        return super().write(vals)

    # ------------------------------------------------------------------ receivers' steps

    def action_accept(self):
        return self._take("accept")

    def action_process(self):
        return self._take("process")

    def action_done(self):
        return self._take("done")

    def action_refuse(self, reason=None):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why it is refused: the sender sees the reason."))
        return self._take("refuse", reason)

    def action_open_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Document"),
            "res_model": "snn.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incoming_id": self.id, "default_mode": "refuse"},
        }

    def _take(self, step, reason=None):
        self._check_can_take(step)
        for incoming in self:
            incoming.sudo()._do_take(step, reason)
        return True

    def _check_can_take(self, step):
        from_states, _state, _code = STEPS[step]
        for incoming in self:
            incoming.check_access("read")
            if not incoming._may_handle():
                raise AccessError(
                    self.env._(
                        "Only the head of the receiving unit (or, for the organisation, its "
                        "clerks) handles “%s”.",
                        incoming.display_name,
                    )
                )
            if incoming.state not in from_states:
                raise UserError(
                    self.env._(
                        "“%(doc)s” is %(state)s: this step is not possible in that state.",
                        doc=incoming.display_name,
                        state=dict(incoming._fields["state"]._description_selection(self.env))[
                            incoming.state
                        ],
                    )
                )

    def _may_handle(self):
        user = self.env.user
        if self.company_id not in user.company_ids:
            return False
        if user.has_group("snn_docflow.group_manager"):
            return True
        if self.department_id:
            return self.head_id == user
        return user.has_group("snn_docflow.group_clerk")

    def _do_take(self, step, reason):
        _from, state, code = STEPS[step]
        self.write({"state": state, "refuse_reason": reason or False})
        self.activity_feedback([ACTIVITY_HANDLE], user_id=self.env.uid)
        self.activity_unlink([ACTIVITY_HANDLE])
        # The sender's delivery moves as an edXML status would move it, by the same rule of
        # which status answers which delivery (snn_delivery_status.py).
        self.delivery_id._receive_status(code, reason or "", source=f"incoming document {self.id}")

    # ------------------------------------------------------------------ arrival and recall

    def _handlers(self):
        if self.department_id:
            return self.head_id
        clerks = self.env.ref("snn_docflow.group_clerk").all_user_ids
        return clerks.filtered(lambda u: self.company_id in u.company_ids and not u.share)

    def _ask_head_to_handle(self):
        # The to-do shows in Odoo (the head's activities, the incoming list); Odoo's "assigned
        # to you" e-mail per incoming document is left out: the system is the channel, and
        # rendering it cost a third of a dispatch run (bench/dispatch_bench.py).
        for incoming in self.with_context(mail_activity_quick_update=True):
            for user in incoming._handlers():
                incoming.with_context(lang=user.lang).activity_schedule(
                    ACTIVITY_HANDLE, user_id=user.id, note=incoming.code or ""
                )

    def _withdraw(self, reason):
        """The sender recalled it: withdrawn, its to-dos closed, its holders told."""
        for incoming in self.filtered(lambda i: i.state != "withdrawn"):
            incoming.write({"state": "withdrawn"})
            incoming.activity_unlink([ACTIVITY_HANDLE])
            incoming.message_post(
                body=self.env._("The sender recalled this document: %s", reason),
                partner_ids=incoming._handlers().partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
