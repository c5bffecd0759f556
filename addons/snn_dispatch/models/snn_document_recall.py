"""Recall (thu hồi, Decree 30 Art. 18.4): the clerk withdraws an issued document from its
recipients. It keeps its number and its files, frozen; the trail says why."""

from odoo import models
from odoo.exceptions import UserError


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def action_recall(self, reason=None):
        """Clerk or manager: issued → recalled, with a reason."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the document is recalled: a reason is required."))
        self._check_can_recall()
        for document in self:
            document.sudo()._do_recall(reason)
        return self._step_done(self.env._("Recalled. Its recipients are told."))

    def _get_cannot_recall_reasons(self):
        self.ensure_one()
        return self._state_reasons(("issued",)) or self._who_reasons(
            self.env.user.has_group("snn_docflow.group_clerk"),
            self.env._("Only a clerk or a manager does this."),
        )

    def _check_can_recall(self):
        for document in self:
            document._raise_first(document._get_cannot_recall_reasons)

    def action_open_recall_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recall Document"),
            "res_model": "snn.document.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id, "default_mode": "recall"},
        }

    def _get_cannot_redeliver_reasons(self):
        """Sending a failed delivery again: the clerks, while the document is issued."""
        return self._get_cannot_recall_reasons()

    def _check_can_redeliver(self):
        for document in self:
            document._raise_first(document._get_cannot_redeliver_reasons)

    def _do_recall(self, reason):
        self._record_step("recall", {"state": "recalled", "recall_reason": reason}, reason)
        self._recall_deliveries(reason)

    def _recall_deliveries(self, reason):
        """Each recipient as its channel allows: internal copies withdrawn now, agencies on the
        exchange get the recall message (by the scheduled action), nothing queued goes out."""
        to_exchange = self.env["snn.delivery"]
        for delivery in self.delivery_ids:
            if delivery.state == "queued":
                # Not out yet (an e-mail may wait in the mail queue): it never goes.
                delivery.mail_id.filtered(lambda m: m.state in ("outgoing", "exception")).write(
                    {"state": "cancel"}
                )
                delivery._move("recalled", note=reason, next_attempt_at=False)
            elif delivery.channel == "internal" and delivery.incoming_id:
                delivery.incoming_id._withdraw(reason)
                delivery.write({"recall_state": "agreed"})
                delivery._move("recalled", code="15", note=reason)
            elif delivery.channel == "exchange" and delivery.state not in ("failed", "paper"):
                to_exchange |= delivery
            elif delivery.channel == "email" and delivery.state == "sent":
                delivery._queue_recall_mail(reason)
                delivery._move("recalled", note=reason)
        if to_exchange:
            to_exchange.write({"recall_state": "queued", "attempts": 0, "next_attempt_at": False})
            to_exchange._trigger_dispatch()
