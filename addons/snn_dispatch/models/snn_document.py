"""The outgoing document's side of dispatch: the issue queues one delivery per recipient."""

import base64
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

URGENT = ("urgent", "very_urgent", "flash")
# A delivery in these states put the signed document in its recipient's hands.
COPY_OUT_STATES = frozenset({"sent", "received", "accepted", "processing", "done"})


class SnnDocument(models.Model):
    _inherit = "snn.document"

    state = fields.Selection(
        selection_add=[("recalled", "Recalled")],
        ondelete={"recalled": lambda records: records.write({"state": "issued"})},
    )
    delivery_ids = fields.One2many(
        "snn.delivery", "document_id", string="Deliveries", readonly=True, copy=False
    )
    delivery_summary = fields.Char(compute="_compute_delivery_summary", string="Delivered")
    recall_reason = fields.Text(readonly=True, copy=False)
    can_recall = fields.Boolean(compute="_compute_can_recall")

    @api.depends("delivery_ids.state")
    def _compute_delivery_summary(self):
        for document in self:
            deliveries = document.delivery_ids.filtered(lambda d: d.channel != "paper")
            arrived = deliveries.filtered(
                lambda d: d.state in ("received", "accepted", "processing", "done")
            )
            document.delivery_summary = f"{len(arrived)}/{len(deliveries)}" if deliveries else False

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_recall(self):
        for document in self:
            document.can_recall = not document._get_cannot_recall_reasons()

    def _workflow_fields(self):
        return super()._workflow_fields() | {"delivery_ids", "recall_reason"}

    def _frozen_file_fields(self):
        frozen = super()._frozen_file_fields()
        if self.state == "recalled":
            frozen |= {"stamped_file", "signed_file"}
        return frozen

    # ------------------------------------------------------------------ who may

    def _get_cannot_cancel_reasons(self):
        reasons = super()._get_cannot_cancel_reasons()
        copies_out = not reasons and self._copies_out_refusal()
        return [*reasons, copies_out] if copies_out else reasons

    def _copies_out_refusal(self):
        """A recipient who holds the signed document is told of its end by a recall; a cancel
        would leave their copy looking valid while the register says cancelled."""
        out = self.sudo().delivery_ids.filtered(lambda d: d.state in COPY_OUT_STATES)
        if not out:
            return None
        return UserError(
            self.env._(
                "“%(doc)s” has already been sent to %(recipients)s: recall it instead of "
                "cancelling it, so that they are told.",
                doc=self.display_name,
                recipients=", ".join(out.mapped("recipient_name")),
            )
        )

    # ------------------------------------------------------------------ issue queues

    def _do_issue(self):
        result = super()._do_issue()
        if self.state == "issued":
            self._queue_deliveries()
        return result

    def _do_cancel(self, reason):
        result = super()._do_cancel(reason)
        self._stop_queued_deliveries(reason)
        return result

    def _stop_queued_deliveries(self, reason):
        """A cancelled document sends nothing it had not sent yet (an e-mail waiting in the
        mail queue included); what had gone out needs a recall, which a cancel is not."""
        note = self.env._("Not sent: the document was cancelled (%s).", reason)
        for delivery in self.sudo().delivery_ids.filtered(lambda d: d.state == "queued"):
            delivery.mail_id.filtered(lambda m: m.state in ("outgoing", "exception")).write(
                {"state": "cancel"}
            )
            delivery._move("recalled", note=note, next_attempt_at=False)

    def _queue_deliveries(self):
        """One delivery per recipient line; urgent documents wake the scheduled action now."""
        Delivery = self.env["snn.delivery"].sudo()
        deliveries = Delivery.create([self._delivery_values(line) for line in self.recipient_ids])
        for delivery in deliveries:
            delivery._add_event(delivery.state, note=delivery.last_error or False)
        if deliveries.filtered(lambda d: d.state == "queued"):
            Delivery._trigger_dispatch(None if self.urgency in URGENT else self._batch_time())
        return deliveries

    def _batch_time(self):
        """Documents that are not urgent go with the next run "within minutes"."""
        return fields.Datetime.now() + timedelta(minutes=2)

    def _delivery_values(self, line):
        values = {
            "document_id": self.id,
            "recipient_id": line.id,
            "urgent": self.urgency in URGENT,
            "state": "queued",
        }
        channel, why_paper = self._channel_for(line)
        values["channel"] = channel
        if line.department_id:
            values.update(
                recipient_name=line.department_id.display_name,
                target_department_id=line.department_id.id,
                target_company_id=line.department_id.company_id.id or self.company_id.id,
            )
        else:
            partner = line.partner_id
            company = self._company_of(partner)
            values.update(
                recipient_name=partner.display_name,
                partner_id=partner.id,
                organ_id=partner.snn_organ_id or False,
                email=partner.email or False,
                target_company_id=company.id if channel == "internal" else False,
            )
        if channel == "paper":
            values.update(state="paper", last_error=why_paper)
        return values

    def _channel_for(self, line):  # noqa: PLR0911 - one return per rule, in order
        """(channel, why on paper). Nothing of a document goes electronically before it is
        e-signed, and a secret document never does."""
        if self.confidentiality != "normal":
            return "paper", self.env._("Secret documents are never sent electronically.")
        if not self.esign:
            return "paper", self.env._("Issued on paper: it is delivered on paper.")
        if line.department_id:
            return "internal", False
        partner = line.partner_id
        company = self._company_of(partner)
        if company == self.company_id:
            return "paper", self.env._("Kept by the organisation itself (file copy).")
        if company:
            return "internal", False
        if partner.snn_organ_id and (self.company_id._exchange_configured() or not partner.email):
            return "exchange", False
        if partner.email:
            return "email", False
        return "paper", self.env._(
            "%s has neither an agency code nor an e-mail address.", partner.display_name
        )

    @api.model
    def _company_of(self, partner):
        """The organisation of this database that ``partner`` is, if any."""
        return self.env["res.company"].sudo().search([("partner_id", "=", partner.id)], limit=1)

    def _check_sendable(self):
        """Refuse to send anything of a secret or unsigned document, whoever asks."""
        self.ensure_one()
        if self.confidentiality != "normal":
            raise UserError(self.env._("Secret documents are never sent electronically."))
        if not (self.esign and self.signed_sha256 and self.state in ("issued", "recalled")):
            raise UserError(
                self.env._(
                    "“%s” is not e-signed: nothing of it is sent electronically.", self.display_name
                )
            )

    def _signed_pdf_bytes(self):
        return base64.b64decode(self.sudo().with_context(bin_size=False).signed_file)

    def _signed_files(self):
        """What goes to the recipients, as (file name, bytes, description): the signed
        document; modules that add signed files of their own (its attachments) extend it."""
        self.ensure_one()
        return [(self.signed_file_name, self._signed_pdf_bytes(), self.subject[:200])]
