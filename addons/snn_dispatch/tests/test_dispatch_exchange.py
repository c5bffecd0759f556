"""Agencies outside the database: edXML through the provincial exchange, as the local
stand-in of snn_sign_testkit.demo_exchange plays it (the real exchange cannot be reached from here),
with its failures: outage, timeout, a refused message, an unknown agency, a duplicate."""

import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from snn_edxml.edxml import EdxmlStatus, Organ, build_status, parse_document

from .common import AGENCY_ORGAN_ID, EXCHANGE_SECRET, OUR_ORGAN_ID, DispatchCase


class Crash(Exception):
    """The worker dies after the exchange took the message, before its commit."""


class TestExchangeDelivery(DispatchCase):
    def answer(self, delivery, code, description=""):
        """The agency's system answers through the exchange (a status message)."""
        status = EdxmlStatus(
            sender=Organ(organ_id=AGENCY_ORGAN_ID, name="Sở Tài chính"),
            response_for=delivery.edxml_document_id,
            status_code=code,
            description=description,
        )
        self.exchange.post_status(build_status(status))

    def messages_for(self, document):
        document_id = document._edxml_document_id()
        return [m for m in self.exchange.received() if m["document_id"] == document_id]

    def test_the_edxml_reaches_the_agency_and_its_statuses_come_back(self):
        document = self.issue_to(self.agency, urgency="urgent")
        delivery = document.delivery_ids
        self.assertRecordValues(delivery, [{"channel": "exchange", "urgent": True}])
        self.dispatch()
        self.assertFalse(delivery.last_error)
        day = document.issue_date.strftime("%Y/%m/%d")
        self.assertRecordValues(
            delivery,
            [
                {
                    "state": "sent",
                    "edxml_document_id": f"{OUR_ORGAN_ID},{day},{document.code}",
                    "attempts": 0,
                }
            ],
        )
        [message] = self.messages_for(document)
        self.assertEqual(message["to"], [AGENCY_ORGAN_ID])
        sent = parse_document(base64.b64decode(message["edxml"]))
        number, notation = document.code.split("/")
        self.assertEqual((sent.code_number, sent.code_notation), (number, notation))
        self.assertEqual(sent.sender.organ_id, OUR_ORGAN_ID)
        self.assertEqual(sent.subject, document.subject)
        self.assertEqual(sent.promulgation_date, document.issue_date)
        self.assertEqual(sent.priority, 1, "khẩn")
        self.assertEqual(sent.signer_full_name, self.director.name)
        self.assertEqual(sent.signer_competence, "KT. GIÁM ĐỐC")
        self.assertEqual(sent.business_doc_type, 0)
        self.assertEqual(sent.files[0].data, document._signed_pdf_bytes())
        # The agency has an e-mail address too: a copy goes through the mail queue.
        copy = self.env["mail.mail"].search([("email_to", "=", self.agency.email)])
        self.assertEqual(len(copy), 1)
        self.assertEqual(
            sorted(copy.attachment_ids.mapped("mimetype")), ["application/pdf", "application/xml"]
        )

        self.dispatch()  # the stand-in said 01 (arrived): polled, applied, acknowledged
        self.assertEqual(delivery.state, "received")
        self.answer(delivery, "03")
        self.answer(delivery, "01")  # late and repeated: never moves it back
        self.dispatch()
        self.assertEqual(delivery.state, "accepted")
        self.answer(delivery, "04")  # assigned: someone has it (processing)
        self.answer(delivery, "05")  # being handled: the same state, a step of its own
        self.answer(delivery, "05")  # delivered again: recorded once
        self.dispatch()
        self.assertEqual(delivery.state, "processing")
        self.answer(delivery, "06", "Đã xử lý")
        self.dispatch()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(
            delivery.event_ids.mapped("status_code"),
            [False, False, "01", "03", "04", "05", "06"],
        )
        self.dispatch()  # everything acknowledged: nothing comes twice
        self.assertEqual(len(delivery.event_ids), 7)

    def test_a_refusal_by_the_agency_is_shown_with_its_reason(self):
        document = self.issue_to(self.agency)
        self.dispatch()
        delivery = document.delivery_ids
        self.answer(delivery, "02", "Sai nơi nhận")
        self.dispatch()
        self.assertRecordValues(delivery, [{"state": "refused", "status_note": "Sai nơi nhận"}])

    def test_an_outage_is_retried_with_growing_delays_then_the_clerks_are_told(self):
        document = self.issue_to(self.agency)
        delivery = document.delivery_ids
        self.exchange.fail_next("5xx", count=5)
        delays = []
        for _attempt in range(5):
            before = fields.Datetime.now()
            self.dispatch()
            if delivery.state == "failed":
                break
            self.assertEqual(delivery.state, "queued")
            self.assertIn("503", delivery.last_error)
            delays.append(delivery.next_attempt_at - before)
            self.dispatch()  # not due yet: nothing is sent
            self.assertEqual(delivery.attempts, len(delays))
            delivery.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)  # time passes
        self.assertEqual(delays, sorted(delays))
        self.assertGreater(delays[-1], delays[0])
        self.assertRecordValues(delivery, [{"state": "failed", "attempts": 5}])
        failed_type = self.env.ref("snn_dispatch.mail_activity_type_delivery_failed")
        todo = document.activity_ids.filtered(lambda a: a.activity_type_id == failed_type)
        self.assertEqual(todo.user_id, self.clerk)
        self.assertFalse(self.messages_for(document))

        # The clerk sends it again once the exchange is back; a drafter may not.
        with self.assertRaisesExactly(AccessError):
            delivery.with_user(self.drafter).action_retry()
        delivery.with_user(self.clerk).action_retry()
        self.dispatch()
        self.assertEqual(delivery.state, "sent")

    def test_a_timeout_is_retried(self):
        document = self.issue_to(self.agency)
        self.exchange.fail_next("timeout")
        self.dispatch()  # Odoo's test harness stretches the client's timeout to 10 s
        delivery = document.delivery_ids
        self.assertRecordValues(delivery, [{"state": "queued", "attempts": 1}])
        self.assertTrue(delivery.next_attempt_at)

    def test_a_refused_message_and_an_unknown_agency_fail_at_once(self):
        document = self.issue_to(self.agency)
        self.exchange.fail_next("refuse")
        self.dispatch()
        self.assertRecordValues(document.delivery_ids, [{"state": "failed", "attempts": 0}])
        stranger = self.env["res.partner"].create(
            {"name": "Không có trong danh bạ", "is_company": True, "snn_organ_id": "000.00.99.H99"}
        )
        document = self.issue_to(stranger)
        self.dispatch()
        self.assertEqual(document.delivery_ids.state, "failed")
        self.assertIn("unknown agency", document.delivery_ids.last_error)

    def test_a_crash_after_sending_sends_again_as_a_duplicate_not_twice(self):
        document = self.issue_to(self.agency)
        delivery = document.delivery_ids
        with self.assertRaises(Crash), self.env.cr.savepoint():
            delivery._send()
            raise Crash  # rolled back: as if the worker died before its commit
        self.env.invalidate_all()
        self.assertEqual(delivery.state, "queued")
        self.dispatch()
        self.assertEqual(delivery.state, "sent")
        results = [m["results"][AGENCY_ORGAN_ID]["result"] for m in self.messages_for(document)]
        self.assertEqual(results, ["accepted", "duplicate"], "the agency got it once")

    def test_an_unconfigured_exchange_says_so_and_does_not_retry(self):
        document = self.issue_to(self.agency)
        settings = {
            "snn_exchange_url": False,
            "snn_exchange_system_id": False,
            "snn_exchange_secret_file": False,
        }
        self.company.write(settings)
        self.dispatch()
        delivery = document.delivery_ids
        self.assertRecordValues(
            delivery, [{"state": "failed", "attempts": 0, "next_attempt_at": False}]
        )
        self.assertIn("not configured", delivery.last_error)
        self.company.write(
            {
                "snn_exchange_url": self.exchange.url,
                **{
                    "snn_exchange_system_id": self.exchange.system_id,
                    "snn_exchange_secret_file": EXCHANGE_SECRET,
                },
            }
        )
        delivery.with_user(self.clerk).action_retry()
        self.dispatch()
        self.assertEqual(delivery.state, "sent")

    def test_a_field_that_breaks_an_edxml_rule_is_named(self):
        self.company.snn_governing_body = "Ủ" * 201
        document = self.issue_to(self.agency)
        self.dispatch()
        self.assertEqual(document.delivery_ids.state, "failed")
        self.assertIn("OrganizationInCharge", document.delivery_ids.last_error)
        self.assertFalse(self.messages_for(document), "nothing malformed was sent")
