"""One delivery of an electronic copy per recipient organisation (Decree 30: an electronic
copy has the legal value of its original and is sent as a document is): how it went, where it
stands, and when.

Written by the clerk's step "send" only (snn_document_copy_send.py) and by the mail queue
(mail_mail.py): users read a delivery exactly as its copy (which is read as its original) and
write, create or delete none. The channels are those of snn_dispatch's deliveries that carry
a copy today: an organisation of this database receives an incoming document, another one an
e-mail; the provincial exchange does not carry copies yet (ROADMAP).
"""

import base64

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape

CHANNELS = [("internal", "Internal (in Odoo)"), ("email", "E-mail")]
STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("received", "Received"),
    ("failed", "Failed"),
]


class SnnCopyDelivery(models.Model):
    _name = "snn.copy.delivery"
    _inherit = ["snn.document.child", "snn.step.mixin"]
    _description = "Electronic Copy Delivery"
    # Part of its copy for life, and read as it (whose rules are its original's).
    _snn_parent_fields = ("copy_id",)
    _snn_rules_from = "copy_id"
    _order = "id desc"
    _rec_name = "recipient_name"

    copy_id = fields.Many2one(
        "snn.document.copy",
        string="Electronic Copy",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    company_id = fields.Many2one(related="copy_id.company_id", store=True)
    recipient_name = fields.Char(string="Recipient", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Recipient Organisation", required=True, readonly=True
    )
    target_company_id = fields.Many2one(
        "res.company",
        string="Receiving Organisation",
        readonly=True,
        help="Set for internal deliveries.",
    )
    email = fields.Char(readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    state = fields.Selection(STATES, required=True, default="queued", readonly=True, index=True)
    sent_at = fields.Datetime(readonly=True)
    received_at = fields.Datetime(readonly=True)
    incoming_id = fields.Many2one(
        "snn.incoming.document", string="Incoming Document", readonly=True
    )
    mail_id = fields.Many2one(
        "mail.mail", string="E-mail", readonly=True, ondelete="set null", index="btree_not_null"
    )
    last_error = fields.Text(readonly=True)
    sent_by_id = fields.Many2one("res.users", readonly=True)

    can_retry = fields.Boolean(compute="_compute_can_retry")

    _copy_partner_uniq = models.Constraint(
        "UNIQUE(copy_id, partner_id)",
        "An electronic copy is sent once to each organisation.",
    )

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_retry(self):
        for delivery in self:
            delivery.can_retry = not delivery._get_cannot_retry_reasons()

    # ------------------------------------------------------------------ send again

    def action_retry(self):
        """Clerk: an e-mail of the copy that failed, sent again (a new e-mail, to the
        organisation's address as it is now): one delivery per organisation stays the rule."""
        for delivery in self:
            delivery._raise_first(delivery._get_cannot_retry_reasons)
        for delivery in self:
            delivery.sudo()._do_retry()
        return True

    def _get_cannot_retry_reasons(self):
        self.ensure_one()
        reasons = self.copy_id._get_cannot_send_reasons()  # its clerks, while still in force
        if reasons:
            return reasons
        if self.state != "failed":
            return [
                UserError(
                    self.env._(
                        "Only a delivery that failed is sent again: the one to %s is not.",
                        self.recipient_name,
                    )
                )
            ]
        if not self.sudo().partner_id.email:
            return [
                UserError(
                    self.env._(
                        "%s has no e-mail address: add it to the organisation, then send again.",
                        self.recipient_name,
                    )
                )
            ]
        return []

    def _do_retry(self):
        self.write({"state": "queued", "last_error": False, "email": self.partner_id.email})
        self._send()

    # ------------------------------------------------------------------ channels (sudo)

    def _send(self):
        for delivery in self:
            getattr(delivery, f"_send_{delivery.channel}")()
        if "email" in self.mapped("channel"):  # the mail queue at once, not hourly
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _send_internal(self):
        """An incoming document at the receiving organisation, as an internal delivery of a
        document makes it (snn_dispatch), its file the sealed copy; received at once."""
        incoming = (
            self.env["snn.incoming.document"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(self._incoming_values())
        )
        now = fields.Datetime.now()
        self.write(
            {"incoming_id": incoming.id, "state": "received", "sent_at": now, "received_at": now}
        )
        # The subject and number are the original's: the note says it is a copy.
        copy = self._in_language(self.target_company_id.partner_id)
        incoming.message_post(
            body=copy.env._(
                "Electronic copy %(code)s (%(form)s) of %(original)s, made by %(org)s.",
                code=copy.code,
                form=copy._form_label(),
                original=copy.source_code or copy.subject,
                org=copy._org_name(),
            )
        )
        incoming._ask_head_to_handle()

    def _incoming_values(self):
        copy = self.copy_id.with_context(bin_size=False)
        original = copy.document_id or copy.incoming_id
        if original._name == "snn.document":
            kind, signer = original.document_type_id.name, original.signer_id.name
        else:
            kind, signer = original.document_type_name, original.signer_name
        return {
            "company_id": self.target_company_id.id,
            "sender_company_id": copy.company_id.id,
            "sender_name": copy._org_name(),
            "code": original.code,
            "issue_date": original.issue_date,
            "subject": original.subject,
            "urgency": original.urgency,
            "document_type_name": kind,
            "signer_name": signer,
            "file": copy.file,
            "file_name": copy.file_name,
            "received_at": fields.Datetime.now(),
        }

    def _send_email(self):
        self.write({"mail_id": self._queue_mail().id})
        # "sent" once Odoo's mail queue has handed it to the SMTP server (mail_mail.py).

    def _in_language(self, partner):
        """The copy in the recipient's language, else its organisation's."""
        copy = self.copy_id
        lang = partner.lang or copy.company_id.partner_id.lang or self.env.lang
        return copy.with_context(lang=lang)

    def _queue_mail(self):
        """An e-mail in Odoo's mail queue, the sealed copy attached."""
        copy = self._in_language(self.partner_id)
        values = {
            "org": copy._org_name(),
            "code": copy.code,
            "form": copy._form_label(),
            "original": copy.source_code or "",
            "subject": copy.subject or "",
        }
        # Text typed by people (the subject, names) goes into the HTML body escaped.
        escaped = {key: html_escape(value) for key, value in values.items()}
        attachment = self.env["ir.attachment"].create(
            {
                "name": copy.file_name,
                "raw": base64.b64decode(copy.with_context(bin_size=False).file),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": copy.env._("[Copy %(code)s] %(subject)s", **values),
                    "body_html": copy.env._(
                        "<p>%(org)s sends you its electronic copy %(code)s (%(form)s) of "
                        "document %(original)s: %(subject)s.</p>"
                        "<p>The copy, sealed by %(org)s, is attached; it has the legal value "
                        "of the original.</p>",
                        **escaped,
                    ),
                    "email_from": copy.company_id.email or self.env.user.email_formatted,
                    "email_to": self.email,
                    "attachment_ids": [Command.set(attachment.ids)],
                    "auto_delete": False,
                }
            )
        )

    # ------------------------------------------------------------------ the mail queue

    def _mail_handed_over(self):
        self.write({"state": "sent", "sent_at": fields.Datetime.now(), "last_error": False})

    def _mail_failed(self, why):
        """Failed, and said on the original, where the clerks look."""
        for delivery in self:
            delivery.write({"state": "failed", "last_error": why})
            copy = delivery.copy_id
            (copy.document_id or copy.incoming_id).message_post(
                body=self.env._(
                    "Copy %(code)s was not delivered to %(who)s: %(why)s",
                    code=copy.code,
                    who=delivery.recipient_name,
                    why=why,
                )
            )
