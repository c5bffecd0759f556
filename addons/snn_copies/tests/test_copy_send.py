"""Electronic copies sent as documents are (Decree 30): to an organisation of this database as
an incoming document, to another by e-mail through Odoo's mail queue; and every way around the
clerk's step a client could try (another role, another organisation, a bad recipient among
good ones, a forged context over XML-RPC, a delivery written by hand)."""

import base64
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMail_Server, MailDeliveryException
from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.snn_docflow.tests.common import xmlrpc_as
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT
from odoo.addons.snn_incoming.tests.test_paper import paper_values

from snn_sign import verify_pdf
from snn_sign_testkit.sample_letter import make_letter_pdf

from .common import CopyCase


@tagged("post_install", "-at_install")
class TestCopySend(CopyCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.org_b = cls.company_b.partner_id
        cls.outside = cls.partner  # UBND tỉnh: an e-mail address, not on this system
        cls.outside.lang = "vi_VN"

    def send(self, copy, partners, user=None):
        """As ``user`` (the clerk); the deliveries read back as the test (superuser)."""
        return copy.with_user(user or self.clerk).action_send(partners.ids).with_env(self.env)

    def incoming_at_b(self):
        return self.env["snn.incoming.document"].search([("company_id", "=", self.company_b.id)])

    # ------------------------------------------------------------------ sending

    def test_a_sao_y_goes_inside_odoo_and_by_email(self):
        document = self.issued()
        copy = self.copy_of(document)
        self.assertTrue(copy.with_user(self.clerk).can_send)
        deliveries = self.send(copy, self.org_b | self.outside)
        self.assertEqual(copy.with_user(self.clerk).delivery_ids, deliveries)
        internal = deliveries.filtered(lambda d: d.channel == "internal")
        by_mail = deliveries - internal
        self.assertRecordValues(
            internal,
            [
                {
                    "partner_id": self.org_b.id,
                    "target_company_id": self.company_b.id,
                    "state": "received",
                    "sent_by_id": self.clerk.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertTrue(internal.sent_at and internal.received_at)
        # The other organisation has it as an incoming document: the copy, byte for byte,
        # its seal still verifying; its clerks (no unit named) have the to-do.
        incoming = internal.incoming_id
        self.assertEqual(incoming, self.incoming_at_b())
        self.assertRecordValues(
            incoming,
            [
                {
                    "company_id": self.company_b.id,
                    "sender_company_id": self.company.id,
                    "code": document.code,
                    "issue_date": document.issue_date,
                    "subject": document.subject,
                    "signer_name": document.signer_id.name,
                    "document_type_name": document.document_type_id.name,
                    "file_name": copy.file_name,
                    "state": "received",
                }
            ],
        )
        pdf = base64.b64decode(incoming.file)
        self.assertEqual(pdf, base64.b64decode(copy.file))
        self.assertTrue(verify_pdf(pdf, self.roots()).ok)
        self.assertIn("Electronic copy 01/SY (Sao y)", "".join(incoming.message_ids.mapped("body")))
        self.assertEqual(incoming.activity_ids.user_id, self.clerk_b)
        incoming.with_user(self.clerk_b).action_accept()  # handled as any incoming document
        self.assertEqual(incoming.state, "accepted")
        # The outside organisation: an e-mail in the queue, in its language, the copy attached.
        mail = by_mail.mail_id
        self.assertRecordValues(by_mail, [{"state": "queued", "email": self.outside.email}])
        self.assertEqual(mail.email_to, self.outside.email)
        self.assertEqual(mail.subject, f"[Bản sao 01/SY] {document.subject}")
        self.assertEqual(mail.attachment_ids.mapped("name"), [copy.file_name])
        self.assertEqual(mail.attachment_ids.raw, base64.b64decode(copy.file))
        with self.mock_mail_gateway():
            self.env["mail.mail"].process_email_queue(mail.ids)  # the mail queue's action
        self.assertEqual(len(self._mails), 1)
        sent = self._mails[0]
        self.assertEqual(sent["email_to"], [self.outside.email])
        self.assertEqual(sent["attachments"][0][:2], (copy.file_name, base64.b64decode(copy.file)))
        self.assertEqual(by_mail.state, "sent")
        self.assertTrue(by_mail.sent_at)
        # Said on the original, the copy itself being unchangeable.
        self.assertIn("Copy 01/SY sent to", "".join(document.message_ids.mapped("body")))

    def test_a_mail_the_server_refuses_fails_with_its_reason(self):
        copy = self.copy_of(self.issued())
        delivery = self.send(copy, self.outside)
        with (
            self.mock_mail_gateway(),
            mute_logger("odoo.addons.mail.models.mail_mail"),  # Odoo logs the failure at ERROR
            patch.object(
                IrMail_Server, "send_email", side_effect=MailDeliveryException("SMTP down")
            ),
        ):
            delivery.mail_id.send(raise_exception=False)
        self.assertEqual(delivery.state, "failed")
        self.assertIn("SMTP down", delivery.last_error)
        self.assertIn("was not delivered", "".join(copy.document_id.message_ids.mapped("body")))
        # Not a dead end: its clerk sends it again (a new e-mail), nobody else.
        for user in (self.drafter, self.clerk_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                delivery.with_user(user).action_retry()
        self.assertTrue(delivery.with_user(self.clerk).can_retry)
        first_mail = delivery.mail_id
        delivery.with_user(self.clerk).action_retry()
        self.assertEqual((delivery.state, delivery.last_error), ("queued", False))
        self.assertNotEqual(delivery.mail_id, first_mail)
        with self.mock_mail_gateway():
            delivery.mail_id.send(raise_exception=False)
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(len(self._mails), 1)
        with self.assertRaisesRegex(UserError, "Only a delivery that failed"):
            delivery.with_user(self.clerk).action_retry()

    def test_text_typed_by_people_is_escaped_in_the_mail(self):
        copy = self.copy_of(self.issued(subject='V/v <img src=x onerror="alert(1)">'))
        body = self.send(copy, self.outside).mail_id.body_html
        self.assertNotIn("<img", body)
        self.assertIn("&lt;img", body)

    def test_a_copy_of_an_incoming_document_goes_too(self):
        original = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(make_letter_pdf(2)))
        )
        original.with_user(self.clerk).action_register()
        copy = self.copy_of(original)
        delivery = self.send(copy, self.org_b)
        self.assertRecordValues(
            delivery.incoming_id,
            [
                {
                    "company_id": self.company_b.id,
                    "sender_company_id": self.company.id,
                    "code": "45/UBND-NN",
                    "signer_name": "Nguyễn Văn Huyện",
                    "document_type_name": "Công văn",
                    "file_name": copy.file_name,
                }
            ],
        )
        self.assertEqual(delivery.incoming_id.file, copy.file)
        self.assertIn("Copy 01/SY sent to", "".join(original.message_ids.mapped("body")))

    def test_the_clerks_dialog(self):
        copy = self.copy_of(self.issued())
        action = copy.with_user(self.clerk).action_open_send_wizard()
        wizard = (
            self.env["snn.copy.send.wizard"]
            .with_user(self.clerk)
            .with_context(**action["context"])
            .create({"partner_ids": [(6, 0, self.org_b.ids)]})
        )
        with self.assertRaises(AccessError):  # the dialog is the clerk's alone
            wizard.with_user(self.manager).write({"partner_ids": [(6, 0, self.outside.ids)]})
        result = wizard.action_send()
        self.assertIn(self.org_b.display_name, result["params"]["message"])
        self.assertEqual(copy.delivery_ids.partner_id, self.org_b)
        with self.assertRaises(AccessError):  # a copy of another organisation: not linked
            self.env["snn.copy.send.wizard"].with_user(self.clerk_b).create({"copy_id": copy.id})
        with self.assertRaises(AccessError):
            copy.with_user(self.drafter).action_open_send_wizard()

    # ------------------------------------------------------------------ refusals

    def test_only_a_clerk_of_the_organisation_sends(self):
        copy = self.copy_of(self.issued())
        for user in (self.drafter, self.head, self.director):
            with self.subTest(user=user.login):
                self.assertFalse(copy.with_user(user).can_send)
                with self.assertRaises(AccessError):
                    self.send(copy, self.org_b, user)
        with self.assertRaises(AccessError):  # another organisation's clerk
            self.send(copy, self.org_b, self.clerk_b)
        self.assertFalse(copy.delivery_ids)
        self.assertFalse(self.incoming_at_b())

    def test_every_recipient_is_checked_before_anything_is_sent(self):
        copy = self.copy_of(self.issued())
        Partner = self.env["res.partner"]
        nowhere = Partner.create({"name": "Hợp tác xã Ba Bể", "is_company": True})
        person = Partner.create({"name": "Nguyễn Văn A", "email": "a@example.com"})
        for partners, words in (
            (Partner, "Choose the organisations"),
            (self.org_b | self.outside | nowhere, "no e-mail address and is not on this system"),
            (self.company.partner_id, "made this copy"),
            (self.outside | person, "not an organisation"),
        ):
            with self.subTest(words=words), self.assertRaisesRegex(UserError, words):
                self.send(copy, partners)
        for forged in ("1", [True], None, [self.org_b.id, "x"]):
            with self.subTest(forged=forged), self.assertRaisesRegex(UserError, "Choose"):
                copy.with_user(self.clerk).action_send(forged)
        # Nothing half-sent: no delivery, no incoming document, no mail for the good ones.
        self.assertFalse(copy.delivery_ids)
        self.assertFalse(self.incoming_at_b())
        self.assertFalse(self.env["mail.mail"].search([("email_to", "=", self.outside.email)]))
        # The same organisation twice in one call: once; in a later call: refused.
        self.assertEqual(len(copy.with_user(self.clerk).action_send([self.org_b.id] * 2)), 1)
        with self.assertRaisesRegex(UserError, "already"):
            self.send(copy, self.org_b | self.outside)
        self.assertEqual(len(self.incoming_at_b()), 1)

    def test_a_copy_of_a_recalled_or_withdrawn_original_is_not_sent(self):
        document = self.issued()
        copy = self.copy_of(document)
        self.env.cr.execute(
            "UPDATE snn_document SET state = 'recalled' WHERE id = %s", [document.id]
        )
        document.invalidate_recordset(["state"])
        self.assertFalse(copy.with_user(self.clerk).can_send)
        with self.assertRaises(UserError):
            self.send(copy, self.org_b)

    # ------------------------------------------------------------------ over XML-RPC

    def test_over_xmlrpc_with_any_context(self):
        copy = self.copy_of(self.issued())
        forged = {
            **FORGED_CONTEXT,
            "snn_bypass": True,
            "default_state": "sent",
            "default_target_company_id": self.company.id,
        }
        self.env.cr.flush()
        for user in (self.drafter, self.clerk_b):
            with self.subTest(user=user.login), self.assertRaises(Fault):
                xmlrpc_as(
                    self,
                    user,
                    "snn.document.copy",
                    "action_send",
                    [copy.ids, self.org_b.ids],
                    forged,
                )
        self.assertFalse(copy.delivery_ids)
        # The clerk's own forged context changes nothing of what the step writes.
        ids = xmlrpc_as(
            self, self.clerk, "snn.document.copy", "action_send", [copy.ids, self.org_b.ids], forged
        )
        delivery = self.env["snn.copy.delivery"].browse(ids)
        self.assertRecordValues(
            delivery, [{"state": "received", "target_company_id": self.company_b.id}]
        )
        values = {
            "copy_id": copy.id,
            "partner_id": self.outside.id,
            "recipient_name": "forged",
            "channel": "email",
            "state": "sent",
        }
        for user in (self.clerk, self.manager):
            for method, args in (
                ("write", [delivery.ids, {"state": "failed", "last_error": "forged"}]),
                ("create", [[values]]),
                ("unlink", [delivery.ids]),
            ):
                with self.subTest(user=user.login, method=method), self.assertRaises(Fault):
                    xmlrpc_as(self, user, "snn.copy.delivery", method, args, forged)
        self.assertRecordValues(delivery, [{"state": "received", "last_error": False}])
        self.assertEqual(copy.delivery_ids, delivery)
        # Another organisation's clerk reads none of them.
        with self.assertRaises(Fault):
            xmlrpc_as(
                self, self.clerk_b, "snn.copy.delivery", "read", [delivery.ids, ["state"]], {}
            )
        found = xmlrpc_as(self, self.clerk_b, "snn.copy.delivery", "search", [[]], forged)
        self.assertEqual(found, [])
