"""A secret document stays inside: no outside follower, no mention, nothing by email."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PDF_BYTES, DocflowCase


@tagged("post_install", "-at_install")
class TestSecretStaysInside(DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = cls.env["res.users"].create(
            {
                "name": "Portal",
                "login": "t_portal",
                "email": "portal@example.com",
                "group_ids": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )

    def secret(self, state="director_review"):
        return self.walk(self.make_draft(confidentiality="secret"), state)

    def test_outsiders_never_follow_a_secret_document(self):
        document = self.secret()
        outsiders = {
            "outside partner": self.partner,
            "portal user": self.portal.partner_id,
            "internal user who may not read it": self.drafter2.partner_id,
        }
        for name, partner in outsiders.items():
            with self.subTest(follower=name):
                with self.assertRaisesExactly(UserError):
                    document.with_user(self.drafter).message_subscribe(partner.ids)
                with self.assertRaisesExactly(UserError):  # below message_subscribe
                    self.env["mail.followers"].sudo().create(
                        {
                            "res_model": "snn.document",
                            "res_id": document.id,
                            "partner_id": partner.id,
                        }
                    )
        self.assertNotIn(self.partner, document.message_partner_ids)
        document.with_user(self.drafter).message_subscribe(self.head.partner_id.ids)
        self.assertIn(self.head.partner_id, document.message_partner_ids)

    def test_a_document_with_outside_followers_cannot_become_secret(self):
        document = self.make_draft()
        document.message_subscribe(self.partner.ids)
        with self.assertRaisesExactly(UserError):
            document.with_user(self.drafter).write({"confidentiality": "secret"})

    def test_mentioning_an_outsider_is_refused(self):
        document = self.secret()
        with self.assertRaisesExactly(UserError):
            document.with_user(self.drafter).message_post(
                body="Xem giúp", partner_ids=self.partner.ids, message_type="comment"
            )
        with self.assertRaisesExactly(UserError):
            document.with_user(self.drafter).message_notify(
                body="Xem giúp", partner_ids=self.portal.partner_id.ids
            )

    def test_nothing_leaves_by_email(self):
        document = self.secret()
        self.head.notification_type = "email"
        self.director.notification_type = "email"
        document.message_subscribe((self.head | self.director).partner_id.ids)
        before = self.env["mail.mail"].sudo().search_count([])
        document.with_user(self.drafter).message_post(
            body="Nội dung mật",
            partner_ids=self.head.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("mat.pdf", PDF_BYTES)],
        )
        # To-dos and their notifications along the way:
        document.with_user(self.director).action_approve()
        document.with_user(self.clerk).action_issue()
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), before)
        notified = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "snn.document"),
                    ("res_partner_id", "=", self.head.partner_id.id),
                ]
            )
        )
        self.assertTrue(notified)
        self.assertEqual(set(notified.mapped("notification_type")), {"inbox"})

    def test_a_normal_document_still_emails(self):
        document = self.walk(self.make_draft(), "director_review")
        self.head.notification_type = "email"
        before = self.env["mail.mail"].sudo().search_count([])
        document.with_user(self.drafter).message_post(
            body="Xem giúp",
            partner_ids=self.head.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertGreater(self.env["mail.mail"].sudo().search_count([]), before)

    def test_code_conflict_reveals_no_secret_document(self):
        normal = self.walk(self.make_draft(), "issued")
        secret = self.walk(self.make_draft(confidentiality="secret"), "issued")
        # Both registers start at 01, and the notation is the same: the codes coincide.
        self.assertEqual(normal.code, secret.code)
        self.assertFalse(normal.with_user(self.drafter2).code_conflict)
        self.assertTrue(normal.with_user(self.clerk).code_conflict)
