import base64
import uuid

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from .common import PDF_BYTES


@tagged("post_install", "-at_install")
class TestRefusalOutlivesTheRollback(BaseCase):
    """A refused issue fails the request (everything it did rolls back), yet the refusal stays
    in the trail: as a client sees it, on committed data and real transactions. Builds a
    company of its own in the throwaway test database and leaves it (trails are kept)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def test_a_tampered_file_is_refused_and_the_refusal_is_kept(self):
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env["res.company"].create({"name": f"Refusal {tag}", "snn_org_code": "RF"})
            clerk = env["res.users"].create(
                {
                    "name": "Clerk",
                    "login": f"clerk_{tag}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "group_ids": [(6, 0, env.ref("snn_docflow.group_clerk").ids)],
                }
            )
            unit = env["hr.department"].create(
                {"name": "Văn phòng", "snn_code": "VP", "company_id": company.id}
            )
            register = env["snn.register"].create({"name": "Sổ đi", "company_id": company.id})
            letter = env["snn.document.type"].create(
                {"name": "Công văn", "company_id": company.id, "register_id": register.id}
            )
            approved = PDF_BYTES + f"%{tag}\n".encode()
            document = env["snn.document"].create(
                {
                    "subject": "Văn bản",
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "company_id": company.id,
                    "drafter_id": SUPERUSER_ID,
                    "file": base64.b64encode(approved),
                    "file_name": "a.pdf",
                }
            )
            document.write({"state": "approved", "approved_sha256": document._file_sha256()})
            attachment = env["ir.attachment"].search(
                [
                    ("res_model", "=", "snn.document"),
                    ("res_id", "=", document.id),
                    ("res_field", "=", "file"),
                ]
            )
            path = attachment._full_path(attachment.store_fname)
        with open(path, "wb") as stored:  # the file changed on the disk, behind Odoo's back
            stored.write(PDF_BYTES + b"%changed\n")

        # The check alone refuses and remembers nothing (no side effect): the trail row is
        # the action's, written once the check has failed.
        with self.assertRaises(UserError), self.registry.cursor() as cr:
            env = api.Environment(cr, clerk.id, {})
            env["snn.document"].browse(document.id)._check_can_issue()
        with self.assertRaises(UserError), self.registry.cursor() as cr:
            env = api.Environment(cr, clerk.id, {})
            env["snn.document"].browse(document.id).action_issue()

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            document = env["snn.document"].browse(document.id)
            self.assertEqual(document.state, "approved")
            self.assertFalse(document.number)
            cr.execute("SELECT COUNT(*) FROM snn_document WHERE register_id = %s", (register.id,))
            self.assertEqual(cr.fetchone()[0], 0, "no number taken")
            refusal = document.approval_ids.filtered(lambda row: row.action == "refuse")
            self.assertEqual(len(refusal), 1, "one refusal: the action's, none of the check's")
            self.assertEqual(refusal.user_id.id, clerk.id)
            self.assertIn("SHA-256", refusal.comment)
            self.assertEqual(document.trail_head_hash, refusal.hash)
            self.assertFalse(document.check_trail())
            self.assertTrue(document.trail_intact)
