from odoo.tests import HttpCase, new_test_user, tagged

from .common import (
    approved_letter,
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    start_demo_bridge,
    start_director_csc,
)


@tagged("post_install", "-at_install")
class TestUiRemoteSigning(HttpCase):
    """In a real browser (headless Chromium): the director, whose key is at a remote-signing
    service (the test kit's CSC service on 127.0.0.1), signs the document the clerk numbered,
    with their PIN in the dialog; a wrong PIN is said there and signs nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        running = start_demo_bridge(cls)
        pki = demo_pki()
        _csc, service = start_director_csc(cls, cls.env.company, pki, pin="246810")
        g = "snn_docflow.group_"
        users = {
            role: new_test_user(cls.env, f"rtour_{role}", f"{g}{role}", name=f"Tour {role}")
            for role in ("drafter", "head", "clerk")
        }
        director = new_test_user(cls.env, "rtour_director", f"{g}director", name=pki.signer_name)
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(running))
        cls.env.company.write({"snn_org_code": "SNN", **company_signing_values(bridge, pki)})
        director.write(
            {
                **director_signing_values(bridge, pki),
                "snn_sign_mode": "remote",
                "snn_csc_service_id": service.id,
                "snn_csc_credential": "director-key",
                "snn_csc_token_file": "director.csc-token",
            }
        )
        document = approved_letter(
            cls.env, users, director, "Tour: ký số từ xa", "tour ký từ xa", file_name="219.pdf"
        )
        document.with_user(users["clerk"]).action_issue()
        cls.document = document

    def test_the_director_signs_with_their_pin(self):
        self.assertEqual(self.document.state, "approved")
        self.assertEqual(self.document.code, "01/SNN-VP")
        self.start_tour("/odoo", "snn_signing_director_signs_remotely", login="rtour_director")
        self.assertEqual(self.document.state, "issued")
        self.assertEqual(len(self.document.signature_ids), 2)
