"""No file slot of the suite takes a planted attachment, over RPC as each role or from code."""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .access_matrix_common import AccessMatrixCase
from .test_chain_guards import unique_pdf


@tagged("post_install", "-at_install")
class TestNoFileSlotTakesAPlantedAttachment(AccessMatrixCase):
    @mute_logger("odoo.http")
    def test_no_file_slot_takes_a_planted_attachment(self):
        """Every file a record of the suite writes through itself (snn.record.files) refuses an
        ir.attachment put in its place, over RPC as each role and from the superuser's code."""
        slots = [
            (record, name)
            for model_name, records in sorted(self.world.items())
            if hasattr(self.env[model_name], "_guarded_file_fields")
            for _tag, record in records
            for name in sorted(self.env[model_name]._guarded_file_fields())
        ]
        self.assertTrue(slots)
        Attachment = self.env["ir.attachment"].sudo()
        for record, name in slots:
            domain = [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("res_field", "=", name),
            ]
            before = Attachment.search(domain).ids
            vals = {
                "name": "planted.pdf",
                "datas": base64.b64encode(unique_pdf()).decode(),
                "res_model": record._name,
                "res_id": record.id,
                "res_field": name,
            }
            for role in ("drafter", "clerk", "manager"):
                with self.subTest(model=record._name, field=name, role=role):
                    self.assertTrue(
                        self.json2(role, "ir.attachment", "create", {"vals_list": [vals]})
                    )
            with self.subTest(model=record._name, field=name, role="superuser"):
                with self.assertRaises(UserError):
                    Attachment.create(vals)
            for attachment in Attachment.browse(before):
                with self.subTest(model=record._name, field=name, op="overwrite"):
                    with self.assertRaises(UserError):
                        attachment.write({"raw": unique_pdf()})
                    with self.assertRaises(UserError):
                        attachment.unlink()
            self.assertEqual(Attachment.search(domain).ids, before)
