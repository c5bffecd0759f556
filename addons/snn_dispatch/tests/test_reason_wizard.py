"""The one reason dialog (snn_docflow's snn.document.reason.wizard) takes dispatch's steps too:
the clerk's recall and the receiving head's refusal, each still refused to whoever may not."""

from odoo.exceptions import UserError

from .common import DispatchCase

WIZARD = "snn.document.reason.wizard"


class TestReasonWizard(DispatchCase):
    def confirm(self, user, values):
        return self.env[WIZARD].with_user(user).create(values).action_confirm()

    def test_the_clerk_recalls_through_the_reason_dialog_and_nobody_else_does(self):
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        values = {"document_id": document.id, "mode": "recall", "reason": "Sai thể thức"}
        for user in (self.drafter, self.head, self.director):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.confirm(user, values)
            self.assertEqual(document.state, "issued")
        self.confirm(self.clerk, values)
        self.assertRecordValues(document, [{"state": "recalled", "recall_reason": "Sai thể thức"}])
        incoming = document.delivery_ids.incoming_id
        self.assertEqual(incoming.state, "withdrawn", "the receiving unit's copy is withdrawn")

    def test_the_receiving_head_refuses_through_the_reason_dialog_and_the_sender_sees_why(self):
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        incoming = document.delivery_ids.incoming_id
        values = {"incoming_id": incoming.id, "mode": "refuse", "reason": "Không đúng thẩm quyền"}
        with self.assertRaises(UserError):
            self.confirm(self.clerk, values)  # not the head of the receiving unit
        self.assertEqual(incoming.state, "received")
        with self.assertRaises(UserError) as caught:
            self.confirm(self.head2, {**values, "reason": "  "})
        self.assertIn("the sender sees the reason", str(caught.exception))
        self.confirm(self.head2, values)
        self.assertEqual(incoming.state, "refused")
        self.assertRecordValues(
            document.delivery_ids, [{"state": "refused", "status_note": "Không đúng thẩm quyền"}]
        )

    def test_the_dialog_shows_each_step_its_own_words_and_button(self):
        arch = self.env[WIZARD].get_views([(False, "form")])["views"]["form"]["arch"]
        for words in (
            "Return to Drafter",
            "Yes, Cancel the Document",
            "Recall Document",
            "Refuse Document",
            "Every recipient is told",
            "The sender sees this reason.",
        ):
            with self.subTest(words=words):
                self.assertIn(words, arch)
