"""After a step: where the web client goes, who may still open the document (read-only), and
the clerk's return of an approved document with a format error."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DocflowCase, xmlrpc_as

ISSUE_TODO = "snn_docflow.mail_activity_type_issue"
FIX_TODO = "snn_docflow.mail_activity_type_fix"


@tagged("post_install", "-at_install")
class TestHandedOn(DocflowCase):
    def _todos(self, document, xmlid):
        activity_type = self.env.ref(xmlid)
        return document.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def test_a_step_that_hands_on_leaves_for_the_queue(self):
        document = self.walk(self.make_draft(), "director_review")
        answer = document.with_user(self.director).action_return("Sửa căn cứ")
        then = answer["params"]["next"]
        self.assertEqual(then["type"], "ir.actions.act_window")
        self.assertEqual(then["target"], "main", "the breadcrumbs to the old form are gone")
        self.assertEqual(then["res_model"], "snn.document")
        self.assertIn("search_default_filter_activities_my", then["context"])
        # The drafter's own queue after submitting: their documents.
        answer = document.with_user(self.drafter).action_submit()
        self.assertIn("search_default_my_documents", answer["params"]["next"]["context"])

    def test_issuing_stays_on_the_document(self):
        document = self.walk(self.make_draft(), "approved")
        answer = document.with_user(self.clerk).action_issue()
        self.assertEqual(answer["params"]["next"], {"type": "ir.actions.act_window_close"})

    def test_who_acted_still_reads_the_returned_draft_and_nobody_else_more(self):
        document = self.walk(self.make_draft(), "director_review")
        document.with_user(self.director).action_return("Sửa căn cứ")
        for user in (self.director, self.head, self.drafter):
            with self.subTest(user=user.login):
                self.assertEqual(
                    document.with_user(user).read(["subject"])[0]["subject"], document.subject
                )
                self.assertTrue(document.with_user(user).recipient_ids)
                self.assertTrue(document.with_user(user).approval_ids)
        # Read-only: the director cannot write the draft, nor take a step on it.
        with self.assertRaises(AccessError):
            document.with_user(self.director).write({"subject": "Đổi bởi giám đốc"})
        with self.assertRaises(AccessError):
            document.with_user(self.director).action_submit()
        # Another director, who took no step on it, still does not see a draft.
        with self.assertRaises(AccessError):
            document.with_user(self.director2).read(["subject"])
        handled = (
            self.env["snn.document"]
            .with_user(self.director)
            .search([("approval_ids", "any", [("user_id", "=", self.director.id)])])
        )
        self.assertIn(document, handled)

    def test_a_refused_attempt_gives_no_sight(self):
        """A trail row of a refused issue is not a step taken: it opens nothing."""
        document = self.walk(self.make_draft(), "approved")
        self.env["snn.approval"].sudo()._record_refusal(document, "issue", "thử")
        document.sudo().write({"state": "draft"})  # as a return would leave it
        self.assertFalse(
            document.with_user(self.clerk).search([("id", "=", document.id)]),
            "the clerk took no step on it",
        )

    def test_clerk_returns_an_approved_document_with_a_format_error(self):
        document = self.walk(self.make_draft(), "approved")
        self.assertTrue(self._todos(document, ISSUE_TODO))
        document.with_user(self.clerk).action_return("Sai thể thức: thiếu Lưu: VT")
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.return_reason, "Sai thể thức: thiếu Lưu: VT")
        row = document.approval_ids[-1]
        self.assertEqual(
            (row.action, row.from_state, row.to_state), ("return", "approved", "draft")
        )
        self.assertEqual(row.user_id, self.clerk)
        self.assertFalse(self._todos(document, ISSUE_TODO), "no clerk is asked to issue it now")
        self.assertEqual(self._todos(document, FIX_TODO).user_id, self.drafter)
        told = document.message_ids.filtered(lambda m: "thiếu Lưu: VT" in (m.body or ""))
        self.assertIn(self.director.partner_id, told.partner_ids, "the signer approved it")
        self.assertTrue(document.trail_intact)
        # The next approval is a new one: it is numbered only after it.
        self.walk(document, "issued")
        self.assertEqual(document.state, "issued")

    def test_only_a_clerk_returns_an_approved_document_and_only_then(self):
        approved = self.walk(self.make_draft(), "approved")
        for user in (self.drafter, self.head, self.director):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                approved.with_user(user).action_return("Không phải việc của tôi")
        in_review = self.walk(self.make_draft(), "director_review")
        with self.assertRaises(UserError):
            in_review.with_user(self.clerk).action_return("Chưa đến lượt văn thư")
        issued = self.walk(self.make_draft(), "issued")
        with self.assertRaises(UserError):
            issued.with_user(self.clerk).action_return("Đã ban hành")
        for document, state in ((approved, "approved"), (in_review, "director_review")):
            self.assertEqual(document.state, state)
        self.assertEqual(issued.state, "issued")


@tagged("post_install", "-at_install")
class TestHandedOnRpc(HttpCase, DocflowCase):
    """The same refusals as a client makes them: over XML-RPC, with any context."""

    def test_a_director_cannot_return_what_the_clerk_holds(self):
        document = self.walk(self.make_draft(), "approved")
        with self.assertRaises(Exception) as caught:
            xmlrpc_as(
                self,
                self.director,
                "snn.document",
                "action_return",
                [[document.id], "Trả lại"],
                {"uid": self.clerk.id},
            )
        self.assertIn("returns it", str(caught.exception))
        self.assertEqual(document.state, "approved")
        self.assertEqual(document.approval_ids[-1].action, "approve")
