"""Trust in the chain, in the ORM: no path around the steps, as each role, whatever the context.

The same attacks over XML-RPC, JSON-RPC and the JSON-2 API are in test_rpc_attacks.py.
"""

import base64
import uuid

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PDF_BYTES, DocflowCase

# Every context key this module ever read, and a few of Odoo's own that bypass things elsewhere.
FORGED_CONTEXT = {
    "snn_transition": True,
    "tracking_disable": True,
    "install_mode": True,
    "module": "snn_docflow",
    "mail_notrack": True,
    "active_test": False,
    "su": True,
    "sudo": True,
    "uid": 1,
    "default_state": "approved",
}


def unique_pdf():
    """A PDF of its own: the filestore shares identical files between attachments."""
    return PDF_BYTES + f"%{uuid.uuid4().hex}\n".encode()


@tagged("post_install", "-at_install")
class TestOnlyStepsMoveADocument(DocflowCase):
    def test_no_role_writes_workflow_fields_whatever_the_context(self):
        document = self.walk(self.make_draft(), "director_review")
        attempts = {
            "state": {"state": "approved"},
            "number": {"number": 7, "number_year": 2019, "register_id": self.register.id},
            "code": {"code": "07/SNN-VP"},
            "issue_date": {"issue_date": "2019-02-18"},
            "reasons": {"return_reason": "x", "cancel_reason": "y"},
            "approved_sha256": {"approved_sha256": "0" * 64},
            "trail": {"approval_ids": [Command.clear()]},
            "trail_head": {"trail_head_hash": "0" * 64},
        }
        users = (self.drafter, self.head, self.director, self.clerk, self.manager)
        for user in users:
            for name, vals in attempts.items():
                for context in ({}, FORGED_CONTEXT):
                    with self.subTest(user=user.login, field=name, forged=bool(context)):
                        with self.assertRaisesExactly(AccessError):
                            document.with_user(user).with_context(**context).write(vals)
        self.assertEqual(document.state, "director_review")
        self.assertFalse(document.number)
        self.assertFalse(document.check_trail())

    def test_no_role_creates_a_document_past_draft(self):
        for user in (self.drafter, self.manager):
            for vals in ({"state": "issued"}, {"number": 1}, {"code": "01/SNN-VP"}):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesExactly(AccessError):
                        self.env["snn.document"].with_user(user).with_context(
                            **FORGED_CONTEXT
                        ).create(
                            {
                                "subject": "x",
                                "document_type_id": self.type_letter.id,
                                "department_id": self.unit_vp.id,
                                **vals,
                            }
                        )

    def test_duplicate_starts_a_fresh_draft(self):
        issued = self.walk(self.make_draft(), "issued")
        copy = issued.with_user(self.drafter).copy()
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.drafter_id, self.drafter)
        self.assertFalse(copy.number or copy.code or copy.approval_ids)

    def test_the_steps_still_work_with_a_forged_context(self):
        document = self.make_draft().with_context(**FORGED_CONTEXT)
        self.walk(document, "issued")
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.code, "01/SNN-VP")


@tagged("post_install", "-at_install")
class TestApprovedBytesAreFrozen(DocflowCase):
    def attachment(self, document):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "snn.document"),
                    ("res_id", "=", document.id),
                    ("res_field", "=", "file"),
                ]
            )
        )

    def test_the_pdf_cannot_change_from_submission_on(self):
        other = base64.b64encode(unique_pdf())
        for state in ("head_review", "director_review", "approved", "issued"):
            document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), state)
            original = document.file
            attachment = self.attachment(document)
            self.assertEqual(len(attachment), 1)
            for user in (self.drafter, self.manager):
                with self.subTest(state=state, user=user.login, path="document"):
                    with self.assertRaisesExactly(UserError):
                        document.with_user(user).write({"file": other})
                for vals in ({"datas": other}, {"raw": b"%PDF-1.4 other"}, {"res_id": 0}):
                    with self.subTest(state=state, user=user.login, path=f"attachment {vals}"):
                        with self.assertRaises(UserError):  # refusal or Odoo's access error
                            attachment.with_user(user).write(vals)
                with self.subTest(state=state, user=user.login, path="unlink"):
                    with self.assertRaises(UserError):
                        attachment.with_user(user).unlink()
            with self.subTest(state=state, path="superuser"):
                with self.assertRaisesExactly(UserError):
                    attachment.sudo().write({"datas": other})
                with self.assertRaisesExactly(UserError):
                    attachment.sudo().unlink()
                with self.assertRaisesExactly(UserError):  # a second file in its place
                    self.env["ir.attachment"].sudo().create(
                        {
                            "name": "x.pdf",
                            "datas": other,
                            "res_model": "snn.document",
                            "res_id": document.id,
                            "res_field": "file",
                        }
                    )
                with self.assertRaisesExactly(UserError):  # another file moved into its place
                    self.env["ir.attachment"].sudo().create(
                        {"name": "y.pdf", "datas": other}
                    ).write(
                        {"res_model": "snn.document", "res_id": document.id, "res_field": "file"}
                    )
            document.invalidate_recordset()
            self.assertEqual(document.file, original)

    def test_a_returned_draft_takes_a_new_file(self):
        document = self.walk(self.make_draft(), "head_review")
        document.with_user(self.head).action_return("Sửa số liệu")
        fixed = unique_pdf()
        document.with_user(self.drafter).write({"file": base64.b64encode(fixed)})
        self.walk(document, "approved")
        self.assertEqual(base64.b64decode(document.file), fixed)

    def test_approval_records_the_sha256_and_issue_checks_it(self):
        document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), "approved")
        self.assertEqual(document.approved_sha256, document._file_sha256())
        approve = document.approval_ids.filtered(lambda r: r.action == "approve")
        self.assertEqual(approve.file_sha256, document.approved_sha256)

    def test_a_file_changed_in_the_filestore_is_not_issued(self):
        document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), "approved")
        attachment = self.attachment(document)
        self.assertTrue(attachment.store_fname, "the test needs the file in the filestore")
        with open(attachment._full_path(attachment.store_fname), "wb") as stored:
            stored.write(unique_pdf())  # what someone with access to the disk does
        self.env.invalidate_all()
        before = len(document.approval_ids)
        # No assertRaises savepoint here: in this test the refusal row shares the request's
        # transaction (the document is not committed); test_refusal_committed.py shows it
        # surviving a real rollback.
        try:
            document.with_user(self.clerk).action_issue()
        except UserError as error:
            self.assertIs(type(error), UserError)
            self.assertIn("SHA-256", str(error))
        else:
            self.fail("issued a file that is not the approved one")
        self.assertEqual(document.state, "approved")
        self.assertFalse(document.number)
        refusal = document.approval_ids[before:]
        self.assertEqual(refusal.mapped("action"), ["refuse"])
        self.assertIn("SHA-256", refusal.comment)
        self.assertEqual(refusal.user_id, self.clerk)
        self.assertFalse(document.check_trail())
        following = self.walk(self.make_draft(), "issued")
        self.assertEqual(following.number, 1, "the refusal burnt no number")


@tagged("post_install", "-at_install")
class TestDeleting(DocflowCase):
    def test_only_a_fresh_draft_by_its_drafter_or_a_manager(self):
        mine = self.make_draft()
        with self.assertRaises(AccessError):  # not even visible to another drafter
            mine.with_user(self.drafter2).unlink()
        mine.with_user(self.drafter).unlink()
        self.assertFalse(mine.exists())
        managed = self.make_draft()
        managed.with_user(self.manager).unlink()
        self.assertFalse(managed.exists())

    def test_anything_with_a_trail_gets_a_clear_message(self):
        returned = self.walk(self.make_draft(), "head_review")
        returned.with_user(self.head).action_return("Sửa")
        cases = {
            "returned draft": returned,
            "head_review": self.walk(self.make_draft(), "head_review"),
            "approved": self.walk(self.make_draft(), "approved"),
            "issued": self.walk(self.make_draft(), "issued"),
        }
        cancelled = self.walk(self.make_draft(), "issued")
        cancelled.with_user(self.manager).action_cancel("Sai nơi nhận")
        cases["cancelled"] = cancelled
        for name, document in cases.items():
            for user in (self.drafter, self.manager):
                with self.subTest(case=name, user=user.login):
                    with self.assertRaises(UserError) as caught:
                        document.with_user(user).unlink()
                    self.assertNotIn("psycopg2", str(caught.exception))
            with self.subTest(case=name, user="superuser"):
                with self.assertRaisesExactly(UserError) as caught:
                    document.sudo().unlink()
                self.assertIn("Cancel it instead", str(caught.exception))
            self.assertTrue(document.exists())


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


@tagged("post_install", "-at_install")
class TestFourEyes(DocflowCase):
    def test_the_approver_does_not_issue(self):
        document = self.make_draft(signer_id=self.manager.id)
        document.with_user(self.drafter).action_submit()
        document.with_user(self.head).action_forward()
        document.with_user(self.manager).action_approve()
        self.assertFalse(document.with_user(self.manager).can_issue)
        with self.assertRaisesExactly(AccessError) as caught:
            document.with_user(self.manager).action_issue()
        self.assertIn("four eyes", str(caught.exception))
        self.assertEqual(document.state, "approved")
        document.with_user(self.clerk).action_issue()
        trail = document.approval_ids
        self.assertEqual(trail.filtered(lambda r: r.action == "approve").user_id, self.manager)
        self.assertEqual(trail.filtered(lambda r: r.action == "issue").user_id, self.clerk)

    def test_the_company_may_allow_it(self):
        self.company.snn_allow_approver_issue = True
        document = self.make_draft(signer_id=self.manager.id)
        document.with_user(self.drafter).action_submit()
        document.with_user(self.head).action_forward()
        document.with_user(self.manager).action_approve()
        document.with_user(self.manager).action_issue()
        self.assertEqual(document.state, "issued")

    def test_only_managers_change_the_setting(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.clerk).snn_allow_approver_issue = True


@tagged("post_install", "-at_install")
class TestTwoCompanies(DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Sở Tài chính", "snn_org_code": "STC"}
        )
        cls.register_b = cls.env["snn.register"].create(
            {"name": "Sổ đi STC", "company_id": cls.company_b.id}
        )
        cls.type_b = cls.env["snn.document.type"].create(
            {
                "name": "Công văn STC",
                "company_id": cls.company_b.id,
                "register_id": cls.register_b.id,
            }
        )

    def test_a_type_never_points_to_another_companys_register(self):
        with self.assertRaises(UserError):
            self.type_letter.write({"register_id": self.register_b.id})

    def test_a_document_never_takes_another_companys_type(self):
        with self.assertRaises(UserError):
            self.make_draft(document_type_id=self.type_b.id)

    def test_registers_and_types_of_another_company_are_not_visible(self):
        self.assertFalse(
            self.env["snn.register"].with_user(self.clerk).search([("id", "=", self.register_b.id)])
        )
        self.assertFalse(
            self.env["snn.document.type"]
            .with_user(self.drafter)
            .search([("id", "=", self.type_b.id)])
        )

    def test_numbers_stay_in_their_company(self):
        clerk_b = self.env["res.users"].create(
            {
                "name": "Clerk B",
                "login": "t_clerk_b",
                "company_id": self.company_b.id,
                "company_ids": [Command.set(self.company_b.ids)],
                "group_ids": [Command.set(self.env.ref("snn_docflow.group_clerk").ids)],
            }
        )
        unit_b = self.env["hr.department"].create(
            {"name": "Văn phòng STC", "snn_code": "VP", "company_id": self.company_b.id}
        )
        ours = self.walk(self.make_draft(), "issued")
        theirs = (
            self.env["snn.document"]
            .sudo()
            .create(
                {
                    "subject": "STC",
                    "document_type_id": self.type_b.id,
                    "department_id": unit_b.id,
                    "company_id": self.company_b.id,
                    "drafter_id": self.env.uid,
                    "state": "approved",
                }
            )
        )
        theirs.with_user(clerk_b).with_company(self.company_b).action_issue()
        self.assertEqual(ours.register_id, self.register)
        self.assertEqual(theirs.register_id, self.register_b)
        self.assertEqual((ours.number, theirs.number), (1, 1))
        self.assertEqual(theirs.code, "01/STC-VP")
        with self.assertRaises(AccessError):
            theirs.with_user(self.clerk).read(["code"])

    def test_a_misconfigured_register_of_another_company_is_refused(self):
        document = self.walk(self.make_draft(), "approved")
        # Someone forces the type's register past the checks (SQL): issuing still refuses it.
        self.env.cr.execute(
            "UPDATE snn_document_type SET register_id = %s WHERE id = %s",
            (self.register_b.id, self.type_letter.id),
        )
        self.env.invalidate_all()
        with self.assertRaisesExactly(UserError):
            document.with_user(self.clerk).action_issue()
        self.assertFalse(document.number)


@tagged("post_install", "-at_install")
class TestRecipientsFollowTheDocument(DocflowCase):
    def test_recipients_are_frozen_with_the_document(self):
        document = self.walk(self.make_draft(), "head_review")
        with self.assertRaises(UserError):
            document.recipient_ids[0].with_user(self.drafter).write({"purpose": "information"})
        with self.assertRaises(UserError):
            document.recipient_ids[0].with_user(self.drafter).unlink()
