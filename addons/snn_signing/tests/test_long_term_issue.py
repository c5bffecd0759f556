"""The clerk's issue asks the CA before anything is numbered and makes files that last (PAdES
B-LTA): with a demo PKI whose certificates name an OCSP responder and a CRL, and a
time-stamping authority, all on 127.0.0.1 (snn_sign_testkit.trust_services: real protocols,
standing in for VGCA's services, which cannot be reached from here), keys on a SoftHSM2 token
behind a real token bridge."""

import base64
import datetime as dt
import hashlib
import io
import secrets
import shutil
import socket
import tempfile
from pathlib import Path

from cryptography import x509
from freezegun import freeze_time
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from snn_sign import verify_pdf
from snn_sign_testkit.demo_bridge import start_bridge
from snn_sign_testkit.http_proxy import ForwardProxy
from snn_sign_testkit.pki import create_demo_pki
from snn_sign_testkit.sample_letter import make_letter_pdf
from snn_sign_testkit.trust_services import TrustServices

from .common import (
    BRIDGE_SECRET,
    SigningCase,
    bridge_values,
    company_signing_values,
    director_signing_values,
    pdfsig,
    put_secret,
)


@tagged("post_install", "-at_install")
class TestLongTermIssue(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        workdir = Path(tempfile.mkdtemp(prefix="snn-long-term-"))
        cls.addClassCleanup(shutil.rmtree, workdir, ignore_errors=True)
        cls.services = TrustServices.bind()
        cls.addClassCleanup(cls.services.stop)
        cls.pki = create_demo_pki(
            workdir / "pki",
            token_label="snn-ltv",
            pin=f"P-{secrets.token_hex(6)}",
            services_url=cls.services.url,
        )
        cls.services.serve(cls.pki)
        cls.ltv_bridge = start_bridge(workdir / "bridge", cls.pki)
        cls.addClassCleanup(cls.ltv_bridge.stop)
        put_secret(cls.secrets_dir, cls.company, BRIDGE_SECRET, cls.ltv_bridge.secret_file)
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(cls.ltv_bridge))
        cls.company.write(
            {
                **company_signing_values(bridge, cls.pki),
                "snn_tsa_url": cls.services.tsa_url,
                "snn_revocation_policy": "refuse",
            }
        )
        cls.director.write(director_signing_values(bridge, cls.pki))
        cls.signer_serial = x509.load_pem_x509_certificate(
            cls.pki.signer_cert.read_bytes()
        ).serial_number
        cls.seal_serial = x509.load_pem_x509_certificate(
            cls.pki.seal_cert.read_bytes()
        ).serial_number

    def approved(self):
        return self.walk(self.make_letter(), "approved")

    def refused_issue(self, document):
        """Issue as the clerk: refused, nothing numbered, the refusal in the trail."""
        before = len(document.approval_ids)
        try:  # no assertRaises savepoint: the refusal row shares this test's transaction
            document.with_user(self.clerk).action_issue()
        except UserError as error:
            message = str(error)
        else:
            self.fail("issued although it should have been refused")
        self.assertEqual(document.state, "approved")
        self.assertFalse(document.number or document.code or document.signed_file)
        refusal = document.approval_ids[before:]
        self.assertEqual(refusal.mapped("action"), ["refuse"])
        return message

    def test_a_good_signer_issues_a_b_lta_file_and_the_panel_says_so(self):
        document = self.approved()
        approved = base64.b64decode(document.file)
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "issued")
        signed = base64.b64decode(document.signed_file)
        self.assertTrue(signed.startswith(approved))
        report = verify_pdf(signed, [self.pki.ca_cert.read_bytes()])
        self.assertTrue(report.ok, report.to_dict())
        output, code = pdfsig(signed)
        self.assertEqual(code, 0, output)
        self.assertEqual(output.count("Signature is Valid."), 2, output)
        personal, seal = document.signature_ids.sorted("sequence")
        for signature in (personal, seal):
            self.assertEqual(signature.level, "b_lta")
            self.assertEqual(signature.revocation, "good")
            self.assertTrue(signature.revocation_checked)
            self.assertTrue(signature.timestamp_time)
            self.assertTrue(signature.timestamp_authority.startswith("SNN Demo TSA"))
        self.assertEqual(personal.verdict, "Valid")
        self.assertIn("Not revoked", personal.revocation_text)
        self.assertIn("B-LTA", personal.long_term_text)
        self.assertIn("SNN Demo TSA", personal.long_term_text)
        # "Verify again" reads the same from the file alone.
        document.action_verify_signatures()
        self.assertEqual(document.signature_ids.mapped("level"), ["b_lta", "b_lta"])
        self.assertTrue(document.trail_intact, document._trail_problems())

    def test_a_revoked_signer_or_seal_is_refused_and_nothing_is_numbered(self):
        for serial, whose in ((self.signer_serial, "Nguyễn"), (self.seal_serial, "Sở")):
            with self.subTest(whose=whose):
                self.services.revoke(serial)
                try:
                    document = self.approved()
                    message = self.refused_issue(document)
                finally:
                    self.services.reinstate(serial)
                self.assertIn("is revoked", message)
                self.assertIn("still approved", message)
        # Reinstated: the same clerk issues, the first number.
        document = self.approved()
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.number, 1)

    def test_a_ca_that_does_not_answer_follows_the_policy(self):
        self.services.set_down(True, ["/ocsp", "/crl"])
        try:
            document = self.approved()
            message = self.refused_issue(document)
            self.assertIn("could not be checked", message)
            self.company.snn_revocation_policy = "record"
            document.with_user(self.clerk).action_issue()
        finally:
            self.services.set_down(False)
            self.company.snn_revocation_policy = "refuse"
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.signature_ids.mapped("revocation"), ["not_checked"] * 2)
        self.assertEqual(document.signature_ids.mapped("level"), ["b_t", "b_t"])
        said = document.message_ids.filtered(lambda m: "revocation not checked" in (m.body or ""))
        self.assertEqual(len(said), 2, "both certificates, said on the document")
        # And findable: the clerk's search filter "Revocation Not Checked" lists it.
        documents = self.env["snn.document"].with_user(self.clerk)
        arch = documents.get_views([(False, "search")])["views"]["search"]["arch"]
        (found,) = etree.fromstring(arch).xpath("//filter[@name='revocation_not_checked']")
        self.assertIn(document, documents.search(safe_eval(found.get("domain"))))

    def test_the_archive_timestamp_is_renewed_before_it_expires(self):
        appendix = make_letter_pdf() + b"%appendix\n"
        document = self.make_letter(
            attachment_ids=[
                Command.create(
                    {
                        "name": "Phụ lục I",
                        "file": base64.b64encode(appendix),
                        "file_name": "phu-luc-1.pdf",
                    }
                )
            ]
        )
        document = self.walk(document, "approved").with_env(self.env)
        document.with_user(self.clerk).action_issue()
        attachment = document.attachment_ids
        sealed = attachment._file_bytes("sealed_file")
        self.assertEqual(len(PdfFileReader(io.BytesIO(sealed)).embedded_timestamp_signatures), 1)
        tsa = x509.load_pem_x509_certificate(self.pki.tsa_cert.read_bytes())
        self.assertEqual(document.archive_expiry, tsa.not_valid_after_utc.replace(tzinfo=None))
        issued = base64.b64decode(document.signed_file)
        Document = self.env["snn.document"]
        Document._cron_renew_archive_timestamps(commit=False)  # years away: nothing to do
        self.assertEqual(base64.b64decode(document.signed_file), issued)
        self.company.snn_archive_renewal_days = 4000  # the TSA's 10 years fall inside it
        Document._cron_renew_archive_timestamps(commit=False)
        renewed = base64.b64decode(document.signed_file)
        self.assertTrue(renewed.startswith(issued) and renewed != issued)
        self.assertEqual(document.signed_sha256, hashlib.sha256(renewed).hexdigest())
        self.assertEqual(len(PdfFileReader(io.BytesIO(renewed)).embedded_timestamp_signatures), 2)
        row = document.approval_ids.sorted("id")[-1]
        self.assertEqual(row.action, "archive_timestamp")
        self.assertEqual(row.file_sha256, document.signed_sha256)
        self.assertEqual(len(document.anchor_ids), 2, "the new head signed by the seal")
        self.assertFalse(document._trail_problems())
        main = document.signature_ids.filtered(lambda s: not s.attachment_id)
        self.assertEqual(main.mapped("kind"), ["personal", "organization"])
        self.assertEqual(main.mapped("level"), ["b_lta", "b_lta"])
        self.assertTrue(all(document.signature_ids.mapped("valid")))
        # The sealed appendix too, its old bytes a prefix, still verifying.
        resealed = attachment._file_bytes("sealed_file")
        self.assertTrue(resealed.startswith(sealed) and resealed != sealed)
        self.assertEqual(attachment.sealed_sha256, hashlib.sha256(resealed).hexdigest())
        self.assertEqual(attachment.signature_ids.mapped("level"), ["b_lta"])
        self.assertTrue(attachment.signature_ids.valid)
        # Nobody else writes the issued file: still frozen outside the renewal.
        with self.assertRaises(UserError):
            document.with_user(self.manager).write({"signed_file": base64.b64encode(issued)})

    def test_verify_again_holds_after_the_certificates_expired(self):
        """Years later (the director's and the seal's certificates ended after 730 days) and
        with the CA's services gone: Verify Again proves both from the data kept in the file."""
        document = self.approved()
        document.with_user(self.clerk).action_issue()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=900)
        self.services.set_down(True)
        try:
            with freeze_time(later):
                document.with_user(self.drafter).action_verify_signatures()
        finally:
            self.services.set_down(False)
        self.assertTrue(
            all(document.signature_ids.mapped("valid")), document.signature_ids.mapped("reasons")
        )
        self.assertEqual(document.signature_ids.mapped("level"), ["b_lta", "b_lta"])

    def test_a_tsa_that_asks_for_credentials_reads_them_from_the_secrets_directory(self):
        password = secrets.token_urlsafe(12)
        self.services.require_tsa_auth("snn-tsa", password)
        try:
            self.company.snn_tsa_username = "snn-tsa"
            document = self.approved()
            self.company.snn_tsa_secret_file = "tsa.secret"  # not there yet
            message = self.refused_issue(document)
            self.assertIn("tsa.secret", message)
            secret = Path(self.secrets_dir) / "tsa-source"
            secret.write_text(password + "\n")
            put_secret(self.secrets_dir, self.company, "tsa.secret", secret)
            document.with_user(self.clerk).action_issue()
        finally:
            self.services._tsa_auth = None
            self.company.write({"snn_tsa_username": False, "snn_tsa_secret_file": False})
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.signature_ids.mapped("level"), ["b_lta", "b_lta"])
        self.assertNotIn(password, str(self.company.sudo().read()[0]))

    def test_the_company_proxy_carries_the_ca_and_tsa_requests(self):
        """A server that may not reach the CA directly: the manager names the province's proxy;
        a proxy that does not answer refuses the issue (the CA was not asked), the proxy that
        answers carries the OCSP and TSA requests of the issue."""
        with self.assertRaises(ValidationError):
            self.company.snn_ca_proxy_url = "http://user:secret@proxy.example:3128"
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
        closed.close()
        proxy = ForwardProxy.start()
        try:
            self.company.with_user(self.manager).snn_ca_proxy_url = dead
            document = self.approved()
            self.assertIn("could not be checked", self.refused_issue(document))
            self.company.with_user(self.manager).snn_ca_proxy_url = proxy.url
            document.with_user(self.clerk).action_issue()
        finally:
            proxy.stop()
            self.company.snn_ca_proxy_url = False
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.signature_ids.mapped("level"), ["b_lta", "b_lta"])
        self.assertEqual(document.signature_ids.mapped("revocation"), ["good", "good"])
        self.assertIn(f"{self.services.url}/ocsp", proxy.seen)
        self.assertIn(self.services.tsa_url, proxy.seen)
