"""One delivery per (document, recipient): how, where it stands, and when each change was.

Deliveries are written by the system only (the issue queues them, the scheduled action sends
them, statuses from the receivers move them): users read them through their document and
have no write access of their own. The channels are in snn_delivery_send.py, the statuses
that come back in snn_delivery_status.py.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

CHANNELS = [
    ("internal", "Internal (in Odoo)"),
    ("exchange", "Document Exchange (edXML)"),
    ("email", "E-mail"),
    ("paper", "Paper"),
]
STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("received", "Received"),
    ("accepted", "Accepted"),
    ("processing", "Processing"),
    ("done", "Done"),
    ("refused", "Refused"),
    ("failed", "Failed"),
    ("recalled", "Recalled"),
    ("paper", "Paper"),
]
# How far a delivery has got: a late or repeated status never moves it back.
PROGRESS = {"queued": 0, "sent": 1, "received": 2, "accepted": 3, "processing": 4, "done": 5}
FINAL = frozenset({"refused", "failed", "recalled", "paper"})
RECALL_STATES = [
    ("queued", "Recall Queued"),
    ("sent", "Recall Sent"),
    ("agreed", "Recall Agreed"),
    ("refused", "Recall Refused"),
    ("failed", "Recall Failed"),
]


class SnnDelivery(models.Model):
    _name = "snn.delivery"
    _inherit = ["snn.document.child"]
    _snn_parent_fields = ("document_id", "recipient_id")
    _description = "Outgoing Document Delivery"
    _order = "id desc"
    _rec_name = "recipient_name"

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade", index=True)
    recipient_id = fields.Many2one(
        "snn.document.recipient", string="Recipient Line", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True)
    recipient_name = fields.Char(string="Recipient", required=True)
    partner_id = fields.Many2one("res.partner", string="Outside Organisation")
    target_company_id = fields.Many2one(
        "res.company", string="Receiving Organisation", help="Set for internal deliveries."
    )
    target_department_id = fields.Many2one("hr.department", string="Receiving Unit")
    organ_id = fields.Char(string="Agency Code")
    email = fields.Char()
    channel = fields.Selection(CHANNELS, required=True)
    state = fields.Selection(STATES, required=True, default="queued", index=True)
    urgent = fields.Boolean(help="Khẩn and above: sent at once.")
    queued_at = fields.Datetime(default=fields.Datetime.now, required=True)
    sent_at = fields.Datetime()
    received_at = fields.Datetime()
    handled_at = fields.Datetime(help="When the receiver last accepted, handled or refused it.")
    # Only sends that failed count (they decide when to give up): a copy delivered at the
    # first try has none, and the form shows none.
    attempts = fields.Integer(
        string="Failed Attempts",
        help="Sends that failed and were tried again later; none for a copy delivered at the "
        "first try.",
    )
    next_attempt_at = fields.Datetime(index=True)
    last_error = fields.Text()
    status_note = fields.Text(
        string="Receiver's Note", help="What the receiver said (a refusal's reason)."
    )
    edxml_document_id = fields.Char(string="edXML DocumentId", index=True)
    incoming_id = fields.Many2one("snn.incoming.document", string="Incoming Copy")
    mail_id = fields.Many2one(
        "mail.mail", string="E-mail", ondelete="set null", index="btree_not_null"
    )
    recall_state = fields.Selection(RECALL_STATES)
    event_ids = fields.One2many("snn.delivery.event", "delivery_id", string="History")

    _document_recipient_uniq = models.Constraint(
        "UNIQUE(document_id, recipient_id)",
        "A document is delivered once to each of its recipients.",
    )

    # ------------------------------------------------------------------ state changes

    def _move(self, state, *, code=False, note=False, **values):
        """Change state (never backwards along PROGRESS), stamp its time, record the event."""
        now = fields.Datetime.now()
        stamp = {
            "sent": "sent_at",
            "received": "received_at",
            "accepted": "handled_at",
            "processing": "handled_at",
            "done": "handled_at",
            "refused": "handled_at",
        }.get(state)
        for delivery in self:
            if not delivery._may_move_to(state):
                continue
            vals = {"state": state, **values}
            if stamp:
                vals[stamp] = now
                if state != "sent" and not delivery.sent_at:
                    vals["sent_at"] = now
            if state in ("received", "accepted", "processing", "done") and not (
                delivery.received_at or stamp == "received_at"
            ):
                vals["received_at"] = now  # a later status proves the arrival too
            delivery.write(vals)
            delivery._add_event(state, code=code, note=note, at=now)

    def _may_move_to(self, state):
        if self.state == state:
            return False
        if self.state in FINAL:
            return False
        if state in PROGRESS:
            return PROGRESS[state] > PROGRESS.get(self.state, -1)
        return True

    def _add_event(self, state, *, code=False, note=False, at=None):
        self.env["snn.delivery.event"].create(
            {
                "delivery_id": self.id,
                "state": state,
                "status_code": code,
                "note": note,
                "at": at or fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------------ actions

    def action_retry(self):
        """Clerk: queue a failed delivery again (e.g. once the exchange is configured)."""
        # Who asks is checked first, for no delivery as for many: the per-document check
        # below checks nothing on an empty call, which must not wake the scheduled action.
        if not self.env.user.has_group("snn_docflow.group_clerk"):
            raise AccessError(self.env._("Only a clerk or a manager does this."))
        self.check_access("read")
        self.document_id._check_can_redeliver()
        failed = self.sudo().filtered(lambda d: d.state == "failed")
        for delivery in failed:
            delivery.write(
                {"state": "queued", "attempts": 0, "next_attempt_at": False, "last_error": False}
            )
            delivery._add_event("queued", note=self.env._("Queued again by %s", self.env.user.name))
        if failed:
            failed._trigger_dispatch()
        return True

    @api.model
    def _trigger_dispatch(self, at=None):
        self.env.ref("snn_dispatch.ir_cron_dispatch").sudo()._trigger(at)
