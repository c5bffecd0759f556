"""Two organisations of one database, units with heads, an outside agency on the document
exchange and one reachable by e-mail only; the exchange is the local stand-in of
snn_sign_testkit.demo_exchange (the real provincial exchange cannot be reached from here)."""

import shutil
import tempfile
from pathlib import Path

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.snn_signing.tests.common import SigningCase, put_secret

from snn_sign_testkit.demo_exchange import start_exchange

OUR_ORGAN_ID = "000.00.11.H53"
AGENCY_ORGAN_ID = "000.00.00.H53"
OTHER_AGENCY_ORGAN_ID = "000.00.12.H53"
EXCHANGE_SECRET = "exchange.secret"


def start_stand_in(test, **options):
    """The exchange's stand-in as a subprocess for one test, stopped with it."""
    workdir = Path(tempfile.mkdtemp(prefix="snn-dispatch-exchange-"))
    running = start_exchange(workdir, **options)
    test.addCleanup(shutil.rmtree, workdir, ignore_errors=True)
    test.addCleanup(running.stop)
    return running


def exchange_values(running):
    """The company's exchange settings; its secret is put by put_exchange_secret."""
    return {
        "snn_organ_id": OUR_ORGAN_ID,
        "snn_exchange_url": running.url,
        "snn_exchange_system_id": running.system_id,
        "snn_exchange_secret_file": EXCHANGE_SECRET,
    }


def put_exchange_secret(secrets_dir, company, running):
    """The stand-in's secret in ``company``'s directory of the secrets directory."""
    return put_secret(secrets_dir, company, EXCHANGE_SECRET, running.secret_file)


class DispatchCase(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_khtc = new_test_user(
            cls.env, "t_member_khtc", "snn_docflow.group_drafter", name="Nhân viên KHTC"
        )
        cls.env["hr.employee"].create(
            {
                "name": cls.member_khtc.name,
                "user_id": cls.member_khtc.id,
                "department_id": cls.unit_khtc.id,
            }
        )
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Sở Tài chính tỉnh Tuyên Quang",
                "is_company": True,
                "snn_organ_id": AGENCY_ORGAN_ID,
                "email": "stc@example.com",
            }
        )
        cls.mail_only = cls.partner  # UBND tỉnh: an e-mail address, no agency code
        # Another department of the province on the same database.
        cls.company2 = cls.env["res.company"].create(
            {"name": "Sở Xây dựng", "snn_org_code": "SXD", "snn_organ_id": "000.00.13.H53"}
        )
        cls.clerk2 = new_test_user(
            cls.env,
            "t_clerk_sxd",
            "snn_docflow.group_clerk",
            name="Văn thư Sở Xây dựng",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )

    def setUp(self):
        super().setUp()
        # One stand-in per test: its memory (dedup, statuses) must not outlive the test's
        # rolled-back transaction, where the same numbers are taken again.
        self.exchange = start_stand_in(self, directory=[AGENCY_ORGAN_ID, OTHER_AGENCY_ORGAN_ID])
        put_exchange_secret(self.secrets_dir, self.company, self.exchange)
        self.company.write(exchange_values(self.exchange))

    def issue_to(self, *recipients, **values):
        """An e-signed, issued letter to ``recipients`` (units, partners), as the clerk."""
        lines = [
            Command.create(
                {"department_id": r.id} if r._name == "hr.department" else {"partner_id": r.id}
            )
            for r in recipients
        ]
        document = self.make_letter(recipient_ids=lines, **values)
        self.walk(document, "issued")
        self.assertTrue(document.esign)
        return document.with_env(self.env)  # read as the test (superuser), act as roles

    def dispatch(self):
        """One run of the scheduled action, inside the test's transaction."""
        self.env["snn.delivery"]._cron_dispatch(commit=False)
