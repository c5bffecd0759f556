import base64
import hashlib
import threading
import time
import uuid

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.snn_docflow.tests.common import thread_env_factory

from snn_sign import verify_pdf
from snn_sign_testkit.sample_letter import make_letter_pdf

from .common import (
    BRIDGE_SECRET,
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    put_secret,
    start_demo_bridge,
)

CLERKS = 8
DOCUMENTS = 200
VALID_PAIR = [("organization", True), ("personal", True)]


@tagged("post_install", "-at_install")
class TestConcurrentSigning(BaseCase):
    """8 clerks on their own connections issue and sign 200 documents at once, through one
    token bridge. Committed data in a company of its own, left in the throwaway database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.thread_env = staticmethod(thread_env_factory(cls.registry))
        cls.running = start_demo_bridge(cls)

    def _build(self):
        tag = uuid.uuid4().hex[:8]
        pki = demo_pki()
        letter = make_letter_pdf()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env["res.company"].create(
                {"name": pki.org_name, "snn_org_code": "CS", "snn_place": "Tuyên Quang"}
            )
            put_secret(self.secrets_dir, company, BRIDGE_SECRET, self.running.secret_file)
            bridge = env["snn.sign.bridge"].create(
                {**bridge_values(self.running), "company_id": company.id}
            )
            company.write(company_signing_values(bridge, pki))
            director = env["res.users"].create(
                {
                    "name": pki.signer_name,
                    "login": f"director_{tag}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "group_ids": [(6, 0, env.ref("snn_docflow.group_director").ids)],
                    **director_signing_values(bridge, pki),
                }
            )
            clerks = env["res.users"].create(
                [
                    {
                        "name": f"Clerk {i}",
                        "login": f"sclerk_{tag}_{i}",
                        "company_id": company.id,
                        "company_ids": [(6, 0, company.ids)],
                        "group_ids": [(6, 0, env.ref("snn_docflow.group_clerk").ids)],
                    }
                    for i in range(CLERKS)
                ]
            )
            unit = env["hr.department"].create(
                {"name": "Văn phòng", "snn_code": "VP", "company_id": company.id}
            )
            register = env["snn.register"].create({"name": "Sổ đi", "company_id": company.id})
            kind = env["snn.document.type"].create(
                {"name": "Công văn", "company_id": company.id, "register_id": register.id}
            )
            documents = env["snn.document"].create(
                [
                    {
                        "subject": f"Văn bản {i}",
                        "document_type_id": kind.id,
                        "department_id": unit.id,
                        "company_id": company.id,
                        "drafter_id": SUPERUSER_ID,
                        "signer_id": director.id,
                        "file": base64.b64encode(letter + f"%{i}\n".encode()),
                        "file_name": f"{i}.pdf",
                    }
                    for i in range(DOCUMENTS)
                ]
            )
            for document in documents:
                document.write({"state": "approved", "approved_sha256": document._file_sha256()})
            return clerks.ids, documents.ids, register.id

    def _clerk_work(self, clerk_id, document_ids, start, errors):
        start.wait()
        for document_id in document_ids:
            try:
                with self.registry.cursor() as cr:
                    env = self.thread_env(cr, clerk_id)
                    env["snn.document"].browse(document_id).action_issue()
            except Exception as error:
                errors.append(f"clerk {clerk_id}, document {document_id}: {error!r}")

    def test_eight_clerks_sign_200_documents_through_one_bridge(self):
        clerk_ids, document_ids, register_id = self._build()
        start, errors = threading.Barrier(CLERKS), []
        threads = [
            threading.Thread(
                target=self._clerk_work, args=(clerk_id, document_ids[i::CLERKS], start, errors)
            )
            for i, clerk_id in enumerate(clerk_ids)
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began

        self.assertEqual(errors, [], "no clerk sees an error")
        roots = [demo_pki().ca_cert.read_bytes()]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            documents = env["snn.document"].search([("register_id", "=", register_id)])
            self.assertEqual(sorted(documents.mapped("number")), list(range(1, DOCUMENTS + 1)))
            self.assertEqual(set(documents.mapped("state")), {"issued"})
            self.assertTrue(all(documents.mapped("esign")))
            # Each issue verified its file with pyHanko before it counted as issued (two valid
            # signatures recorded); verifying all 200 again here would cost ~20 s per runner,
            # so the last file of each clerk is verified again here, independently.
            recorded = {
                d.code: sorted(d.signature_ids.mapped(lambda s: (s.kind, s.valid)))
                for d in documents
            }
            self.assertEqual({code for code, sigs in recorded.items() if sigs != VALID_PAIR}, set())
            changed = [
                d.code
                for d in documents
                if hashlib.sha256(base64.b64decode(d.signed_file)).hexdigest() != d.signed_sha256
            ]
            self.assertEqual(changed, [], "each stored file is the one verified at issue")
            last_each = env["snn.document"].browse(
                [document_ids[i::CLERKS][-1] for i in range(CLERKS)]
            )
            invalid = [
                d.code
                for d in last_each
                if not verify_pdf(base64.b64decode(d.signed_file), roots).ok
            ]
            self.assertEqual(invalid, [], "the files verify again")
        print(  # pylint: disable=print-used
            f"figure: signing: {CLERKS} clerks issued and signed {DOCUMENTS} documents through "
            f"one token bridge in {elapsed:.1f} s ({DOCUMENTS / elapsed:.1f} documents/s), "
            f"numbers 1..{DOCUMENTS} each once, every file verified at issue"
        )
