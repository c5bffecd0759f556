import base64
import secrets

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import (
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    start_demo_bridge,
)


@tagged("post_install", "-at_install")
class TestUiIssue(HttpCase):
    """In a real browser (headless Chromium): the clerk issues, and sees the signature panel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        running = start_demo_bridge(cls)
        pki = demo_pki()
        g = "snn_docflow.group_"
        users = {
            role: new_test_user(cls.env, f"stour_{role}", f"{g}{role}", name=f"Tour {role}")
            for role in ("drafter", "head", "clerk")
        }
        director = new_test_user(cls.env, "stour_director", f"{g}director", name=pki.signer_name)
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(running))
        cls.env.company.write({"snn_org_code": "SNN", **company_signing_values(bridge, pki)})
        director.write(director_signing_values(bridge, pki))
        head = cls.env["hr.employee"].create({"name": "Tour head", "user_id": users["head"].id})
        unit = cls.env["hr.department"].create(
            {"name": "Văn phòng", "snn_code": "VP", "manager_id": head.id}
        )
        register = cls.env["snn.register"].create({"name": "Sổ đi (tour ký số)"})
        letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (tour ký số)", "register_id": register.id}
        )
        from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

        document = (
            cls.env["snn.document"]
            .with_user(users["drafter"])
            .create(
                {
                    "subject": "Tour: ký số văn bản đi",
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "signer_id": director.id,
                    "file": base64.b64encode(make_letter_pdf() + secrets.token_hex(4).encode()),
                    "file_name": "218.pdf",
                    "recipient_ids": [
                        Command.create({"partner_id": cls.env.company.partner_id.id})
                    ],
                }
            )
        )
        document.with_user(users["drafter"]).action_submit()
        document.with_user(users["head"]).action_forward()
        document.with_user(director).action_approve()
        cls.document = document

    def test_the_clerk_issues_and_sees_the_signatures(self):
        self.start_tour("/odoo", "snn_signing_clerk_issues_and_signs", login="stour_clerk")
        self.assertEqual(self.document.state, "issued")
        self.assertTrue(self.document.esign)
        self.assertEqual(len(self.document.signature_ids), 2)
