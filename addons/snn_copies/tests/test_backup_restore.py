"""A backup restores whole: Odoo's own backup of a database (``odoo-bin db dump``: the SQL and
the filestore in one zip) loaded into a new database and a new filestore (``odoo-bin db load``,
as a copy: a new database uuid) holds documents whose trails verify, whose signatures verify
again against the organisation's roots, whose incoming copies and electronic copies are the
same bytes. Loaded without its filestore, Verify Again says the files are not in the filestore,
instead of passing the documents for unsigned.

Committed data in the throwaway test database (as snn_dispatch's test_dispatch_committed): a
dump reads only what was committed. The organisation is signed for through a real token
bridge; the database is dumped and restored by Odoo's own functions, in this process."""

import base64
import hashlib
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged
from odoo.tools import config

from odoo.addons.snn_signing.tests.common import (
    BRIDGE_SECRET,
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    put_secret,
    start_demo_bridge,
)


@tagged("post_install", "-at_install")
class TestBackupRestore(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.running = start_demo_bridge(cls)
        cls.tag = uuid.uuid4().hex[:6]
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cls.company_id = cls._fill(env)
        cls.workdir = Path(tempfile.mkdtemp(prefix="snn-backup-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.backup = cls.workdir / "backup.zip"
        with cls.backup.open("wb") as stream:
            db_service.dump_db(get_db_name(), stream, "zip")

    @classmethod
    def _fill(cls, env):
        """An organisation that signs through the bridge: two letters issued and e-signed, one
        to a unit of its own (an internal delivery: an incoming document with the signed
        file), a sao y of the first; everything committed."""
        from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

        pki = demo_pki()
        company = env["res.company"].create(
            {"name": f"Sở Nông nghiệp {cls.tag}", "snn_org_code": "SNN"}
        )
        put_secret(cls.secrets_dir, company, BRIDGE_SECRET, cls.running.secret_file)
        bridge = env["snn.sign.bridge"].create(
            {**bridge_values(cls.running), "company_id": company.id}
        )
        company.write(company_signing_values(bridge, pki))

        def user(login, group, name=None):
            return new_test_user(
                env,
                f"{login}_{cls.tag}",
                f"snn_docflow.group_{group}",
                name=name or f"{login} {cls.tag}",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        drafter, head, clerk = (
            user("drafter", "drafter"),
            user("head", "head"),
            user("clerk", "clerk"),
        )
        director = user("director", "director", pki.signer_name)  # as its certificate
        director.write(director_signing_values(bridge, pki))
        head_employee = env["hr.employee"].create(
            {"name": head.name, "user_id": head.id, "company_id": company.id}
        )
        unit = env["hr.department"].create(
            {
                "name": "Văn phòng",
                "snn_code": "VP",
                "company_id": company.id,
                "manager_id": head_employee.id,
            }
        )
        register = env["snn.register"].create({"name": "Sổ đi", "company_id": company.id})
        letter = env["snn.document.type"].create(
            {"name": "Công văn", "company_id": company.id, "register_id": register.id}
        )
        other_unit = env["hr.department"].create(
            {"name": "Phòng Kế hoạch - Tài chính", "snn_code": "KHTC", "company_id": company.id}
        )
        for subject in ("Về việc triển khai chữ ký số", "Về việc báo cáo định kỳ"):
            document = (
                env["snn.document"]
                .with_user(drafter)
                .with_company(company)
                .create(
                    {
                        "subject": subject,
                        "document_type_id": letter.id,
                        "department_id": unit.id,
                        "signer_id": director.id,
                        "file": base64.b64encode(make_letter_pdf() + uuid.uuid4().hex.encode()),
                        "file_name": "letter.pdf",
                        "recipient_ids": [Command.create({"department_id": other_unit.id})],
                    }
                )
            )
            document.with_user(drafter).action_submit()
            document.with_user(head).action_forward()
            document.with_user(director).action_approve()
            document.with_user(clerk).action_issue()
        env["snn.delivery"]._cron_dispatch(commit=False)
        first = env["snn.document"].search([("company_id", "=", company.id)], order="id", limit=1)
        first.with_user(clerk).action_make_copy("sao_y")
        return company.id

    def _restore(self, backup, name):
        """``backup`` loaded as a copy into a new database, dropped after the test. Loading
        it is not a test run: with test_enable Odoo would run every module's tests on it."""
        with patch.dict(config.options.maps[0], {"test_enable": False}):
            db_service.restore_db(name, str(backup), copy=True)
        self.addCleanup(db_service.exp_drop, name)
        self.addCleanup(Registry.delete, name)
        return Registry(name)

    def _state_of(self, env):
        """What a user checks after a restore, per record, as comparable values."""
        company = env["res.company"].browse(self.company_id)
        documents = env["snn.document"].search([("company_id", "=", company.id)], order="id")
        incoming = env["snn.incoming.document"].search(
            [("company_id", "=", company.id)], order="id"
        )
        copies = env["snn.document.copy"].search([("company_id", "=", company.id)], order="id")
        documents.action_verify_signatures()
        incoming.action_verify_again()
        return {
            "documents": [
                (
                    d.code,
                    d.state,
                    d._trail_problems(),
                    d.signed_sha256,
                    hashlib.sha256(d._signed_pdf_bytes()).hexdigest(),
                    [
                        (s.kind, s.valid, s.reasons or False)
                        for s in d.signature_ids.sorted("sequence")
                    ],
                )
                for d in documents
            ],
            "incoming": [
                (
                    i.code,
                    i.signature_state,
                    hashlib.sha256(base64.b64decode(i.file or b"")).hexdigest(),
                )
                for i in incoming.with_context(bin_size=False)
            ],
            "copies": [
                (c.code, c.sha256, hashlib.sha256(base64.b64decode(c.file or b"")).hexdigest())
                for c in copies.with_context(bin_size=False)
            ],
        }

    def test_a_backup_restores_into_a_new_database_and_everything_verifies(self):
        with self.registry.cursor() as cr:
            before = self._state_of(api.Environment(cr, SUPERUSER_ID, {}))
        self.assertEqual(len(before["documents"]), 2)
        self.assertEqual(len(before["incoming"]), 2)
        self.assertEqual(len(before["copies"]), 1)
        for code, state, problems, stored, actual, signatures in before["documents"]:
            self.assertEqual((state, problems, stored), ("issued", [], actual), code)
            self.assertEqual([valid for _kind, valid, _why in signatures], [True, True], code)
        for code, state, _sha in before["incoming"]:
            self.assertEqual(state, "valid", code)

        restored = self._restore(self.backup, f"{get_db_name()}_restored_{self.tag}")
        with restored.cursor() as cr:
            after = self._state_of(api.Environment(cr, SUPERUSER_ID, {}))
        self.assertEqual(after, before)

    def test_a_restore_without_its_filestore_says_so(self):
        sql_only = self.workdir / "sql-only.zip"
        with zipfile.ZipFile(self.backup) as full, zipfile.ZipFile(sql_only, "w") as cut:
            for member in full.namelist():
                if not member.startswith("filestore/"):
                    cut.writestr(member, full.read(member))
        restored = self._restore(sql_only, f"{get_db_name()}_nofiles_{self.tag}")
        with restored.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            documents = env["snn.document"].search([("company_id", "=", self.company_id)])
            documents.action_verify_signatures()
            for document in documents:
                self.assertTrue(document.signature_ids)
                for signature in document.signature_ids:
                    self.assertFalse(signature.valid)
                    self.assertIn("is not in the filestore", signature.reasons)
            incoming = env["snn.incoming.document"].search([("company_id", "=", self.company_id)])
            incoming.action_verify_again()
            self.assertEqual(set(incoming.mapped("signature_state")), {"invalid"})
            self.assertIn("is not in the filestore", incoming[0].signature_verdict)
            # The trail holds (it is in the database): it is the files that are missing.
            self.assertEqual([d._trail_problems() for d in documents], [[], []])
