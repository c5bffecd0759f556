"""Statuses that come back: from the exchange (polled) and from internal receivers.

At least once, as the exchange delivers them: a status is applied, the transaction
committed, and only then acknowledged; a status seen twice changes nothing the second time
(a delivery never moves back, see ``_move``).
"""

import logging

from odoo import api, models
from odoo.exceptions import UserError

from snn_sign.edxml import EdxmlError, parse_status
from snn_sign.exchange import ExchangeError

_logger = logging.getLogger(__name__)

# edXML StatusCode -> delivery state (04 "assigned" shows as processing: someone has it).
STATUS_STATES = {
    "01": "received",
    "02": "refused",
    "03": "accepted",
    "04": "processing",
    "05": "processing",
    "06": "done",
}


class SnnDelivery(models.Model):
    _inherit = "snn.delivery"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _poll_exchanges(self, commit=True):
        companies = self.env["res.company"].sudo().search([("snn_exchange_url", "!=", False)])
        for company in companies.filtered(lambda c: c._exchange_configured()):
            try:
                client = company._exchange_client()
                messages = client.poll()
            except (UserError, ExchangeError) as error:
                _logger.warning("Polling the exchange for %s failed: %s", company.name, error)
                continue
            handled = []
            for message_id, data in messages:
                try:
                    status = parse_status(data)
                except EdxmlError as error:
                    # Acknowledged all the same: a message that never parses must not block
                    # the queue; the log keeps it.
                    _logger.warning("Unreadable status message %s: %s", message_id, error)
                else:
                    self._apply_status(company, status)
                handled.append(message_id)
            if handled:
                self._progress(0, None, commit)  # applied and committed before the ack
                try:
                    client.ack(handled)
                except ExchangeError as error:
                    _logger.warning("Acknowledging statuses failed (they come again): %s", error)

    @api.model
    def _apply_status(self, company, status):
        delivery = self.search(
            [
                ("company_id", "=", company.id),
                ("channel", "=", "exchange"),
                ("edxml_document_id", "=", status.response_for),
                ("organ_id", "=", status.sender.organ_id),
            ],
            limit=1,
        )
        if not delivery:
            _logger.info(
                "Status %s for %s from %s matches no delivery",
                status.status_code,
                status.response_for,
                status.sender.organ_id,
            )
            return
        delivery._receive_status(status.status_code, status.description)

    def _receive_status(self, code, description=""):
        """A receiver's status (edXML code) moves the delivery; recall answers are kept."""
        self.ensure_one()
        note = description or False
        if code in STATUS_STATES:
            state = STATUS_STATES[code]
            extra = {"status_note": note} if state == "refused" else {}
            self._move(state, code=code, note=note, **extra)
        elif code == "15":
            self.write({"recall_state": "agreed"})
            self._move("recalled", code=code, note=note)
        elif code == "16":
            self.write({"recall_state": "refused", "status_note": note})
            self._add_event(self.state, code=code, note=note)
            self._tell_clerks(
                self.env._(
                    "%(who)s refused the recall: %(why)s",
                    who=self.recipient_name,
                    why=description or "-",
                )
            )
        else:
            _logger.info("Status %s ignored for delivery %s", code, self.id)
