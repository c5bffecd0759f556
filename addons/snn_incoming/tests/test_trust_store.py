"""Each organisation's trust store: the shipped roots of the government CA (VGCA) and the
Vietnam National Root CA, which a manager of that organisation may disable or add to; what
verification of received files trusts follows it."""

import hashlib
import ssl

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import IncomingCase
from .test_paper import paper_values

# From packages/snn-sign/snn_sign/trust/vn/index.json (pinned there by independent sources).
VGCA_G2_ROOT_SHA256 = "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8"
VN_NATIONAL_ROOT_SHA256 = "BAC8BF609AB420A8EE1780D74F4DE5C7F7184959D2A7375B0A75E4C29F0908E7"


@tagged("post_install", "-at_install")
class TestTrustStore(IncomingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager2 = new_test_user(
            cls.env,
            "t_manager_sxd",
            "snn_docflow.group_manager",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )

    def store(self, company):
        return (
            self.env["snn.trust.certificate"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )

    def add_test_root(self, user):
        """The test PKI's CA, which signed the suite's own documents."""
        return (
            self.env["snn.trust.certificate"]
            .with_user(user)
            .create(
                {
                    "name": "CA thử nghiệm",
                    "kind": "root",
                    "pem": self.running.pki.ca_cert.read_text(),
                    "source": "snn_sign_testkit demo PKI",
                }
            )
        )

    def test_each_organisation_gets_the_shipped_roots(self):
        # Ours was there when the module was installed; Sở Xây dựng was created afterwards.
        for company in (self.company, self.company2):
            with self.subTest(company=company.name):
                store = self.store(company)
                self.assertTrue(all(store.mapped("builtin")) and all(store.mapped("active")))
                roots = store.filtered(lambda c: c.kind == "root")
                g2 = roots.filtered(lambda c: c.sha256 == VGCA_G2_ROOT_SHA256)
                self.assertEqual(len(g2), 1)
                self.assertIn("G2", g2.name)
                # The stored PEM itself, not only the fingerprint computed from it.
                der = ssl.PEM_cert_to_DER_cert(g2.pem)
                self.assertEqual(hashlib.sha256(der).hexdigest().upper(), VGCA_G2_ROOT_SHA256)
                self.assertIn(VN_NATIONAL_ROOT_SHA256, roots.mapped("sha256"))
                self.assertTrue(store.filtered(lambda c: c.kind == "intermediate"))
                self.assertIn(g2.pem.encode(), company._trust_roots())

    def test_a_disabled_root_is_no_longer_trusted(self):
        self.company.snn_trust_roots = False  # only the trust store now
        incoming = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(self.signed_pdf))
            .sudo()
        )
        self.assertEqual(incoming.signature_state, "untrusted")
        root = self.add_test_root(self.manager)
        self.assertEqual(root.company_id, self.company)
        incoming.with_user(self.clerk).action_verify_again()
        self.assertEqual(incoming.signature_state, "valid")
        root.with_user(self.manager).write({"active": False})
        incoming.with_user(self.clerk).action_verify_again()
        self.assertEqual(incoming.signature_state, "untrusted")

    def test_another_organisations_manager_cannot_touch_ours(self):
        ours = self.store(self.company)
        g2 = ours.filtered(lambda c: c.sha256 == VGCA_G2_ROOT_SHA256)
        Trust = self.env["snn.trust.certificate"].with_user(self.manager2)
        self.assertFalse(Trust.with_context(active_test=False).search([("id", "in", ours.ids)]))
        with self.assertRaises(AccessError):
            g2.with_user(self.manager2).read(["pem"])
        with self.assertRaises(AccessError):
            g2.with_user(self.manager2).write({"active": False})
        with self.assertRaises(AccessError):
            Trust.create(
                {
                    "name": "Gốc lạ",
                    "company_id": self.company.id,
                    "pem": self.running.pki.ca_cert.read_text(),
                }
            )
        self.env.invalidate_all()
        self.assertEqual(self.store(self.company), ours)
        self.assertTrue(g2.active)
        # Their own store is theirs to change.
        self.add_test_root(self.manager2)
        self.assertEqual(len(self.store(self.company2)), len(ours) + 1)

    def test_only_a_pem_certificate(self):
        Trust = self.env["snn.trust.certificate"].with_user(self.manager)
        pem = self.running.pki.ca_cert.read_text()
        garbage = pem.replace(pem.splitlines()[3], "A" * 64)
        for name, value in {
            "text": "tôi tin chứng thư này",
            "the CA's key": self.running.pki.ca_key.read_text(),
            "damaged": garbage,
        }.items():
            with self.subTest(value=name), self.assertRaises(ValidationError):
                Trust.create({"name": name, "pem": value})
        root = self.add_test_root(self.manager)
        with self.assertRaises(ValidationError):
            root.write({"pem": "không phải PEM"})
        self.assertEqual(root.pem, pem)
