"""The signature panel of an issued, really signed document, in a real browser (headless
Chromium), as the clerk and the director read it, on a desktop and on a phone: who signed and
when in Vietnamese words and Vietnam time, the verdict as Adobe Reader words it, what was not
checked, nothing raw (X.509 names, codes, ISO times, hashes) until the details are unfolded."""

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


class SignaturePanelCase(HttpCase):
    """One document of the demo organisation, issued and signed by the director's key and the
    seal through a real token bridge; the clerk and the director read Vietnamese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        running = start_demo_bridge(cls)
        pki = demo_pki()
        cls.env["res.lang"]._activate_lang("vi_VN")
        modules = cls.env["ir.module.module"].search([("state", "=", "installed")])
        modules._load_module_terms(modules.mapped("name"), ["vi_VN"])
        g = "snn_docflow.group_"
        users = {
            role: new_test_user(
                cls.env, f"spanel_{role}", f"{g}{role}", name=f"Panel {role}", lang="vi_VN"
            )
            for role in ("drafter", "head", "clerk")
        }
        director = new_test_user(
            cls.env, "spanel_director", f"{g}director", name=pki.signer_name, lang="vi_VN"
        )
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(running))
        cls.env.company.write({"snn_org_code": "SNN", **company_signing_values(bridge, pki)})
        director.write(director_signing_values(bridge, pki))
        head = cls.env["hr.employee"].create({"name": "Panel head", "user_id": users["head"].id})
        unit = cls.env["hr.department"].create(
            {"name": "Văn phòng", "snn_code": "VP", "manager_id": head.id}
        )
        register = cls.env["snn.register"].create({"name": "Sổ đi (bảng chữ ký)"})
        letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (bảng chữ ký)", "register_id": register.id}
        )
        from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

        document = (
            cls.env["snn.document"]
            .with_user(users["drafter"])
            .create(
                {
                    "subject": "Bảng chữ ký: văn bản đã ký số",
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "signer_id": director.id,
                    "file": base64.b64encode(make_letter_pdf() + secrets.token_hex(4).encode()),
                    "file_name": "panel.pdf",
                    "recipient_ids": [
                        Command.create({"partner_id": cls.env.company.partner_id.id})
                    ],
                }
            )
        )
        document.with_user(users["drafter"]).action_submit()
        document.with_user(users["head"]).action_forward()
        document.with_user(director).action_approve()
        document.with_user(users["clerk"]).action_issue()
        cls.document = document.with_env(cls.env)

    def read_the_panel(self):
        self.assertEqual(self.document.state, "issued")
        self.assertEqual(len(self.document.signature_ids), 2)
        url = f"/odoo/action-snn_docflow.snn_document_action/{self.document.id}"
        for login in ("spanel_clerk", "spanel_director"):
            with self.subTest(login=login):
                self.start_tour(url, "snn_signing_signature_panel", login=login)


@tagged("post_install", "-at_install")
class TestUiSignaturePanel(SignaturePanelCase):
    browser_size = "1366x900"

    def test_the_panel_reads_plainly_on_a_desktop(self):
        self.read_the_panel()


@tagged("post_install", "-at_install")
class TestUiSignaturePanelPhone(SignaturePanelCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_the_panel_reads_plainly_on_a_phone(self):
        self.read_the_panel()
