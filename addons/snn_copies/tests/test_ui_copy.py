import base64

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.snn_signing.tests.common import (
    approved_letter,
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    pdfsig,
    start_demo_bridge,
)

from snn_sign import verify_pdf
from snn_sign.extract import pdf_page_count


@tagged("post_install", "-at_install")
class TestUiCopy(HttpCase):
    """In a real browser (headless Chromium), as the clerk: an extract copy of an issued,
    e-signed letter, sealed by the token bridge of the server (a SoftHSM2 token)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        running = start_demo_bridge(cls)
        pki = demo_pki()
        g = "snn_docflow.group_"
        cls.users = {
            role: new_test_user(cls.env, f"ctour_{role}", f"{g}{role}", name=f"Copy tour {role}")
            for role in ("drafter", "head", "clerk")
        }
        director = new_test_user(cls.env, "ctour_director", f"{g}director", name=pki.signer_name)
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(running))
        cls.env.company.write({"snn_org_code": "SNN", **company_signing_values(bridge, pki)})
        director.write(director_signing_values(bridge, pki))
        cls.document = approved_letter(
            cls.env, cls.users, director, "Tour: trích sao", "tour trích sao", file_name="221.pdf"
        )
        cls.document.with_user(cls.users["clerk"]).action_issue()
        cls.ca = pki.ca_cert.read_bytes()

    def test_the_clerk_makes_an_extract_copy(self):
        self.assertEqual(self.document.state, "issued")
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{self.document.id}",
            "snn_copy_clerk_makes_extract",
            login="ctour_clerk",
        )
        (copy,) = self.document.copy_ids
        self.assertEqual((copy.code, copy.form, copy.pages), ("01/TS", "trich_sao", "1"))
        self.assertEqual(copy.made_by_id, self.users["clerk"])
        pdf = base64.b64decode(copy.file)
        self.assertTrue(verify_pdf(pdf, [self.ca]).ok)
        output, status = pdfsig(pdf)
        self.assertEqual((status, output.count("Signature is Valid.")), (0, 1), output)
        self.assertEqual(pdf_page_count(pdf), 1)
