"""Appendices (snn_signing) from office files: a .docx appendix becomes its PDF, kept with its
source and sealed from the PDF; one is converted only for whoever may add it to that draft."""

import base64
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_dispatch.tests.common import DispatchCase
from odoo.addons.snn_docflow.tests.common import DocflowCase, xmlrpc_as
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT, unique_pdf
from odoo.addons.snn_office.models import office_conversion

from snn_sign import verify_pdf

from .test_office_draft import make_docx, text_of


class TestAttachmentOffice(DispatchCase):
    def test_a_docx_appendix_is_converted_and_its_pdf_sealed(self):
        docx = make_docx("Phụ lục II: Danh sách đơn vị triển khai")
        document = self.make_letter(
            attachment_ids=[
                Command.create(
                    {"name": "Phụ lục II", "file": base64.b64encode(docx), "file_name": "pl.docx"}
                )
            ]
        )
        appendix = document.with_env(self.env).attachment_ids
        pdf = appendix._file_bytes()
        self.assertTrue(pdf.startswith(b"%PDF-"), "the .docx became its PDF")
        self.assertIn("Danh sách đơn vị triển khai", text_of(pdf))
        self.assertEqual(appendix.file_name, "pl.pdf")
        self.assertEqual(appendix._file_bytes("source_file"), docx)
        self.assertEqual(appendix.source_file_name, "pl.docx")
        self.walk(document, "issued")
        with self.assertRaises(UserError):  # frozen, refused before it is converted
            appendix.with_user(self.drafter).write({"file": base64.b64encode(docx)})
        self.env.invalidate_all()
        sealed = appendix._file_bytes("sealed_file")
        self.assertTrue(sealed.startswith(pdf), "the converted PDF is what was sealed")
        self.assertTrue(verify_pdf(sealed, [self.running.pki.ca_cert.read_bytes()]).ok)
        self.assertEqual(appendix._file_bytes("source_file"), docx, "the source is kept")
        self.assertEqual(appendix.signature_ids.kind, "attachment")


@tagged("post_install", "-at_install")
class TestAttachmentOfficeParts(HttpCase, DocflowCase):
    def test_an_appendix_is_added_only_to_a_draft_its_user_may_edit(self):
        victim = self.walk(
            self.make_draft(subject="Văn bản đang chờ duyệt", file=base64.b64encode(unique_pdf())),
            "director_review",
        )
        docx = base64.b64encode(make_docx("Phụ lục cài vào")).decode()
        with patch.object(office_conversion, "to_pdf", wraps=office_conversion.to_pdf) as to_pdf:
            for user in (self.drafter, self.drafter2, self.head, self.clerk):
                with self.subTest(user=user.login), self.assertRaises(Fault):
                    xmlrpc_as(
                        self,
                        user,
                        "snn.document.attachment",
                        "create",
                        [
                            {
                                "document_id": victim.id,
                                "name": "Phụ lục cài vào",
                                "file": docx,
                                "file_name": "cai-vao.docx",
                            }
                        ],
                        FORGED_CONTEXT,
                    )
            self.assertEqual(to_pdf.call_count, 0, "nothing converted for a refused appendix")
        self.env.invalidate_all()
        self.assertFalse(victim.attachment_ids)
