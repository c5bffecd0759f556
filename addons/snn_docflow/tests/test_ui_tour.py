import base64

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PDF_BYTES


class TourCase(HttpCase):
    """A drafting unit, its four officials and one draft of a letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"snn_org_code": "SNN"})
        g = "snn_docflow.group_"
        users = {
            role: new_test_user(cls.env, f"tour_{role}", f"{g}{role}", name=f"Tour {role}")
            for role in ("drafter", "head", "director", "clerk")
        }
        cls.users = users
        head_employee = cls.env["hr.employee"].create(
            {"name": "Tour head", "user_id": users["head"].id}
        )
        unit = cls.env["hr.department"].create(
            {"name": "Văn phòng", "snn_code": "VP", "manager_id": head_employee.id}
        )
        register = cls.env["snn.register"].create({"name": "Sổ đi (tour)"})
        letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (tour)", "register_id": register.id}
        )
        cls.document = (
            cls.env["snn.document"]
            .with_user(users["drafter"])
            .create(
                {
                    "subject": "Tour: triển khai chữ ký số",
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "signer_id": users["director"].id,
                    "file": base64.b64encode(PDF_BYTES),
                    "file_name": "tour.pdf",
                    "recipient_ids": [
                        Command.create({"partner_id": cls.env.company.partner_id.id})
                    ],
                }
            )
        )


@tagged("post_install", "-at_install")
class TestUiTour(TourCase):
    """The whole chain in a real browser (headless Chromium), each step as its own person."""

    def test_chain_in_the_browser(self):
        """Each step leaves for the queue with its confirmation (never an access error about
        the document just handed on), and the document stays open to whoever acted on it;
        the director and the clerk send it back too."""
        steps = [
            ("snn_docflow_drafter_submits", "drafter", "head_review"),
            ("snn_docflow_head_returns", "head", "draft"),
            ("snn_docflow_drafter_resubmits", "drafter", "head_review"),
            ("snn_docflow_head_forwards", "head", "director_review"),
            ("snn_docflow_director_returns", "director", "draft"),
            ("snn_docflow_drafter_resubmits", "drafter", "head_review"),
            ("snn_docflow_head_forwards", "head", "director_review"),
            ("snn_docflow_director_approves", "director", "approved"),
            ("snn_docflow_clerk_returns", "clerk", "draft"),
            ("snn_docflow_drafter_resubmits", "drafter", "head_review"),
            ("snn_docflow_head_forwards", "head", "director_review"),
            ("snn_docflow_director_approves", "director", "approved"),
            ("snn_docflow_clerk_issues", "clerk", "issued"),
        ]
        for tour, role, state in steps:
            with self.subTest(tour=tour):
                if tour == "snn_docflow_drafter_resubmits":
                    reason = self.document.approval_ids[-1].comment
                    self.assertIn(reason, self.document.return_reason)
                self.start_tour("/odoo", tour, login=f"tour_{role}")
                self.assertEqual(self.document.state, state)
        self.assertEqual(self.document.code, "01/SNN-VP")
        trail = self.document.approval_ids
        self.assertEqual(
            trail.mapped("action"),
            "submit return submit forward return submit forward approve "
            "return submit forward approve check_format issue".split(),
        )
        check = trail.filtered(lambda row: row.action == "check_format")
        self.assertEqual(check.user_id, self.users["clerk"])
        self.assertFalse(check.comment, "checked by its button, not at issue")
        clerk_return = trail.filtered(
            lambda row: row.action == "return" and row.from_state == "approved"
        )
        self.assertEqual(clerk_return.user_id, self.users["clerk"])
        self.assertEqual(clerk_return.comment, "Sai thể thức: thiếu nơi nhận Lưu: VT")

    def test_whole_names_in_the_queue(self):
        self.users["drafter"].name = "Nguyễn Thị Phương Thảo"
        self.users["director"].name = "Hoàng Thị Minh Nguyệt"
        self.document.with_user(self.users["drafter"]).action_submit()
        self.start_tour("/odoo", "snn_docflow_whole_names", login="tour_head")

    def test_the_cancel_dialog_of_a_draft(self):
        url = f"/odoo/action-snn_docflow.snn_document_action/{self.document.id}"
        self.start_tour(url, "snn_docflow_cancel_dialog", login="tour_drafter")
        self.assertEqual(self.document.state, "draft")

    def test_replacing_an_issued_document(self):
        users, document = self.users, self.document
        for user, step in (
            ("drafter", "action_submit"),
            ("head", "action_forward"),
            ("director", "action_approve"),
            ("clerk", "action_issue"),
        ):
            getattr(document.with_user(users[user]), step)()
        self.assertEqual(document.code, "01/SNN-VP")
        url = f"/odoo/action-snn_docflow.snn_document_action/{document.id}"
        self.start_tour(url, "snn_docflow_drafter_replaces", login="tour_drafter")
        draft = self.env["snn.document"].search([("replaces_id", "=", document.id)])
        self.assertRecordValues(draft, [{"state": "draft", "drafter_id": users["drafter"].id}])
        self.assertFalse(document.replaced_by_id, "in force until the new one is issued")


@tagged("post_install", "-at_install")
class TestUiTourPhone(TourCase):
    """On a phone the director and the clerk find "Return" on the page and land on their
    queue; the PDF comes before the fields."""

    browser_size = "390x844"
    touch_enabled = True

    def test_return_on_a_phone(self):
        document = self.document
        drafter, head, director, clerk = (
            self.users[role] for role in ("drafter", "head", "director", "clerk")
        )
        document.with_user(drafter).action_submit()
        document.with_user(head).action_forward()
        url = f"/odoo/action-snn_docflow.snn_document_action_waiting/{document.id}"
        self.start_tour(url, "snn_docflow_phone_return", login="tour_director")
        self.assertEqual(document.state, "draft")
        document.with_user(drafter).action_submit()
        document.with_user(head).action_forward()
        document.with_user(director).action_approve()
        self.start_tour(url, "snn_docflow_phone_return", login="tour_clerk")
        self.assertEqual(document.state, "draft")
        self.assertEqual(
            document.approval_ids.filtered(lambda row: row.action == "return").user_id,
            director | clerk,
        )
