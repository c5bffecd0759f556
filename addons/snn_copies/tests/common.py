from odoo import Command
from odoo.tests import HttpCase, new_test_user

from odoo.addons.snn_signing.tests.common import SigningCase


class CopyCase(HttpCase, SigningCase):
    """SigningCase's organisation (its seal on the demo SoftHSM2 token, through the bridge)
    and another organisation of the database with its clerk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Sở Xây dựng", "snn_org_code": "SXD"}
        )
        cls.clerk_b = new_test_user(
            cls.env,
            "t_clerk_sxd",
            "snn_docflow.group_clerk",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def issued(self, **values):
        return self.walk(self.make_letter(**values), "issued")

    def copy_of(self, original, form="sao_y", pages=None, user=None):
        return original.with_user(user or self.clerk).action_make_copy(form, pages)

    def roots(self):
        return [self.running.pki.ca_cert.read_bytes()]
