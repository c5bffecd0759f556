from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestWorkflow(DocflowCase):
    def _todo_users(self, document, xmlid):
        activity_type = self.env.ref(xmlid)
        return document.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id

    @freeze_time("2019-02-18 02:30:00")  # 09:30 in Tuyên Quang
    def test_whole_chain_as_the_right_people(self):
        document = self.make_draft()
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.drafter_id, self.drafter)

        document.with_user(self.drafter).action_submit()
        self.assertEqual(document.state, "head_review")
        self.assertEqual(
            self._todo_users(document, "snn_docflow.mail_activity_type_review"), self.head
        )

        document.with_user(self.head).action_forward()
        self.assertEqual(document.state, "director_review")
        self.assertEqual(
            self._todo_users(document, "snn_docflow.mail_activity_type_review"), self.director
        )

        document.with_user(self.director).action_approve()
        self.assertEqual(document.state, "approved")
        self.assertFalse(self._todo_users(document, "snn_docflow.mail_activity_type_review"))
        self.assertEqual(
            self._todo_users(document, "snn_docflow.mail_activity_type_issue"),
            self.clerk,
            "the clerks get the to-do, not the managers who may also issue",
        )

        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.number, 1)
        self.assertEqual(document.code, "01/SNN-VP")
        self.assertEqual(str(document.issue_date), "2019-02-18")
        self.assertEqual(document.register_id, self.register)
        self.assertFalse(document.activity_ids, "no to-do is left once the document is issued")

        trail = document.approval_ids
        self.assertEqual(
            trail.mapped("action"), ["submit", "forward", "approve", "check_format", "issue"]
        )
        self.assertEqual(
            trail.mapped("user_id"), self.drafter | self.head | self.director | self.clerk
        )
        self.assertEqual(trail[-1].from_state, "approved")
        self.assertEqual(trail[-1].to_state, "issued")
        self.assertEqual(len(trail[0].file_sha256), 64)
        self.assertTrue(document.trail_intact)

    def test_return_by_head_goes_back_to_the_drafter_with_the_reason(self):
        document = self.walk(self.make_draft(), "head_review")
        document.with_user(self.head).action_return("Bổ sung nơi nhận: Sở TT và TT")
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.return_reason, "Bổ sung nơi nhận: Sở TT và TT")
        self.assertEqual(
            self._todo_users(document, "snn_docflow.mail_activity_type_fix"), self.drafter
        )
        self.assertFalse(self._todo_users(document, "snn_docflow.mail_activity_type_review"))
        # The drafter can edit again, and the reason reached the chatter for drafter and head.
        document.with_user(self.drafter).write({"subject": "V/v đã sửa"})
        message = document.message_ids.filtered(lambda m: "Sở TT và TT" in (m.body or ""))
        self.assertTrue(message)
        self.assertIn(self.head.partner_id, message.partner_ids)
        self.assertIn(self.drafter.partner_id, message.partner_ids)
        # Submitting again closes the drafter's to-do and clears the reason.
        document.with_user(self.drafter).action_submit()
        self.assertFalse(self._todo_users(document, "snn_docflow.mail_activity_type_fix"))
        self.assertFalse(document.return_reason)

    def test_return_by_director(self):
        document = self.walk(self.make_draft(), "director_review")
        document.with_user(self.director).action_return("Sửa trích yếu")
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.approval_ids[-1].comment, "Sửa trích yếu")
        self.assertEqual(document.approval_ids[-1].user_id, self.director)

    def test_content_is_frozen_outside_draft(self):
        document = self.walk(self.make_draft(), "head_review")
        for user in (self.drafter, self.manager):
            with self.assertRaisesExactly(UserError):
                document.with_user(user).write({"subject": "Changed under review"})
        document = self.walk(self.make_draft(), "approved")
        with self.assertRaisesExactly(UserError):
            document.with_user(self.drafter).recipient_ids[0].write({"purpose": "information"})
        with self.assertRaisesExactly(UserError):
            document.with_user(self.manager).write({"file": False})

    def test_state_and_number_only_through_actions(self):
        document = self.make_draft()
        with self.assertRaisesExactly(AccessError):
            document.with_user(self.drafter).write({"state": "approved"})
        with self.assertRaisesExactly(AccessError):
            document.with_user(self.manager).write({"number": 7})
        with self.assertRaisesExactly(AccessError):
            self.make_draft(state="issued")

    def test_cancelled_issued_document_keeps_its_number(self):
        document = self.walk(self.make_draft(), "issued")
        number, code = document.number, document.code
        document.with_user(self.manager).action_cancel("Thay thế bằng văn bản khác")
        self.assertEqual(document.state, "cancelled")
        self.assertEqual((document.number, document.code), (number, code))
        self.assertIn(document, self.register.document_ids)
        # The next document does not reuse the number.
        following = self.walk(self.make_draft(), "issued")
        self.assertEqual(following.number, number + 1)

    def test_wizard_returns_with_reason(self):
        document = self.walk(self.make_draft(), "head_review")
        action = document.with_user(self.head).action_open_return_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.head)
            .with_context(**action["context"])
            .create({"reason": "Thiếu chữ ký nháy"})
        )
        wizard.action_confirm()
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.return_reason, "Thiếu chữ ký nháy")
