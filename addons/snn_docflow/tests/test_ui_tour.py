import base64

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PDF_BYTES


@tagged("post_install", "-at_install")
class TestUiTour(HttpCase):
    """The whole chain in a real browser (headless Chromium), each step as its own person."""

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

    def test_chain_in_the_browser(self):
        steps = [
            ("snn_docflow_drafter_submits", "drafter", "head_review"),
            ("snn_docflow_head_returns", "head", "draft"),
            ("snn_docflow_drafter_resubmits", "drafter", "head_review"),
            ("snn_docflow_head_forwards", "head", "director_review"),
            ("snn_docflow_director_approves", "director", "approved"),
            ("snn_docflow_clerk_issues", "clerk", "issued"),
        ]
        for tour, role, state in steps:
            with self.subTest(tour=tour):
                self.start_tour("/odoo", tour, login=f"tour_{role}")
                self.assertEqual(self.document.state, state)
        self.assertEqual(self.document.code, "01/SNN-VP")
        self.assertEqual(
            self.document.approval_ids.mapped("action"),
            ["submit", "return", "submit", "forward", "approve", "issue"],
        )
