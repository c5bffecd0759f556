"""Statuses that come back: from the exchange (polled) and from internal receivers.

At least once, as the exchange delivers them: a status is applied, the transaction
committed, and only then acknowledged; a status seen twice changes nothing the second time
(a delivery never moves back, see ``_move``).
"""

import logging

from odoo import api, models
from odoo.exceptions import UserError

from snn_edxml.edxml import EdxmlError, parse_status
from snn_edxml.exchange import ExchangeError

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
# Which question each status answers, as the delivery states in which that question is open
# (and, for a recall answer, the recall states): a status about a delivery that never asked
# it (an "arrived" for a copy never sent, a recall answer where no recall went out) changes
# nothing and is logged. Within the open states a late or repeated status is no question of
# this table: ``_move`` never moves a delivery back.
OUT = ("sent", "received", "accepted", "processing", "done")
ANSWERS = {
    "01": (OUT, None),
    "02": (("sent", "received"), None),  # refused on arrival, before anyone took it
    "03": (OUT, None),
    "04": (OUT, None),
    "05": (OUT, None),
    "06": (OUT, None),
    # "queued": the exchange may have taken the recall just before a crash lost our commit.
    "15": (OUT, ("queued", "sent")),
    "16": (OUT, ("queued", "sent")),
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
                    self._apply_status(company, status, message_id)
                handled.append(message_id)
            if handled:
                self._progress(0, None, commit)  # applied and committed before the ack
                try:
                    client.ack(handled)
                except ExchangeError as error:
                    _logger.warning("Acknowledging statuses failed (they come again): %s", error)

    @api.model
    def _apply_status(self, company, status, message_id=None):
        source = f"exchange message {message_id}"
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
            _logger.warning(
                "Status %s of %s for %s from %s ignored: it matches no delivery",
                status.status_code,
                source,
                status.response_for,
                status.sender.organ_id,
            )
            return
        delivery._receive_status(status.status_code, status.description, source=source)

    def _unasked(self, code):
        """Why status ``code`` answers no question this delivery asked (None if it does)."""
        if code not in ANSWERS:
            return "unknown status code"
        states, recall_states = ANSWERS[code]
        if self.state not in states:
            return f"the delivery is {self.state}, which status {code} does not answer"
        if recall_states is not None and self.recall_state not in recall_states:
            return f"no recall was sent to this recipient (recall state {self.recall_state})"
        return None

    def _receive_status(self, code, description="", source="a receiver"):
        """A receiver's status (edXML code) moves the delivery; recall answers are kept.
        ``source`` names the message in the log when the status is ignored."""
        self.ensure_one()
        why = self._unasked(code)
        if why:
            _logger.warning(
                "Status %s of %s for delivery %s (%s) ignored: %s",
                code,
                source,
                self.id,
                self.recipient_name,
                why,
            )
            return
        note = description or False
        if code in STATUS_STATES:
            state = STATUS_STATES[code]
            if self.state == state and code not in self.event_ids.mapped("status_code"):
                # 05 (being handled) after 04 (assigned): the same state, but a step the
                # sender follows in the history (once, however often it is delivered).
                self._add_event(state, code=code, note=note)
                return
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
