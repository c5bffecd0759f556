"""What an official meets every day, checked on the server: the queue they land on, the
signers offered, the lines suggested from the signer, files checked when chosen, a short
confirmation after each step, a refusal that says who moved the document on, the trail in
words, and deletion refused in words (the browser side is in test_ui_daily.py)."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.snn_docflow.exceptions import StepTakenError

from .common import PDF_BYTES, DocflowCase

PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestDailyUse(DocflowCase):
    def test_each_role_lands_on_its_own_queue(self):
        mine = ("snn_docflow.snn_document_action_mine", "search_default_my_documents")
        waiting = (
            "snn_docflow.snn_document_action_waiting",
            "search_default_filter_activities_my",
        )
        expected = {self.drafter: mine, self.head: waiting, self.director: waiting}
        expected[self.clerk] = waiting
        root = self.env.ref("snn_docflow.snn_document_menu_root")
        self.assertEqual(root.action, self.env.ref("snn_docflow.snn_document_action_my_queue"))
        discuss = self.env.ref("mail.menu_root_discuss")
        self.assertLess(root.sequence, discuss.sequence, "the first app, before Discuss")
        for user, (xmlid, default_filter) in expected.items():
            with self.subTest(user=user.login):
                action = (
                    self.env.ref("snn_docflow.snn_document_action_my_queue").with_user(user).run()
                )
                self.assertEqual(action["id"], self.env.ref(xmlid).id)
                self.assertIn(default_filter, action["context"])
        waiting = self.env.ref("snn_docflow.snn_document_action_waiting")
        # A phone opens the queue as cards one under the other, not the chain's columns.
        self.assertEqual(waiting.mobile_view_mode, "kanban")
        kanban = waiting.view_ids.filtered(lambda v: v.view_mode == "kanban").view_id
        self.assertEqual(kanban, self.env.ref("snn_docflow.snn_document_view_kanban_queue"))
        views = self.env["snn.document"].get_views([(kanban.id, "kanban")])["views"]
        self.assertNotIn("default_group_by", views["kanban"]["arch"])

    def test_the_systray_filter_is_the_waiting_filter(self):
        """Odoo's activity menu opens a model with search_default_filter_activities_my: the
        filter of that name is ours, 'Waiting for Me', and no other default it sends exists
        (overdue/today would narrow the list to a part of what waits)."""
        arch = self.env["snn.document"].get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="filter_activities_my"', arch)
        self.assertNotIn('name="activities_overdue"', arch)
        self.assertNotIn('name="activities_today"', arch)
        document = self.walk(self.make_draft(), "head_review")
        waiting = (
            self.env["snn.document"]
            .with_user(self.head)
            .search([("activity_ids.user_id", "=", self.head.id)])
        )
        self.assertIn(document, waiting)
        groups = {g["model"]: g for g in self.head.with_user(self.head)._get_activity_groups()}
        self.assertGreaterEqual(
            groups["snn.document"]["total_count"], 1, "due today: counted by the systray"
        )

    def test_only_directors_by_their_own_role_are_offered_as_signers(self):
        domain = self.env["snn.document"]._fields["signer_id"].domain(self.env["snn.document"])
        offered = self.env["res.users"].search(domain)
        self.assertIn(self.director, offered)
        self.assertIn(self.director2, offered)
        for user in (self.manager, self.env.ref("base.user_admin"), self.clerk, self.head):
            self.assertNotIn(user, offered, user.login)

    def test_the_signature_lines_are_suggested_from_the_signer(self):
        self.env["hr.employee"].search([("user_id", "=", self.director.id)]).unlink()
        self._employee(self.director).job_title = "Phó Giám đốc"
        self._employee(self.director2).job_title = "Giám đốc"
        document = self.env["snn.document"].with_user(self.drafter).new({})
        document.signer_id = self.director
        document._onchange_signer_suggest_lines()
        self.assertEqual(document.signer_authority, "KT. GIÁM ĐỐC")
        self.assertEqual(document.signer_position, "PHÓ GIÁM ĐỐC")
        document.signer_id = self.director2
        document._onchange_signer_suggest_lines()
        self.assertFalse(document.signer_authority)
        self.assertEqual(document.signer_position, "GIÁM ĐỐC")

    def test_a_wrong_file_is_refused_when_chosen_and_the_draft_keeps_its_file(self):
        draft = self.make_draft()
        cases = {
            "photo.png": (PNG_BYTES, "PDF"),  # what is accepted: PDF (and office files)
            "broken.pdf": (b"%PDF-1.4\nthis is not a PDF body at all", "damaged PDF"),
        }
        for name, (data, said) in cases.items():
            with self.subTest(file=name):
                form = draft.with_user(self.drafter).new(
                    {"file": base64.b64encode(data), "file_name": name}, origin=draft
                )
                result = form._onchange_file_check_upload()
                self.assertIn(said, result["warning"]["message"])
                self.assertIn(name, result["warning"]["message"])
                self.assertEqual(base64.b64decode(form.file), PDF_BYTES, "the draft's file back")
                self.assertEqual(form.file_name, "218-SNN-VP.pdf")
        good = draft.with_user(self.drafter).new(
            {"file": base64.b64encode(PDF_BYTES), "file_name": "new.pdf"}, origin=draft
        )
        self.assertIsNone(good._onchange_file_check_upload())

    def test_each_step_answers_with_a_confirmation_naming_who_is_next(self):
        document = self.make_draft()
        answers = {
            "action_submit": (self.drafter, "Lê Thị Trưởng"),
            "action_forward": (self.head, "Nguyễn Công Hàm"),
            "action_approve": (self.director, "clerks"),
        }
        for method, (user, named) in answers.items():
            with self.subTest(step=method):
                answer = getattr(document.with_user(user), method)()
                self.assertEqual(answer["tag"], "display_notification")
                self.assertIn(named, answer["params"]["message"])
                # Handed on: the user goes on from their queue (test_handed_on.py).
                self.assertEqual(answer["params"]["next"]["target"], "main")

    def test_a_step_someone_else_took_first_says_who_and_when(self):
        document = self.walk(self.make_draft(), "approved")
        other_clerk = self.clerk.copy({"login": "t_clerk_b", "name": "Clerk B"})
        document.with_user(other_clerk).action_issue()
        with self.assertRaisesExactly(StepTakenError) as caught:
            document.with_user(self.clerk).action_issue()
        message = str(caught.exception)
        self.assertIn("Clerk B", message)
        self.assertIn("Issued", message)
        self.assertRegex(message, r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}")

    def test_the_trail_reads_in_words(self):
        document = self.walk(self.make_draft(), "head_review")
        row = document.approval_ids[-1]
        self.assertEqual((row.from_state, row.to_state), ("draft", "head_review"))
        self.assertEqual((row.from_state_label, row.to_state_label), ("Draft", "Head Review"))

    def test_deleting_a_document_with_its_chatter_says_why_it_cannot(self):
        document = self.walk(self.make_draft(), "issued").with_context(tracking_disable=False)
        document.message_post(body="Đã gửi bản giấy.")
        for user in (self.manager, self.drafter):
            with self.subTest(user=user.login), self.assertRaisesExactly(UserError) as caught:
                document.with_user(user).unlink()
            self.assertIn("Cancel it instead", str(caught.exception))
        self.assertTrue(document.message_ids, "the chatter is still there")

    def test_the_ends_of_the_chain_are_folded_in_the_kanban(self):
        self.walk(self.make_draft(), "issued")
        groups = (
            self.env["snn.document"]
            .with_context(read_group_expand=True)
            .web_read_group(
                [], ["state"], ["__count"], auto_unfold=True, unfold_read_specification={"id": {}}
            )["groups"]
        )
        folded = {g["state"]: "__records" not in g for g in groups}
        self.assertTrue(folded["issued"])
        self.assertTrue(folded["cancelled"])
        self.assertFalse(folded["draft"])
        self.assertFalse(folded["head_review"])

    def test_a_reason_is_its_authors_and_the_step_asks_for_it(self):
        """No "Missing required fields" from the web client: the step says what is missing;
        and a reason being typed is read by its author only (Odoo 19 transient records)."""
        document = self.walk(self.make_draft(), "head_review")
        Wizard = self.env["snn.document.reason.wizard"]
        wizard = Wizard.with_user(self.head).create({"document_id": document.id, "mode": "return"})
        with self.assertRaisesExactly(UserError) as caught:
            wizard.action_confirm()
        self.assertIn("a return needs a reason", str(caught.exception))
        self.assertEqual(document.state, "head_review")
        for user in (self.manager, self.head2, self.drafter):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                wizard.with_user(user).read(["reason"])
        title = document.with_user(self.head).action_open_return_wizard()["name"]
        self.assertEqual(title, "Return to Drafter", "the dialog is not titled 'Odoo'")
