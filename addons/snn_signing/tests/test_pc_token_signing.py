"""Signing with the token on an official's PC (the token bridge's "local" profile): a real bridge
subprocess on 127.0.0.1 with the SoftHSM2 token, Odoo's Ed25519 request key in the company's
secrets directory. What the web client does is done here over HTTP, as the browser would (its
Origin header, the confirmation page's form); test_ui_pc_token_signing runs it in Chromium.

Also the modes mixed in one document: the director's key at a remote-signing service (CSC), the
seal on the clerk's PC."""

import base64
import shutil
import tempfile
from pathlib import Path

import requests

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from snn_sign import verify_pdf
from snn_sign.bridge.local_request import new_request_key
from snn_sign_testkit.local_bridge import start_local_bridge

from .common import SigningCase, appendices, pdfsig, put_secret, start_director_csc

CSC_PIN = "246810"
SEAL_PIN = "135791"
REQUEST_KEY = "odoo-request.key"


def set_up_pc_tokens(test_class):
    """Odoo's request key for the class's company, a local bridge for the web client's origin
    (web.base.url when no browser asks), and the seal's key on that PC's token."""
    pki = test_class.running.pki
    workdir = Path(tempfile.mkdtemp(prefix="snn-pc-token-"))
    test_class.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
    private_pem, public_b64 = new_request_key()
    key_file = workdir / REQUEST_KEY
    key_file.write_bytes(private_pem)
    put_secret(test_class.secrets_dir, test_class.company, REQUEST_KEY, key_file)
    origin = test_class.env["snn.signature.request"]._web_client_origin()
    test_class.pc = start_local_bridge(
        workdir / "pc", pki, odoo_key_b64=public_b64, origins=(origin,)
    )
    test_class.addClassCleanup(test_class.pc.stop)
    test_class.origin = origin
    test_class.public_key = public_b64
    test_class.company.with_user(test_class.manager).write(
        {
            "snn_local_bridge_url": test_class.pc.url,
            "snn_local_request_key_file": REQUEST_KEY,
        }
    )


def pem_chain(pki, certificate):
    return certificate.read_text() + pki.ca_cert.read_text()


@tagged("post_install", "-at_install")
class TestPcTokenSigning(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_pc_tokens(cls)
        pki = cls.running.pki
        cls.company.with_user(cls.manager).write(
            {
                "snn_seal_sign_mode": "local",
                "snn_seal_local_key": pki.seal_label,
                "snn_seal_local_certificate": pem_chain(pki, pki.seal_cert),
            }
        )

    # ------------------------------------------------------------------ the web client's part

    def envelope(self, request, user):
        return request.with_user(user).get_local_envelope()

    def post(self, data, origin=None):
        return self.pc.api(
            "POST", "/v1/local/requests", origin=origin or self.origin, json=data["envelope"]
        )

    def signature_at_the_pc(self, request, user):
        """What the dialog does: envelope, bridge, the official confirms, the value back."""
        data = self.envelope(request, user)
        self.assertEqual(data["bridge_url"], self.pc.url)
        created = self.post(data)
        self.assertEqual(created.status_code, 201, created.text)
        created = created.json()
        self.pc.confirm(created["id"])
        status = self.pc.api(
            "GET", f"/v1/local/requests/{created['id']}", origin=self.origin
        ).json()
        self.assertEqual(status["status"], "signed", status)
        return created["request_id"], status["signature"], status["more_signatures"]

    def sign_at_the_pc(self, request, user):
        request_id, signature, more = self.signature_at_the_pc(request, user)
        return request.with_user(user).action_submit_local_signature(request_id, signature, more)

    def waiting(self, document):
        return document.signature_request_ids.filtered(lambda r: r.state == "waiting")

    def issued_by_clerk(self):
        document = self.walk(self.make_letter(), "approved")
        self.assertTrue(document.with_user(self.clerk).issue_on_this_pc)
        self.assertFalse(document.with_user(self.head).issue_on_this_pc)
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "approved", "it waits for the clerk's token")
        self.assertTrue(document.code)
        request = self.waiting(document)
        self.assertEqual(
            (request.role, request.mode, request.holder_id), ("seal", "local", self.clerk)
        )
        return document, request

    # ------------------------------------------------------------------ tests

    def test_the_clerk_seals_on_their_pc(self):
        document, request = self.issued_by_clerk()
        code = document.code
        self.sign_at_the_pc(request, self.clerk)
        self.assert_issued_and_valid(document)
        self.assertEqual(document.code, code)
        personal, seal = document.signature_ids.sorted("sequence")
        self.assertEqual(personal.signer_name, self.director.name)
        self.assertEqual((seal.kind, seal.key_label), ("organization", "seal"))
        self.assertEqual(personal.signed_at.date(), seal.signed_at.date())
        steps = document.approval_ids.sorted("id")[-3:]
        self.assertEqual(
            steps.mapped("action"), ["await_signature", "authorize_signature", "issue"]
        )
        self.assertEqual(steps.mapped("user_id"), self.clerk + self.clerk + self.clerk)
        self.assertIn("Token on the PC of", steps[1].comment)
        self.assertEqual(
            steps[2].comment, "Signer's signature: token bridge of the server (key “signer”)"
        )
        # The bridge logged what it signed, for whom: the document's number.
        self.assertIn(code, self.pc.log_text())
        # The seal signed the trail's head too, in the same confirmation: the head as it was
        # when the seal was asked, the rows since chained to it.
        (anchor,) = document.anchor_ids
        self.assertEqual(anchor.head_hash, steps[0].hash)
        self.assertEqual(anchor.key_label, "seal")
        self.assertIn(self.company.snn_org_full_name or self.company.name, anchor.signer_subject)
        self.assertFalse(document._trail_anchor_problems())

    def test_the_attachments_are_sealed_on_the_pc_with_the_document(self):
        """One confirmation at the PC seals the document, each attachment and the trail."""
        appendix = self._letter()
        document = self.make_letter(attachment_ids=appendices(appendix))
        self.walk(document, "approved")
        document.with_user(self.clerk).action_issue()
        request = self.waiting(document)
        page = self.pc.api("GET", "/v1/local/keys", origin=self.origin)  # the bridge is there
        self.assertEqual(page.status_code, 200)
        data = self.envelope(request, self.clerk)
        created = self.post(data).json()
        confirmation = self.pc.confirm_page(created["confirm_url"]).text
        self.assertIn("Phụ lục I", confirmation)
        self.assertIn("Phụ lục II", confirmation)
        self.assertIn("4 signatures", confirmation)  # the document, two attachments, the trail
        self.pc.confirm(created["id"])
        status = self.pc.api("GET", f"/v1/local/requests/{created['id']}", origin=self.origin)
        status = status.json()
        self.assertEqual(len(status["more_signatures"]), 3)
        request.with_user(self.clerk).action_submit_local_signature(
            created["request_id"], status["signature"], status["more_signatures"]
        )
        self.assert_issued_and_valid(document)
        roots = [self.running.pki.ca_cert.read_bytes()]
        for attachment in document.attachment_ids.sorted("sequence"):
            sealed = attachment._file_bytes("sealed_file")
            self.assertTrue(sealed.startswith(attachment._file_bytes()))
            self.assertTrue(verify_pdf(sealed, roots).ok)
            output, code = pdfsig(sealed)
            self.assertEqual((code, output.count("Signature is Valid.")), (0, 1), output)
            self.assertRecordValues(
                attachment.signature_ids,
                [{"kind": "attachment", "valid": True, "key_label": "seal"}],
            )
        self.assertEqual(len(document.anchor_ids), 1)

    def test_a_replayed_altered_or_foreign_request_is_refused(self):
        document, request = self.issued_by_clerk()
        data = self.envelope(request, self.clerk)
        self.assertEqual(self.post(data, origin="https://evil.example").status_code, 403)
        payload = data["envelope"]["payload"]
        altered = {**data, "envelope": {**data["envelope"], "payload": "x" + payload[1:]}}
        self.assertIn(self.post(altered).status_code, (400, 403))
        self.assertEqual(self.post(data).status_code, 201)
        replayed = self.post(data)
        self.assertEqual(replayed.status_code, 409, replayed.text)
        self.assertEqual(replayed.json()["code"], "replayed")
        self.assertEqual(document.state, "approved")
        self.assertFalse(document.signed_file)

    def test_only_the_last_request_and_the_expected_key_count(self):
        document, request = self.issued_by_clerk()
        old_id, old_signature, old_more = self.signature_at_the_pc(request, self.clerk)
        self.envelope(request, self.clerk)  # a new request replaces it
        submit = request.with_user(self.clerk).action_submit_local_signature
        with self.assertRaisesRegex(UserError, "another request"):
            submit(old_id, old_signature, old_more)
        # The right request, a wrong value (the director's key, or nothing): refused.
        request_id, signature, more = self.signature_at_the_pc(request, self.clerk)
        forged = base64.b64encode(bytes(256)).decode()
        for value in (forged, "not base64!", ""):
            with self.subTest(value=value[:10]), self.assertRaises(UserError):
                submit(request_id, value, more)
        # The trail's signature missing, forged, or another one in its place: refused too.
        for other in ([], [forged], [signature], "AAAA", [*more, *more]):
            with self.subTest(more=str(other)[:10]), self.assertRaises(UserError):
                submit(request_id, signature, other)
        self.assertEqual(document.state, "approved")
        self.assertEqual(request.state, "waiting")
        self.assertFalse(document.signed_file)
        self.assertFalse(document.anchor_ids)
        submit(request_id, signature, more)
        self.assert_issued_and_valid(document)
        with self.assertRaises(UserError):  # one signature per request
            submit(request_id, signature, more)

    def test_nobody_but_the_clerk_who_issued_gets_or_gives_the_seal(self):
        _document, request = self.issued_by_clerk()
        for user in (self.director, self.head, self.drafter, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    request.with_user(user).get_local_envelope()
                with self.assertRaises(AccessError):
                    request.with_user(user).action_submit_local_signature("x" * 22, "AAAA")
        with self.assertRaises(UserError):  # a local request has no PIN/OTP dialog
            request.with_user(self.clerk).action_authorize(pin="1", otp="1")

    def test_the_pcs_key_and_certificate_are_checked_before_numbering(self):
        # What is not a certificate, or a bridge beyond the PC's loopback, is refused when set.
        with self.assertRaises(UserError):
            self.company.with_user(self.manager).write({"snn_seal_local_certificate": "nonsense"})
        with self.assertRaises(UserError):
            self.company.with_user(self.manager).write(
                {"snn_local_bridge_url": "http://bridge.example:8899"}
            )
        # No request key: said at the clerk's issue, nothing numbered.
        self.company.with_user(self.manager).write({"snn_local_request_key_file": "absent.key"})
        document = self.walk(self.make_letter(), "approved")
        with self.assertRaisesRegex(UserError, "absent.key"):
            document.with_user(self.clerk).action_issue()
        self.assertFalse(document.number)
        self.assertFalse(document.signature_request_ids)

    def test_the_manager_sees_the_public_request_key(self):
        company = self.company.with_user(self.manager)
        self.assertEqual(company.snn_local_request_public_key, self.public_key)
        with self.assertRaises(AccessError):
            _ = self.company.with_user(self.clerk).snn_local_request_public_key


@tagged("post_install", "-at_install")
class TestMixedSigningModes(SigningCase):
    """The director signs with their key at a remote-signing service, the seal is on the
    clerk's PC; then the director's key on the director's own PC, the seal on the server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_pc_tokens(cls)
        pki = cls.running.pki
        seal = {
            "id": "seal-key",
            "user": "organisation",
            "key_label": pki.seal_label,
            "certificates": [pki.seal_cert, pki.ca_cert],
            "pin": SEAL_PIN,
        }
        cls.csc, cls.service = start_director_csc(cls, cls.company, pki, pin=CSC_PIN, more=[seal])
        token = Path(tempfile.mkdtemp(prefix="snn-seal-token-")) / "seal.csc-token"
        cls.addClassCleanup(shutil.rmtree, token.parent, ignore_errors=True)
        token.write_text(cls.csc.tokens["organisation"])
        put_secret(cls.secrets_dir, cls.company, "seal.csc-token", token)

    sign_at_the_pc = TestPcTokenSigning.sign_at_the_pc
    signature_at_the_pc = TestPcTokenSigning.signature_at_the_pc
    envelope = TestPcTokenSigning.envelope
    post = TestPcTokenSigning.post
    waiting = TestPcTokenSigning.waiting

    def director_signs_remotely(self):
        self.director.with_user(self.manager).write(
            {
                "snn_sign_mode": "remote",
                "snn_csc_service_id": self.service.id,
                "snn_csc_credential": "director-key",
                "snn_csc_token_file": "director.csc-token",
            }
        )

    def test_personal_key_remote_and_seal_on_the_clerks_pc(self):
        pki = self.running.pki
        self.director_signs_remotely()
        self.company.with_user(self.manager).write(
            {
                "snn_seal_sign_mode": "local",
                "snn_seal_local_key": pki.seal_label,
                "snn_seal_local_certificate": pem_chain(pki, pki.seal_cert),
            }
        )
        document = self.walk(self.make_letter(), "approved")
        self.assertFalse(
            document.with_user(self.clerk).issue_on_this_pc, "the director signs first"
        )
        document.with_user(self.clerk).action_issue()
        personal = self.waiting(document)
        self.assertEqual((personal.mode, personal.holder_id), ("remote", self.director))
        personal.with_user(self.director).action_authorize(pin=CSC_PIN)
        self.assertEqual(document.state, "approved", "now the seal, on the clerk's PC")
        seal = self.waiting(document)
        self.assertEqual((seal.role, seal.mode, seal.holder_id), ("seal", "local", self.clerk))
        self.assertEqual(document.awaiting_signature_of, self.clerk)
        self.sign_at_the_pc(seal, self.clerk)
        self.assert_issued_and_valid(document)
        steps = document.approval_ids.sorted("id")[-5:]
        self.assertEqual(
            steps.mapped("action"),
            [
                "await_signature",
                "authorize_signature",
                "await_signature",
                "authorize_signature",
                "issue",
            ],
        )
        self.assertEqual(
            steps.mapped("user_id"),
            self.clerk + self.director + self.clerk + self.clerk + self.clerk,
        )
        self.assertIn("Remote signing service", steps[1].comment)
        self.assertIn("Token on the PC of", steps[3].comment)
        self.assertFalse(steps[4].comment, "both signatures were made elsewhere")
        labels = document.signature_ids.sorted("sequence").mapped("key_label")
        self.assertEqual(labels, ["director-key", "seal"])

    def test_personal_key_on_the_directors_pc_and_seal_on_the_server(self):
        pki = self.running.pki
        self.company.with_user(self.manager).write({"snn_seal_sign_mode": "server"})
        self.director.with_user(self.manager).write(
            {
                "snn_sign_mode": "local",
                "snn_local_key": pki.signer_label,
                "snn_local_certificate": pem_chain(pki, pki.signer_cert),
            }
        )
        document = self.walk(self.make_letter(), "approved")
        self.assertFalse(document.with_user(self.clerk).issue_on_this_pc)
        document.with_user(self.clerk).action_issue()
        request = self.waiting(document)
        self.assertEqual((request.mode, request.holder_id), ("local", self.director))
        with self.assertRaises(AccessError):
            request.with_user(self.clerk).get_local_envelope()
        action = document.with_user(self.director).action_sign_remotely()
        self.assertEqual(action["tag"], "snn_signing.pc_token_sign")
        self.sign_at_the_pc(request, self.director)
        self.assert_issued_and_valid(document)
        self.assertEqual(len(document.anchor_ids), 1, "the seal on the server anchors the trail")
        issue = document.approval_ids.sorted("id")[-1]
        self.assertEqual(issue.comment, "Seal: token bridge of the server (key “seal”)")

    def test_personal_key_and_seal_at_the_remote_service(self):
        """The director authorises their signature, then the clerk who issued the seal, with
        the organisation's PIN at the service; nobody else can."""
        self.director_signs_remotely()
        self.company.with_user(self.manager).write(
            {
                "snn_seal_sign_mode": "remote",
                "snn_csc_service_id": self.service.id,
                "snn_csc_credential": "seal-key",
                "snn_csc_token_file": "seal.csc-token",
            }
        )
        appendix = {"name": "Phụ lục", "file": base64.b64encode(self._letter()), "sequence": 1}
        document = self.make_letter(attachment_ids=[Command.create(appendix)])
        self.walk(document, "approved")
        document.with_user(self.clerk).action_issue()
        self.waiting(document).with_user(self.director).action_authorize(pin=CSC_PIN)
        seal = self.waiting(document)
        self.assertEqual((seal.role, seal.mode, seal.holder_id), ("seal", "remote", self.clerk))
        for user in (self.director, self.head, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                seal.with_user(user).action_authorize(pin=SEAL_PIN)
        with self.assertRaises(UserError):
            seal.with_user(self.clerk).action_authorize(pin="000000")
        self.assertEqual((document.state, seal.state), ("approved", "waiting"))
        self.assertFalse(document.signed_file)
        seal.with_user(self.clerk).action_authorize(pin=SEAL_PIN)
        self.assert_issued_and_valid(document)
        main = document.signature_ids.filtered(lambda s: s.kind != "attachment")
        self.assertEqual(main.sorted("sequence").mapped("key_label"), ["director-key", "seal-key"])
        # The one authorisation sealed the attachment and the trail's head too.
        self.assertEqual(document.attachment_ids.signature_ids.key_label, "seal-key")
        sealed = document.attachment_ids._file_bytes("sealed_file")
        self.assertTrue(verify_pdf(sealed, [self.running.pki.ca_cert.read_bytes()]).ok)
        self.assertEqual(pdfsig(sealed)[0].count("Signature is Valid."), 1)
        self.assertEqual(document.anchor_ids.key_label, "seal-key")
        self.assertFalse(document._trail_anchor_problems())
        steps = document.approval_ids.sorted("id")[-3:-1]
        self.assertEqual(steps.mapped("user_id"), self.clerk + self.clerk)
        self.assertIn("Remote signing service", steps[1].comment)

    def test_more_seals_than_one_authorisation_covers_are_refused_before_numbering(self):
        """The test service's credential covers 10 hashes per authorisation (multisign): the
        document, 9 attachments and the trail make 11."""
        self.company.with_user(self.manager).write(
            {
                "snn_seal_sign_mode": "remote",
                "snn_csc_service_id": self.service.id,
                "snn_csc_credential": "seal-key",
                "snn_csc_token_file": "seal.csc-token",
            }
        )
        numbered = [(n, str(n)) for n in range(1, 10)]
        document = self.make_letter(attachment_ids=appendices(self._letter(), numbered))
        self.walk(document, "approved")
        with self.assertRaisesRegex(UserError, "needs 11 seals at once.*at most 10"):
            document.with_user(self.clerk).action_issue()
        self.assertFalse(document.number)
        self.assertFalse(document.signature_request_ids)

    def test_the_bridge_answers_only_its_origin(self):
        """The origin bound into Odoo's request is the web client's: a page of another origin
        cannot use it even with the envelope in hand (CORS refused before anything)."""
        response = requests.get(
            self.pc.url + "/v1/local/keys", headers={"Origin": "https://evil.example"}, timeout=10
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
