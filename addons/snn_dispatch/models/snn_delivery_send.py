"""Sending: the scheduled action claims due deliveries and hands each to its channel.

Exactly once, as the receivers see it:
- a batch is claimed with ``FOR UPDATE SKIP LOCKED``, so a second cron worker takes other
  rows, never the same ones, and a crashed worker's rows are free again when its transaction
  ends;
- internal deliveries and e-mails are written in the same transaction as the delivery's new
  state: a crash before the commit leaves neither;
- an exchange message is outside the transaction: a crash after the exchange took it and
  before the commit sends it again on the next run, and the exchange answers "duplicate" for
  the same DocumentId and recipient (its idempotency key), which counts as sent.
Progress is committed after each batch (``ir.cron._commit_progress``), so a crash loses at
most the batch in hand, which is then sent again, as above.
"""

import functools
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html_escape

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_edxml.edxml import EdxmlError
from snn_edxml.exchange import ExchangeRefused, ExchangeUnavailable

_logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 5
# Waits before attempts 2, 3, 4 and 5: growing, then the delivery fails and clerks are told.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
ACTIVITY_FAILED = "snn_dispatch.mail_activity_type_delivery_failed"
STATUS_FOLLOW_UP = timedelta(minutes=1)
# Messages to the exchange in flight at once, per cron worker: enough to hide its answer time
# behind the rest of a batch (bench/dispatch_bench.py --latency-ms), few enough for its limits.
EXCHANGE_THREADS = 8


@dataclass
class ExchangePosting:
    """One message handed to the pool: its bytes and the answer to come, or why it was not
    posted (a refusal to say; an unexpected error to raise where it is guarded)."""

    message: bytes | None = None
    answer: Future | None = None
    refusal: str | None = None
    crash: Exception | None = None


class SnnDelivery(models.Model):
    _inherit = "snn.delivery"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ the scheduled action

    @api.model
    def _cron_dispatch(self, batch_size=BATCH_SIZE, commit=True):
        """Statuses from the exchange first, then due deliveries batch by batch."""
        self._poll_exchanges(commit=commit)
        while True:
            batch = self._claim_due(batch_size)
            if batch is None:  # another worker sent some of these and committed meanwhile
                # A new transaction (a new snapshot) sees what it did; in one transaction
                # (tests) there is nobody else.
                if not commit or not self._progress(0, self._count_due(), commit):
                    return
                continue
            if not batch:
                return
            batch._send()
            if not self._progress(len(batch), self._count_due(), commit):
                return  # out of time: the cron runs again at once ("partially done")

    @api.model
    def _progress(self, processed, remaining, commit):
        if not commit:  # tests run inside one transaction
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    @api.model
    def _due_condition(self):
        return SQL(
            """((state = 'queued' AND mail_id IS NULL) OR recall_state = 'queued')
               AND (next_attempt_at IS NULL OR next_attempt_at <= %s)""",
            fields.Datetime.now(),
        )

    @api.model
    def _claim_due(self, limit):
        """The next due deliveries, locked for this worker; None when another worker sent
        some of them and committed after this transaction's snapshot was taken (PostgreSQL
        then refuses the lock under REPEATABLE READ): ask again in a new transaction."""
        self.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """SELECT id FROM snn_delivery WHERE %s
                           ORDER BY urgent DESC, id LIMIT %s FOR UPDATE SKIP LOCKED""",
                        self._due_condition(),
                        limit,
                    ),
                    log_exceptions=False,
                )
                rows = self.env.cr.fetchall()
        except SerializationFailure:
            return None
        return self.browse([row[0] for row in rows])

    @api.model
    def _count_due(self):
        self.flush_model()
        self.env.cr.execute(
            SQL("SELECT COUNT(*) FROM snn_delivery WHERE %s", self._due_condition())
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ channels

    def _send(self):
        """Send each claimed delivery on its channel; one failure never stops the others.

        What takes time is the exchange's answer (50 to 200 ms a message on a real one): the
        batch's messages to it are posted at once by a bounded pool of threads that speak
        HTTP and nothing else, while this thread makes the internal deliveries and the
        e-mails; then each answer is written here, in its own savepoint, as before. The pool
        never touches the ORM or the cursor; a message posted twice (a crash before the
        commit) is still answered "duplicate" by the exchange."""
        sendable = self.browse()
        for document in self.document_id:
            mine = self.filtered(lambda d, doc=document: d.document_id == doc)
            try:
                document._check_sendable()
            except UserError as error:
                recalls = mine.filtered(lambda d: d.recall_state == "queued")
                (mine - recalls)._to_paper(str(error))
                recalls.write({"recall_state": False})
                continue
            sendable |= mine
        recalls = sendable.filtered(lambda d: d.recall_state == "queued")
        news = sendable - recalls
        exchange = news.filtered(lambda d: d.channel == "exchange")
        with ThreadPoolExecutor(EXCHANGE_THREADS, thread_name_prefix="snn-exchange") as pool:
            posted = [(group, group._post_exchange(pool)) for group in exchange._per_document()]
            for delivery in news.filtered(lambda d: d.channel in ("internal", "email")):
                delivery._send_guarded(getattr(delivery, f"_send_{delivery.channel}"))
            for group, posting in posted:
                group._send_guarded(functools.partial(group._apply_exchange, posting))
        for group in recalls._per_document():
            group._send_guarded(group._send_exchange_recall)
        self._wake_followers()

    def _per_document(self):
        return [self.filtered(lambda d, doc=doc: d.document_id == doc) for doc in self.document_id]

    def _wake_followers(self):
        """Once per batch: Odoo's mail queue (hourly unless woken) for the e-mails just
        queued, and this action again in a minute for the exchange's "arrived" statuses."""
        if self.filtered(lambda d: d.channel in ("email", "exchange") and d.email):
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        if self.filtered(lambda d: d.channel == "exchange" and d.state == "sent"):
            self._trigger_dispatch(fields.Datetime.now() + STATUS_FOLLOW_UP)

    def _send_guarded(self, send):
        """Run one channel's send in a savepoint: an unexpected error retries later, logged
        with its traceback, and rolls back only this delivery's half-done work."""
        try:
            with self.env.cr.savepoint():
                send()
        except Exception as error:
            _logger.exception("Delivery %s failed", self.ids)
            self._retry_later(engine_words(self.env, error) or type(error).__name__)

    def _send_internal(self):
        incoming = (
            self.env["snn.incoming.document"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(self._incoming_values())
        )
        self._move("sent", incoming_id=incoming.id)
        # Receipt confirmed at once, at the system's time (edXML status 01, "đã đến").
        self._move("received", code="01")
        incoming._ask_head_to_handle()

    def _incoming_values(self):
        document = self.document_id.with_context(bin_size=False)
        return {
            "company_id": self.target_company_id.id,
            "department_id": self.target_department_id.id,
            "outgoing_id": document.id,
            "delivery_id": self.id,
            "sender_company_id": document.company_id.id,
            "sender_name": document.company_id.snn_org_full_name or document.company_id.name,
            "code": document.code,
            "issue_date": document.issue_date,
            "subject": document.subject,
            "urgency": document.urgency,
            "document_type_name": document.document_type_id.name,
            "signer_name": document.signer_id.name,
            "file": document.signed_file,
            "file_name": document.signed_file_name,
            "received_at": fields.Datetime.now(),
        }

    def _send_email(self):
        self.write({"mail_id": self._queue_mail().id})
        # "sent" once Odoo's mail queue has handed it to the SMTP server (mail_mail.py).

    def _mail_document(self):
        """The document in the language of the mail: the recipient's, else our own
        organisation's (Vietnamese where it is installed)."""
        company = self.document_id.company_id
        lang = self.partner_id.lang or company.partner_id.lang or self.env.lang
        return self.document_id.with_context(lang=lang)

    def _queue_mail(self, message=None):
        """An e-mail in Odoo's mail queue with the signed PDF (and the edXML when the
        recipient has an agency code; ``message`` when already built)."""
        document = self._mail_document()
        company = document.company_id
        attachments = self.env["ir.attachment"]
        for name, data, _description in document._signed_files():
            attachments |= self._attachment(name, data)
        if self.organ_id:
            message = message or document._edxml_message(self)
            name = document.signed_file_name.removesuffix(".pdf") + ".edxml"
            attachments |= self._attachment(name, message, "application/xml")
        values = {
            "org": company.snn_org_full_name or company.name,
            "code": document.code,
            "date": document.issue_date.strftime("%d/%m/%Y"),
            "subject": document.subject,
        }
        return self._create_mail(
            document.env._("[%(code)s] %(subject)s", **values),
            document.env._(
                "<p>%(org)s sends you document %(code)s of %(date)s: %(subject)s.</p>"
                "<p>The digitally signed document is attached.</p>",
                **self._escaped(values),
            ),
            attachments,
        )

    def _queue_recall_mail(self, reason):
        document = self._mail_document()
        values = {"code": document.code, "subject": document.subject, "reason": reason}
        return self._create_mail(
            document.env._("[Recalled] %(code)s %(subject)s", **values),
            document.env._(
                "<p>Document %(code)s (%(subject)s) is recalled.</p><p>Reason: %(reason)s</p>",
                **self._escaped(values),
            ),
        )

    @api.model
    def _escaped(self, values):
        """Text typed by people (subject, reason) goes into the HTML body escaped."""
        return {key: html_escape(value) for key, value in values.items()}

    def _create_mail(self, subject, body, attachments=None):
        company = self.document_id.company_id
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "body_html": body,
                    "email_from": company.email or self.env.user.email_formatted,
                    "email_to": self.email,
                    "attachment_ids": [Command.set(attachments.ids)] if attachments else [],
                    "auto_delete": False,
                }
            )
        )

    def _attachment(self, name, data, mimetype="application/pdf"):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": data,
                "mimetype": mimetype,
                "res_model": "snn.delivery",
                "res_id": self.id,
            }
        )

    def _post_exchange(self, pool):
        """This document's exchange deliveries of the batch: one edXML message, built here and
        posted by ``pool``; what _apply_exchange writes once it is answered."""
        document = self.document_id
        try:
            client = document.company_id._exchange_client()
            message = document._edxml_message(self)
        except (UserError, EdxmlError) as error:
            # Unconfigured, or a field breaks a rule: said, no retry.
            return ExchangePosting(refusal=engine_words(self.env, error))
        except Exception as error:  # raised again in _apply_exchange, where it is guarded
            return ExchangePosting(crash=error)
        return ExchangePosting(message=message, answer=pool.submit(client.send, message))

    def _apply_exchange(self, posting):
        """The exchange's answer to this document's message, per agency."""
        if posting.crash:
            raise posting.crash  # _send_guarded logs it and tries again later
        if posting.refusal:
            self._fail(posting.refusal)
            return
        try:
            results = posting.answer.result()
        except ExchangeUnavailable as error:
            self._retry_later(engine_words(self.env, error))
            return
        except ExchangeRefused as error:
            self._fail(engine_words(self.env, error))
            return
        document = self.document_id
        for delivery in self:
            result = results.get(delivery.organ_id)
            if result is None:
                delivery._retry_later(self.env._("The exchange did not answer for this agency."))
            elif result.result in ("accepted", "duplicate"):
                delivery._move(
                    "sent",
                    note=(
                        result.result == "duplicate"
                        and self.env._("The exchange already had it (sent again after a crash).")
                    )
                    or False,
                    edxml_document_id=document._edxml_document_id(),
                    last_error=False,
                )
                if delivery.email:
                    # A copy by e-mail (the status comes from the exchange); the message as
                    # sent when it went to this agency alone.
                    delivery._queue_mail(posting.message if len(self) == 1 else None)
            else:
                delivery._fail(result.reason or self.env._("The exchange refused this agency."))

    def _send_exchange_recall(self):
        """The recall (BussinessDocType 1) to the agencies that got the document."""
        document = self.document_id
        try:
            client = document.company_id._exchange_client()
            message = document._edxml_message(self, recall=True)
            results = client.send(message)
        except ExchangeUnavailable as error:
            self._retry_later(engine_words(self.env, error))
            return
        except (UserError, EdxmlError, ExchangeRefused) as error:
            why = engine_words(self.env, error)
            self.write({"recall_state": "failed", "last_error": why})
            self._tell_clerks(why)
            return
        for delivery in self:
            result = results.get(delivery.organ_id)
            if result and result.result in ("accepted", "duplicate"):
                delivery.write(
                    {"recall_state": "sent", "last_error": False, "next_attempt_at": False}
                )
                delivery._add_event(delivery.state, code="13", note=self.env._("Recall sent."))
            else:
                reason = result.reason if result else self.env._("no answer")
                delivery.write({"recall_state": "failed", "last_error": reason})
                delivery._tell_clerks(reason)

    # ------------------------------------------------------------------ failures

    def _retry_later(self, error):
        """Try again after a growing delay; after MAX_ATTEMPTS, fail and tell the clerks."""
        now = fields.Datetime.now()
        for delivery in self:
            attempts = delivery.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                delivery.attempts = attempts
                if delivery.recall_state == "queued":
                    delivery.write({"recall_state": "failed", "last_error": error})
                    delivery._tell_clerks(error)
                else:
                    delivery._fail(error)
                continue
            delivery.write(
                {
                    "attempts": attempts,
                    "last_error": error,
                    "next_attempt_at": now + RETRY_DELAYS[attempts - 1],
                    "mail_id": False,
                }
            )

    def _fail(self, error):
        for delivery in self:
            delivery._move("failed", note=error, last_error=error, next_attempt_at=False)
        self._tell_clerks(error)

    def _to_paper(self, why):
        for delivery in self:
            delivery.write({"channel": "paper"})
            delivery._move("paper", note=why)

    def _tell_clerks(self, error):
        """A to-do for the clerks on the document, once per document."""
        for document in self.document_id:
            if document.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(ACTIVITY_FAILED)
            ):
                continue
            names = ", ".join(
                self.filtered(lambda d, doc=document: d.document_id == doc).mapped("recipient_name")
            )
            for clerk in document._clerks():
                note = self.with_context(lang=clerk.lang).env._(
                    "Not delivered to %(who)s: %(why)s", who=names, why=error
                )
                document._schedule(ACTIVITY_FAILED, clerk, note=note)
