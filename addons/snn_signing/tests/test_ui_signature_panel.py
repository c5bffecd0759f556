"""The signature panel of an issued, really signed document, in a real browser (headless
Chromium), as the clerk and the director read it, on a desktop and on a phone: who signed and
when in Vietnamese words and Vietnam time, the verdict as Adobe Reader words it, what was not
checked, nothing raw (X.509 names, codes, ISO times, hashes) until the details are unfolded."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import (
    approved_letter,
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
        document = approved_letter(
            cls.env,
            users,
            director,
            "Bảng chữ ký: văn bản đã ký số",
            "bảng chữ ký",
            file_name="panel.pdf",
        )
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
