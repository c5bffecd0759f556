import base64
import http.server
import json
import shutil
import tempfile
import threading
from pathlib import Path

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from snn_sign import verify_pdf
from snn_sign.bridge.local_request import new_request_key
from snn_sign_testkit.demo_bridge import free_port
from snn_sign_testkit.local_bridge import start_local_bridge

from .common import (
    approved_letter,
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    pdfsig,
    put_secret,
    start_demo_bridge,
)


@tagged("post_install", "-at_install")
class TestUiPcTokenSigning(HttpCase):
    """In a real browser (headless Chromium) as the clerk, whose organisation's seal is on the
    token of their PC: a token bridge in the "local" profile on 127.0.0.1 (the SoftHSM2 token),
    allowing this Odoo's origin only. The official's confirmation on the bridge's page (another
    window, of another origin) is made by a thread that opens that page and posts its form, as
    the official's browser would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        running = start_demo_bridge(cls)
        pki = demo_pki()
        workdir = Path(tempfile.mkdtemp(prefix="snn-pc-ui-"))
        cls.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
        private_pem, public_b64 = new_request_key()
        key_file = workdir / "request.key"
        key_file.write_bytes(private_pem)
        put_secret(cls.secrets_dir, cls.env.company, "request.key", key_file)
        origin = f"http://127.0.0.1:{config['http_port']}"
        cls.pc = start_local_bridge(workdir / "pc", pki, odoo_key_b64=public_b64, origins=(origin,))
        cls.addClassCleanup(cls.pc.stop)
        g = "snn_docflow.group_"
        cls.users = {
            role: new_test_user(cls.env, f"ptour_{role}", f"{g}{role}", name=f"PC tour {role}")
            for role in ("drafter", "head", "clerk")
        }
        cls.director = new_test_user(
            cls.env, "ptour_director", f"{g}director", name=pki.signer_name
        )
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(running))
        cls.env.company.write(
            {
                "snn_org_code": "SNN",
                **company_signing_values(bridge, pki),
                "snn_seal_sign_mode": "local",
                "snn_seal_local_key": pki.seal_label,
                "snn_seal_local_certificate": pki.seal_cert.read_text() + pki.ca_cert.read_text(),
                "snn_local_bridge_url": cls.pc.url,
                "snn_local_request_key_file": "request.key",
            }
        )
        cls.director.write(director_signing_values(bridge, pki))
        cls.ca = pki.ca_cert.read_bytes()

    def another_site(self):
        """A page of another origin: a bare web server on another port of 127.0.0.1."""

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"<!DOCTYPE html><title>another site</title>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_port}/"

    def letter(self, tag):
        return approved_letter(
            self.env, self.users, self.director, f"Tour: {tag}", tag, file_name="220.pdf"
        )

    def test_the_clerk_issues_and_seals_with_the_token_of_their_pc(self):
        document = self.letter("ký bằng token trên máy")
        official = self.pc.confirming_official()
        self.addCleanup(official.stop)
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{document.id}",
            "snn_signing_clerk_issues_with_pc_token",
            login="ptour_clerk",
        )
        self.assertFalse(official.errors)
        self.assertEqual(len(official.confirmed), 1, "one confirmation for the one seal")
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.code, "01/SNN-VP")
        signed = base64.b64decode(document.signed_file)
        report = verify_pdf(signed, [self.ca])
        self.assertTrue(report.ok, report.to_dict())
        output, status = pdfsig(signed)
        self.assertEqual(status, 0, output)
        self.assertEqual(output.count("Signature is Valid."), 2, output)
        seal = document.signature_ids.sorted("sequence")[1]
        self.assertEqual((seal.kind, seal.key_label), ("organization", "seal"))

    def test_without_the_bridge_the_clerk_is_told_and_nothing_is_numbered(self):
        document = self.letter("bridge chưa chạy")
        self.env.company.snn_local_bridge_url = f"http://127.0.0.1:{free_port()}"
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{document.id}",
            "snn_signing_pc_token_bridge_absent",
            login="ptour_clerk",
        )
        self.assertEqual(document.state, "approved")
        self.assertFalse(document.number)
        self.assertFalse(document.signature_request_ids)

    def test_another_page_a_replay_or_an_alteration_gets_nothing_in_the_browser(self):
        """Chromium, with the envelope Odoo made for this document's seal in hand: a page of
        another origin (another port of this PC) is stopped by the
        bridge's CORS before anything is posted; on Odoo's own origin the envelope is taken
        once, then refused as replayed, and an altered one as not signed by Odoo."""
        base_url = self.base_url()
        self.env["ir.config_parameter"].set_param("web.base.url", base_url)
        document = self.letter("trang web khác")
        clerk = self.users["clerk"]
        document.with_user(clerk).action_issue()
        request = document.signature_request_ids
        envelope = request.with_user(clerk).get_local_envelope()["envelope"]
        altered = {**envelope, "payload": envelope["payload"][:-4] + "AAAA"}
        post = f"""
            const post = async (body) => {{
                try {{
                    const response = await fetch("{self.pc.url}/v1/local/requests", {{
                        method: "POST",
                        headers: {{"Content-Type": "application/json"}},
                        body: JSON.stringify(body),
                    }});
                    return `${{response.status}} ${{(await response.json()).code || ""}}`.trim();
                }} catch (error) {{
                    return "blocked";  // CORS: the page may not even read the refusal
                }}
            }};
            const envelope = {json.dumps(envelope)};
            const altered = {json.dumps(altered)};
        """
        expect = """
            const got = [];
            for (const body of bodies) {
                got.push(await post(body));
            }
            if (JSON.stringify(got) === JSON.stringify(expected)) {
                console.log("test successful");
            } else {
                console.error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
            }
        """
        help_page = "/snn_signing/static/src/pc_token/help.html"
        self.browser_js(
            self.another_site(),
            f"(async () => {{{post} const bodies = [envelope]; const expected = ['blocked'];"
            f"{expect}}})();",
        )
        self.assertIn("origin-not-allowed", self.pc.log_text())
        self.assertNotIn(request.local_request_id, self.pc.log_text())
        self.browser_js(
            base_url + help_page,
            f"(async () => {{{post} const bodies = [envelope, envelope, altered];"
            f"const expected = ['201', '409 replayed', '403 bad_signature'];{expect}}})();",
        )
        self.assertEqual(self.pc.log_text().count(request.local_request_id), 1)
        self.assertEqual((document.state, request.state), ("approved", "waiting"))
        self.assertFalse(document.signed_file)
