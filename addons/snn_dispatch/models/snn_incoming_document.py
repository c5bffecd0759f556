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
# Where a receiver's steps start from: every state but the ends.
OPEN_STATES = ("received", "accepted", "processing")


class SnnIncomingDocument(models.Model):
    _name = "snn.incoming.document"
    _description = "Incoming Document"
    # Made by the delivery that brought it, from the document it copies, for good; its file
    # is written by that step only.
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "snn.document.child",
        "snn.record.files",
        "snn.step.mixin",
    ]
    _snn_parent_fields = ("outgoing_id", "delivery_id")
    _snn_rules_from = None  # the receiving unit's rules (security/ir_rule.xml)
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
            ("urgent", "Urgent"),
            ("very_urgent", "Very Urgent"),
            ("flash", "Flash"),
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
            incoming.can_handle = not incoming._get_cannot_handle_reasons(OPEN_STATES)

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

    # Each step as the document's: action_x → _check_can_x (from _get_cannot_x_reasons) →
    # _do_x, which moves the record and sends its edXML status back to the sender.

    def action_accept(self):
        """Receiver: received → accepted (status 03)."""
        self._check_can_accept()
        for incoming in self:
            incoming.sudo()._do_accept()
        return self._step_done(self.env._("Accepted. The sender is told."))

    def _get_cannot_accept_reasons(self):
        return self._get_cannot_handle_reasons(("received",))

    def _check_can_accept(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_accept_reasons)

    def _do_accept(self):
        self._move_on("accepted", "03")

    def action_process(self):
        """Receiver: received or accepted → processing (status 05)."""
        self._check_can_process()
        for incoming in self:
            incoming.sudo()._do_process()
        return self._step_done(self.env._("Marked as being processed. The sender is told."))

    def _get_cannot_process_reasons(self):
        return self._get_cannot_handle_reasons(("received", "accepted"))

    def _check_can_process(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_process_reasons)

    def _do_process(self):
        self._move_on("processing", "05")

    def action_done(self):
        """Receiver: any open state → done (status 06)."""
        self._check_can_done()
        for incoming in self:
            incoming.sudo()._do_done()
        return self._step_done(self.env._("Done. The sender is told."))

    def _get_cannot_done_reasons(self):
        return self._get_cannot_handle_reasons(OPEN_STATES)

    def _check_can_done(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_done_reasons)

    def _do_done(self):
        self._move_on("done", "06")

    def action_refuse(self, reason=None):
        """Receiver: received → refused (status 02), with the reason the sender sees."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why it is refused: the sender sees the reason."))
        self._check_can_refuse()
        for incoming in self:
            incoming.sudo()._do_refuse(reason)
        return self._step_done(self.env._("Refused. The sender sees your reason."))

    def _get_cannot_refuse_reasons(self):
        return self._get_cannot_handle_reasons(("received",))

    def _check_can_refuse(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_refuse_reasons)

    def _do_refuse(self, reason):
        self._move_on("refused", "02", reason)

    def action_open_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Document"),
            "res_model": "snn.document.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incoming_id": self.id, "default_mode": "refuse"},
        }

    # ------------------------------------------------------------------ shared by the steps

    def _get_cannot_handle_reasons(self, from_states):
        """Why the user may not move it now from ``from_states`` (a list, empty when allowed)."""
        self.ensure_one()
        if not self._may_handle():
            return [
                AccessError(
                    self.env._(
                        "Only the head of the receiving unit (or, for the organisation, its "
                        "clerks) handles “%s”.",
                        self.display_name,
                    )
                )
            ]
        if self.state not in from_states:
            return [
                UserError(
                    self.env._(
                        "“%(doc)s” is %(state)s: this step is not possible in that state.",
                        doc=self.display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            self.state
                        ],
                    )
                )
            ]
        return []

    def _step_done(self, message):
        """A confirmation, then the record reloads in its new state (the receiver still reads
        it)."""
        return self._step_notification(message, {"type": "ir.actions.act_window_close"})

    def _may_handle(self):
        user = self.env.user
        if self.company_id not in user.company_ids:
            return False
        if user.has_group("snn_docflow.group_manager"):
            return True
        if self.department_id:
            return self.head_id == user
        return user.has_group("snn_docflow.group_clerk")

    def _move_on(self, state, status_code, reason=None):
        """The step's effect: the new state, the to-do answered, and the sender's delivery
        moved as an edXML status would move it, by the same rule of which status answers
        which delivery (snn_delivery_status.py)."""
        self.write({"state": state, "refuse_reason": reason or False})
        self.activity_feedback([ACTIVITY_HANDLE], user_id=self.env.uid)
        self.activity_unlink([ACTIVITY_HANDLE])
        # An electronic copy sent inside Odoo (snn_copies) came without a delivery: nobody
        # is waiting for its statuses.
        if self.delivery_id:
            self.delivery_id._receive_status(
                status_code, reason or "", source=f"incoming document {self.id}"
            )

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
        """The sender recalled it."""
        self._withdraw_telling(self.env._("The sender recalled this document: %s", reason))

    def _withdraw_telling(self, note, values=None):
        """Withdrawn (with ``values``), every to-do on it closed, its holders told ``note``:
        a recall and a replacement alike."""
        for incoming in self.filtered(lambda i: i.state != "withdrawn"):
            incoming.write({"state": "withdrawn", **(values or {})})
            incoming.activity_unlink(incoming._withdrawn_todos())
            incoming.message_post(
                body=note,
                partner_ids=incoming._handlers().partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _withdrawn_todos(self):
        """Hook: the kinds of to-do a withdrawn document no longer needs (a module that adds
        one adds it here)."""
        return [ACTIVITY_HANDLE]
