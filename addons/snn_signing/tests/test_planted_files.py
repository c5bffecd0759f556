"""The files the issue step writes (stamped, signed) cannot be planted as attachments: a
"Signed PDF" made elsewhere and attached to an approved document through ir.attachment, by any
role over RPC or by the superuser's code, is refused, and a paper issue afterwards shows no
signed file at all."""

import base64
from xmlrpc.client import Fault

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.tests.common import DocflowCase
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT, unique_pdf

STEP_FILES = ("signed_file", "stamped_file")


@tagged("post_install", "-at_install")
class TestPlantedFiles(HttpCase, DocflowCase):
    def planted(self, document, field):
        return {
            "name": "ban-ky-so-gia.pdf",
            "datas": base64.b64encode(unique_pdf()).decode(),
            "res_model": "snn.document",
            "res_id": document.id,
            "res_field": field,
        }

    def test_no_signed_file_is_planted_on_an_approved_document(self):
        document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), "approved")
        loose = self.env["ir.attachment"].create({"name": "loose.pdf", "raw": unique_pdf()})
        for user in (self.drafter, self.director, self.clerk, self.manager):
            password = user.login + "x" * (8 - len(user.login))
            for field in STEP_FILES:
                for method, args in (
                    ("create", [self.planted(document, field)]),
                    (
                        "write",
                        [
                            loose.ids,
                            {
                                "res_model": "snn.document",
                                "res_id": document.id,
                                "res_field": field,
                            },
                        ],
                    ),
                ):
                    with self.subTest(user=user.login, field=field, method=method):
                        with self.assertRaises(Fault):
                            self.xmlrpc_object.execute_kw(
                                self.env.cr.dbname,
                                user.id,
                                password,
                                "ir.attachment",
                                method,
                                args,
                                {"context": FORGED_CONTEXT},
                            )
                        self.assertFalse(self.stored_file(document, field))
        for field in STEP_FILES:
            with self.subTest(user="superuser", field=field), self.assertRaises(UserError):
                self.env["ir.attachment"].sudo().create(self.planted(document, field))
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "issued")
        self.env.invalidate_all()
        self.assertFalse(document.esign)
        for field in STEP_FILES:
            self.assertFalse(document[field], f"{field}: a paper issue signs nothing")
            self.assertFalse(self.stored_file(document, field))

    def test_no_seal_or_signature_image_is_planted(self):
        """The seal and signature images are checked (colour, size) and written by their own
        organisation's managers through the company and the user: never planted beside that."""
        for record, field in (
            (self.company, "snn_seal_image"),
            (self.director, "snn_signature_image"),
        ):
            vals = {**self.planted(record, field), "res_model": record._name}
            with self.subTest(field=field, user="superuser"), self.assertRaises(UserError):
                self.env["ir.attachment"].sudo().create(vals)
            self.assertFalse(self.stored_file(record, field))
