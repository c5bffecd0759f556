"""Each organisation's exchange settings and agency code are its own (issue 18).

Two organisations in one database: A (the test company, on the exchange's stand-in as
000.00.11.H53) and B (Sở Xây dựng, 000.00.13.H53) with a manager of its own. B's manager tries
to send and poll as A: A's settings, A's agency code, A's secret file named in B's settings.
"""

from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AGENCY_ORGAN_ID, EXCHANGE_SECRET, OUR_ORGAN_ID, DispatchCase

EXCHANGE_FIELDS = ("snn_organ_id", "snn_exchange_url", "snn_exchange_system_id")


@tagged("post_install", "-at_install")
class TestExchangeSettingsPerOrganisation(HttpCase, DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        only_b = {"company_id": cls.company2.id, "company_ids": [Command.set(cls.company2.ids)]}
        cls.manager2 = new_test_user(
            cls.env,
            "t_manager_sxd",
            "snn_docflow.group_manager,base.group_partner_manager",
            **only_b,
        )

    def jsonrpc(self, user, model, method, *args):
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user sets it
        params = [self.env.cr.dbname, user.id, password, model, method, list(args), {}]
        body = self.url_open(
            "/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": "object", "method": "execute_kw", "args": params},
            },
        ).json()
        if "error" in body:
            raise Fault(1, body["error"]["data"]["message"])
        return body["result"]

    def settings(self, company):
        self.env.invalidate_all()
        company = company.sudo()
        return [company[name] for name in (*EXCHANGE_FIELDS, "snn_exchange_secret_file")]

    def test_another_organisations_manager_cannot_change_our_exchange(self):
        before = self.settings(self.company)
        attacks = {
            "url": {"snn_exchange_url": "http://127.0.0.1:9"},
            "system id": {"snn_exchange_system_id": "theirs"},
            "secret file": {"snn_exchange_secret_file": "theirs.secret"},
            "agency code": {"snn_organ_id": "000.00.99.H53"},
        }
        for name, vals in attacks.items():
            with self.subTest(attack=name), self.assertRaises(AccessError):
                self.company.with_user(self.manager2).write(vals)
        with self.assertRaises(AccessError):  # nor through the company's partner
            self.company.partner_id.with_user(self.manager2).write({"snn_organ_id": False})
        self.assertEqual(self.settings(self.company), before)

    def test_our_agency_code_cannot_be_taken(self):
        """Over JSON-RPC as B's manager: A's code, or an outside agency's, for B; nor for a new
        company or an outside contact."""
        before = self.settings(self.company2)
        for code in (OUR_ORGAN_ID, AGENCY_ORGAN_ID):
            with self.subTest(code=code), self.assertRaises(Fault) as caught:
                self.jsonrpc(
                    self.manager2,
                    "res.company",
                    "write",
                    [self.company2.id],
                    {"snn_organ_id": code},
                )
            self.assertIn(f"The agency code {code} is already held by", str(caught.exception))
        self.assertEqual(self.settings(self.company2), before)
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create({"name": "Sở giả", "snn_organ_id": OUR_ORGAN_ID})
        with self.assertRaises(ValidationError):
            self.env["res.company"].create({"name": "Sở giả", "snn_organ_id": OUR_ORGAN_ID})
        self.assertEqual(
            self.env["res.partner"].search([("snn_organ_id", "=", OUR_ORGAN_ID)]),
            self.company.partner_id,
        )

    def test_our_secret_file_is_not_theirs(self):
        """B copies A's exchange URL, system id and secret file name: the name is looked up in
        B's directory, so B neither sends nor polls as A."""
        self.company2.with_user(self.manager2).write(
            {
                "snn_exchange_url": self.exchange.url,
                "snn_exchange_system_id": self.exchange.system_id,
                "snn_exchange_secret_file": EXCHANGE_SECRET,
            }
        )
        with self.assertRaises(UserError) as caught:
            self.company2._exchange_client()
        self.assertIn("cannot be used", str(caught.exception))
        self.assertIn("No such file", str(caught.exception))

    def test_a_secret_file_is_a_name_not_a_path(self):
        before = self.settings(self.company)
        theirs = str(self.secrets_dir / str(self.company2.id) / EXCHANGE_SECRET)
        for path in ("/etc/passwd", f"../{self.company2.id}/{EXCHANGE_SECRET}", theirs, ".."):
            with self.subTest(path=path), self.assertRaises(ValidationError) as caught:
                self.company.with_user(self.manager).write({"snn_exchange_secret_file": path})
            self.assertIn("not a secret file name", str(caught.exception))
        self.assertEqual(self.settings(self.company), before)

    def test_our_manager_sets_up_our_exchange(self):
        self.company.with_user(self.manager).write(
            dict.fromkeys(("snn_exchange_url", "snn_exchange_system_id"), False)
            | {"snn_exchange_secret_file": False}
        )
        self.env.cr.cache.pop("snn_exchange_clients", None)
        self.company.with_user(self.manager).write(
            {
                "snn_organ_id": "000.00.31.H53",
                "snn_exchange_url": self.exchange.url,
                "snn_exchange_system_id": self.exchange.system_id,
                "snn_exchange_secret_file": EXCHANGE_SECRET,
            }
        )
        self.assertEqual(self.company.partner_id.snn_organ_id, "000.00.31.H53")
        self.assertEqual(self.company._exchange_client().poll(), [])  # signed with A's secret
