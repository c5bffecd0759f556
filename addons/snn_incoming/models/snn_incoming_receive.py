"""Arrival from the provincial exchange: the scheduled action takes the messages addressed
to each organisation's agency code, stores each as an incoming document (or, for a recall,
update or replace, as the sender's request on the one it concerns), verifies its signatures,
queues status 01, commits, and only then acknowledges the messages.

At least once, as the exchange delivers: a message seen again (same DocumentId from the same
agency) adds nothing; the same sender's same number and date under another DocumentId is an
alert to the clerks on the first one, not a second record (Annex VI III.1.h). A message that
cannot be read is kept, as a refused document with the reason, so nothing is lost silently
and the sender is told (status 02) when its DocumentId can be read."""

import base64
import logging
from collections import defaultdict

from odoo import api, fields, models

from snn_edxml.edxml import EdxmlError, parse_document
from snn_edxml.exchange import ExchangeError

from .ir_attachment import without_full_text
from .snn_incoming_assignment import ACTIVITY_HANDLE

_logger = logging.getLogger(__name__)
RECEIVE_BATCH = 100  # messages asked of the exchange at a time (its default limit)
TODOS = "snn_incoming_todos"  # cr.cache key: the documents of a batch awaiting their to-dos
URGENCY = {0: "normal", 1: "urgent", 2: "very_urgent", 3: "flash", 4: "flash"}
SENDER_REQUESTS = {1: "recall", 2: "update", 3: "replace"}


class SnnIncomingDocument(models.Model):
    _inherit = "snn.incoming.document"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_receive(self, commit=True):
        """For each organisation on the exchange: statuses out, then documents in, a batch at
        a time while full batches come and the run has time left."""
        companies = self.env["res.company"].sudo().search([("snn_exchange_url", "!=", False)])
        for company in companies.filtered(lambda c: c._exchange_configured()):
            try:
                client = company._exchange_client()
                self.env["snn.incoming.status"]._send_pending(company, client, commit)
                while self._receive_batch(company, client, commit):
                    pass
            except ExchangeError as error:
                _logger.warning(
                    "Receiving from the exchange for %s failed: %s", company.name, error
                )

    @api.model
    def _receive_batch(self, company, client, commit):
        """One batch: stored, committed, acknowledged, answered (status 01). True when another
        may be waiting and this run has time for it; a cron worker told that work remains runs
        the method again at once ("partially done")."""
        messages = client.receive(company.snn_organ_id, limit=RECEIVE_BATCH)
        handled = []
        self.env.cr.cache[TODOS] = []
        try:
            for message_id, data in messages:
                with self.env.cr.savepoint():
                    self._receive_message(company, data, message_id)
                handled.append(message_id)
            self.browse(self.env.cr.cache[TODOS]).exists()._ask_handlers_at_once()
        finally:
            self.env.cr.cache.pop(TODOS, None)
        if not handled:
            return False
        self.env["snn.delivery"]._progress(len(handled), None, commit)  # stored, then ack
        acked = True
        try:
            client.ack_documents(company.snn_organ_id, handled)
        except ExchangeError as error:
            _logger.warning("Acknowledging documents failed (they come again): %s", error)
            acked = False
        self.env["snn.incoming.status"]._send_pending(company, client, commit)
        more = acked and len(messages) == RECEIVE_BATCH
        time_left = self.env["snn.delivery"]._progress(0, int(more), commit)
        return more and time_left > 0

    def _ask_handlers_later(self):
        """In a batch of the receive cron, the to-dos wait for the batch's end; elsewhere they
        are asked at once."""
        batch = self.env.cr.cache.get(TODOS)
        if batch is None:
            return self._ask_head_to_handle()
        batch.extend(self.ids)
        return None

    def _ask_handlers_at_once(self):
        """The handlers' to-dos of many documents: one activity_schedule per handler for all
        its documents (one create, one subscription), not one per document and handler. The
        to-do carries no note: one note would do for all, and the record's name shows the
        number."""
        by_user = defaultdict(self.browse)
        for incoming in self:
            for user in incoming._handlers():
                by_user[user] |= incoming
        for user, documents in by_user.items():
            documents.with_context(
                lang=user.lang, mail_activity_quick_update=True
            ).activity_schedule(ACTIVITY_HANDLE, user_id=user.id)

    @api.model
    def _receive_message(self, company, data, message_id):
        try:
            message = parse_document(data)
        except EdxmlError as error:
            _logger.warning("Unreadable document message %s: %s", message_id, error)
            return self._keep_unreadable(company, data, message_id, error)
        if company.snn_organ_id not in {r.organ_id for r in message.recipients}:
            _logger.warning("Message %s is not addressed to %s", message_id, company.snn_organ_id)
        if message.business_doc_type in SENDER_REQUESTS:
            return self._receive_sender_request(company, message, data)
        return self._receive_document(company, message, data)

    @api.model
    def _receive_document(self, company, message, data):
        document_id = message.received_document_id or message.document_id
        sender = message.sender.organ_id
        known = self.search(
            [
                ("company_id", "=", company.id),
                ("sender_organ_id", "=", sender),
                ("edxml_document_id", "=", document_id),
            ],
            limit=1,
        )
        if known:
            return known  # the exchange delivered it again: nothing new
        code = f"{message.code_number}/{message.code_notation}"
        twin = self._find_twin(company, sender, code, message.promulgation_date)
        if twin:
            twin._alert_duplicate(message.sender.name or sender, document_id)
            return twin
        files = [f for f in message.files if f.content_type == "application/pdf"] or message.files
        main = files[0] if files else None
        # No full-text copy of the message (text/xml, its files inside in base64) in the
        # attachment table: ir_attachment.py of this module.
        incoming = self._create_unindexed(
            {
                "source": "exchange",
                "company_id": company.id,
                "sender_name": message.sender.name or sender,
                "sender_organ_id": sender,
                "edxml_document_id": document_id,
                "edxml_message": base64.b64encode(data),
                "code": code,
                "issue_date": message.promulgation_date,
                "subject": message.subject,
                "urgency": URGENCY.get(message.priority, "normal"),
                "document_type_name": message.type_name or False,
                "signer_name": " ".join(
                    filter(None, [message.signer_position, message.signer_full_name])
                )
                or False,
                "file": base64.b64encode(main.data) if main else False,
                "file_name": main.name if main else False,
                "received_at": fields.Datetime.now(),
            }
        )
        incoming = incoming.with_env(self.env)
        for extra in message.files:
            if extra is not main:
                incoming._attach(extra.name, extra.data)
        incoming._link_answered(message)
        incoming._verify_signatures()
        incoming._queue_status("01", trigger=False)  # this run sends it once committed
        incoming._ask_handlers_later()
        return incoming

    def _create_unindexed(self, values):
        """Create, without a full-text copy of the message in the attachment table."""
        with without_full_text(self.env):
            return self.create(values)

    def _find_twin(self, company, sender, code, issue_date):
        if not (sender and code and issue_date):
            return self.browse()
        return self.search(
            [
                ("company_id", "=", company.id),
                ("sender_organ_id", "=", sender),
                ("code", "=", code),
                ("issue_date", "=", issue_date),
            ],
            limit=1,
        )

    def _alert_duplicate(self, sender_name, document_id):
        self.message_post(
            body=self.env._(
                "%(sender)s sent this document again (%(id)s): no second record was made.",
                sender=sender_name,
                id=document_id,
            ),
            partner_ids=self._handlers().partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _attach(self, name, data):
        self.env["ir.attachment"].create(
            {"name": name, "raw": data, "res_model": self._name, "res_id": self.id}
        )

    def _link_answered(self, message):
        """A reply to one of our documents (edXML ResponseFor naming a DocumentId we sent):
        linked to it, and its drafter told."""
        ids = [r.document_id for r in message.response_for if r.document_id]
        if not ids:
            return
        delivery = self.env["snn.delivery"].search(
            [("company_id", "=", self.company_id.id), ("edxml_document_id", "in", ids)], limit=1
        )
        if delivery:
            self.answers_id = delivery.document_id
            delivery.document_id.message_post(
                body=self.env._(
                    "%(sender)s answered: %(code)s", sender=self.sender_name, code=self.code
                ),
                partner_ids=delivery.document_id.drafter_id.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    @api.model
    def _keep_unreadable(self, company, data, message_id, error):
        return self._create_unindexed(
            {
                "source": "exchange",
                "company_id": company.id,
                "sender_name": self.env._("Unknown (unreadable message)"),
                "subject": self.env._("Unreadable message %s", message_id),
                "edxml_message": base64.b64encode(data),
                "state": "refused",
                "refuse_reason": str(error),
                "signature_state": "not_checked",
                "received_at": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------------ the sender's requests

    @api.model
    def _receive_sender_request(self, company, message, data):
        """A recall (1), update (2) or replace (3) of a document we have: kept as a request on
        it, for a clerk to agree to (status 15) or refuse (16); never applied by itself."""
        ids = message.replaces if message.business_doc_type == 3 else []
        ids = ids or [message.received_document_id or message.document_id]
        targets = self.search(
            [
                ("company_id", "=", company.id),
                ("sender_organ_id", "=", message.sender.organ_id),
                ("edxml_document_id", "in", ids),
            ]
        )
        if not targets:
            _logger.warning("Request %s about unknown documents %s", message.business_doc_type, ids)
            if message.business_doc_type == 3:
                return self._receive_document(company, message, data)
            return self.browse()
        kind = SENDER_REQUESTS[message.business_doc_type]
        targets.write(
            {"sender_request": kind, "sender_request_reason": message.business_reason or False}
        )
        for target in targets:
            target._ask_head_to_handle()
        if kind == "replace":
            replacement = self._receive_document(company, message, data)
            targets.write({"replaced_by_id": replacement.id})
        return targets
