"""The clerk's check of the format (Decree 30, Art. 13) is a trail row of its own, apart from
the approval of the content (the head's forward, the director's approval): made on its own by
a clerk, or by the issue itself when nobody made it before; again after a new approval."""

from xmlrpc.client import Fault

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DocflowCase, xmlrpc_as
from .test_chain_guards import FORGED_CONTEXT


@tagged("post_install", "-at_install")
class TestFormatCheck(DocflowCase):
    def test_checked_by_one_clerk_issued_by_another(self):
        clerk2 = new_test_user(
            self.env, "t_clerk2", "snn_docflow.group_clerk", name="Hoàng Văn Thư Hai"
        )
        document = self.walk(self.make_draft(), "approved")
        self.assertTrue(document.with_user(self.clerk).can_check_format)
        document.with_user(self.clerk).action_check_format()
        self.assertEqual(document.state, "approved", "a check moves nothing")
        self.assertFalse(document.with_user(clerk2).can_check_format)
        with self.assertRaisesRegex(UserError, "already checked by Phạm Thị Văn Thư"):
            document.with_user(clerk2).action_check_format()
        document.with_user(clerk2).action_issue()
        trail = document.approval_ids.sorted("id")
        self.assertEqual(
            trail.mapped("action"), ["submit", "forward", "approve", "check_format", "issue"]
        )
        self.assertEqual([row.user_id for row in trail[2:]], [self.director, self.clerk, clerk2])
        self.assertFalse(trail[3].comment)
        self.assertEqual(trail[3]._action_label(), "Format Checked")
        self.assertTrue(document.trail_intact, document._trail_problems())

    def test_an_issue_without_a_check_records_one(self):
        document = self.walk(self.make_draft(), "issued")
        check, issue = document.approval_ids.sorted("id")[-2:]
        self.assertEqual((check.action, issue.action), ("check_format", "issue"))
        self.assertEqual(check.user_id, self.clerk)
        self.assertEqual(check.comment, "Checked at issue.")
        self.assertEqual((check.from_state, check.to_state), ("approved", "approved"))
        self.assertFalse(check.number, "checked before the number was taken")
        self.assertEqual(issue.number, 1)
        self.assertTrue(document.trail_intact, document._trail_problems())

    def test_a_new_approval_needs_a_new_check(self):
        document = self.walk(self.make_draft(), "approved")
        document.with_user(self.clerk).action_check_format()
        document.with_user(self.clerk).action_return("Sai thể thức: thiếu nơi nhận")
        self.walk(document, "approved")
        self.assertTrue(document.with_user(self.clerk).can_check_format)
        document.with_user(self.clerk).action_issue()
        actions = document.approval_ids.sorted("id").mapped("action")
        self.assertEqual(actions.count("check_format"), 2)
        self.assertEqual(actions[-3:], ["approve", "check_format", "issue"])

    def test_only_a_clerk_checks_and_only_when_approved(self):
        draft = self.make_draft()
        with self.assertRaises(UserError):
            draft.with_user(self.clerk).action_check_format()
        document = self.walk(self.make_draft(), "approved")
        for user in (self.drafter, self.head, self.director, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                document.with_user(user).action_check_format()
        self.assertNotIn("check_format", document.approval_ids.mapped("action"))


@tagged("post_install", "-at_install")
class TestFormatCheckOverRpc(HttpCase, DocflowCase):
    def test_refused_over_rpc_with_a_forged_context(self):
        document = self.walk(self.make_draft(), "approved").with_env(self.env)
        for user in (self.drafter, self.head, self.director):
            with self.subTest(user=user.login), self.assertRaises(Fault):
                xmlrpc_as(
                    self,
                    user,
                    "snn.document",
                    "action_check_format",
                    [document.ids],
                    FORGED_CONTEXT,
                )
        self.env.invalidate_all()
        self.assertNotIn("check_format", document.approval_ids.mapped("action"))
        xmlrpc_as(self, self.clerk, "snn.document", "action_check_format", [document.ids], {})
        self.env.invalidate_all()
        self.assertEqual(document.approval_ids.sorted("id")[-1].user_id, self.clerk)
