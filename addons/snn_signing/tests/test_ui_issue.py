from odoo.tests import HttpCase, new_test_user, tagged

from .common import (
    approved_letter,
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
        document = approved_letter(
            cls.env, users, director, "Tour: ký số văn bản đi", "tour ký số", file_name="218.pdf"
        )
        cls.document = document

    def test_the_clerk_issues_and_sees_the_signatures(self):
        self.start_tour("/odoo", "snn_signing_clerk_issues_and_signs", login="stour_clerk")
        self.assertEqual(self.document.state, "issued")
        self.assertTrue(self.document.esign)
        self.assertEqual(len(self.document.signature_ids), 2)
