from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMail_Server, MailDeliveryException
from odoo.addons.mail.tests.common import MockEmail

from .common import DispatchCase


class TestEmailDelivery(DispatchCase, MockEmail):
    """Agencies with an e-mail address only: through Odoo's mail queue, attachments included."""

    def test_the_mail_queue_sends_the_signed_pdf_and_the_delivery_says_sent(self):
        document = self.issue_to(self.mail_only)
        delivery = document.delivery_ids
        self.assertEqual(delivery.channel, "email")
        self.dispatch()
        mail = delivery.mail_id
        self.assertEqual(delivery.state, "queued", "in the mail queue, not sent yet")
        self.assertEqual(mail.email_to, self.mail_only.email)
        self.assertEqual(mail.attachment_ids.mapped("name"), [document.signed_file_name])
        self.assertEqual(mail.attachment_ids.raw, document._signed_pdf_bytes())
        self.dispatch()
        self.assertEqual(len(delivery.mail_id), 1, "queued once, not again by the next run")
        with self.mock_mail_gateway():
            mail.send()  # what the mail queue's scheduled action does
        self.assertEqual(len(self._mails), 1)
        sent = self._mails[0]
        self.assertEqual(sent["email_to"], [self.mail_only.email])
        self.assertIn(document.code, sent["subject"])
        self.assertEqual([a[0] for a in sent["attachments"]], [document.signed_file_name])
        self.assertEqual(sent["attachments"][0][1], document._signed_pdf_bytes())
        self.assertEqual(delivery.state, "sent")
        self.assertTrue(delivery.sent_at)

    def test_text_typed_by_people_is_escaped_in_the_mail(self):
        document = self.issue_to(self.mail_only, subject='V/v <img src=x onerror="alert(1)">')
        self.dispatch()
        body = document.delivery_ids.mail_id.body_html
        self.assertNotIn("<img", body)
        self.assertIn("&lt;img", body)

    def test_a_mail_the_server_refuses_is_tried_again_later(self):
        document = self.issue_to(self.mail_only)
        delivery = document.delivery_ids
        self.dispatch()
        with (
            self.mock_mail_gateway(),
            mute_logger("odoo.addons.mail.models.mail_mail"),  # Odoo logs the failure at ERROR
            patch.object(
                IrMail_Server, "send_email", side_effect=MailDeliveryException("SMTP down")
            ),
        ):
            delivery.mail_id.send(raise_exception=False)
        self.assertRecordValues(delivery, [{"state": "queued", "attempts": 1, "mail_id": False}])
        self.assertIn("SMTP down", delivery.last_error)
        self.assertTrue(delivery.next_attempt_at)


class TestSecretDocuments(DispatchCase):
    """Secret documents (confidentiality not normal) never go electronically."""

    def test_recipients_of_a_secret_document_are_on_paper_and_nothing_is_sent(self):
        document = self.make_letter(confidentiality="confidential")
        document.write({"recipient_ids": [(0, 0, {"partner_id": self.agency.id})]})
        self.walk(document, "issued")
        document = document.with_env(self.env)
        self.assertFalse(document.esign)
        deliveries = document.delivery_ids
        self.assertEqual(set(deliveries.mapped("state")), {"paper"})
        self.assertEqual(set(deliveries.mapped("channel")), {"paper"})
        self.assertIn("Secret", deliveries[0].last_error)
        self.dispatch()
        self.assertFalse(
            self.env["snn.incoming.document"].search([("outgoing_id", "=", document.id)])
        )
        self.assertFalse(self.exchange.received())
        self.assertFalse(self.env["mail.mail"].search([("email_to", "=", self.agency.email)]))

        # Forced into the queue below the ORM's checks: the send refuses, nothing leaves.
        forced = deliveries.filtered(lambda d: d.partner_id == self.agency)
        forced.write({"channel": "exchange", "state": "queued"})
        self.dispatch()
        self.assertRecordValues(forced, [{"channel": "paper", "state": "paper"}])
        self.assertFalse(self.exchange.received())

    def test_who_reads_the_deliveries_of_a_secret_document(self):
        secret = self.make_letter(confidentiality="confidential")
        self.walk(secret, "issued")
        deliveries = secret.with_env(self.env).delivery_ids
        for user in (self.drafter, self.head, self.director, self.clerk, self.manager):
            self.assertEqual(len(deliveries.with_user(user).read(["state"])), 2, user.name)
        Delivery = self.env["snn.delivery"]
        for user in (self.drafter2, self.head2, self.director2, self.member_khtc):
            with self.assertRaises(AccessError, msg=user.name):
                deliveries.with_user(user).read(["state"])
            self.assertFalse(Delivery.with_user(user).search([("document_id", "=", secret.id)]))
        with self.assertRaises(AccessError):  # no role at all: no access to deliveries
            deliveries.with_user(self.outsider).read(["state"])

    def test_a_document_issued_on_paper_is_delivered_on_paper(self):
        self.company.write({"snn_esign_trial_date": False, "snn_esign_mandatory_date": False})
        document = self.make_letter()
        self.walk(document, "issued")
        document = document.with_env(self.env)
        self.assertFalse(document.esign)
        self.assertEqual(set(document.delivery_ids.mapped("state")), {"paper"})
        self.dispatch()
        self.assertFalse(
            self.env["snn.incoming.document"].search([("outgoing_id", "=", document.id)])
        )
        self.assertFalse(self.exchange.received())
