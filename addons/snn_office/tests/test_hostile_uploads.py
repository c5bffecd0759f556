"""Uploads are hostile until proven otherwise: who may not write a document never starts
LibreOffice, a file over the upload limit is refused before it is decoded, and the ZIP limits
are the system parameters'. Every refusal leaves the record as it was (re-read as superuser).

The Odoo-free side (links fetched, ZIP bombs, the converter's profile, namespace and memory
limit) is tests/test_convert_hostile.py.
"""

import base64
import io
import zipfile
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.snn_dispatch.tests.common import DispatchCase
from odoo.addons.snn_office.models import office_conversion

from .test_office_draft import make_docx

MIB = 1024 * 1024


class TestHostileUploads(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.docx = make_docx()
        cls.portal = new_test_user(cls.env, "t_portal_upload", "base.group_portal")
        cls.params = cls.env["ir.config_parameter"].sudo()

    def setUp(self):
        super().setUp()
        # Every conversion the models ask for, counted (and still run).
        spy = patch.object(office_conversion, "to_pdf", wraps=office_conversion.to_pdf)
        self.to_pdf = spy.start()
        self.addCleanup(spy.stop)

    def bytes_of(self, document, field):
        return base64.b64decode(document.sudo().with_context(bin_size=False)[field])

    def documents_named(self, subject):
        return self.env["snn.document"].sudo().search_count([("subject", "=", subject)])

    def test_no_conversion_for_who_may_not_create_a_document(self):
        subject = "V/v thử tải lên của người không có quyền"
        for user in (self.portal, self.outsider):
            with self.subTest(user=user.login), self.assertRaisesExactly(AccessError):
                self.env["snn.document"].with_user(user).create(
                    {
                        "subject": subject,
                        "document_type_id": self.type_letter.id,
                        "department_id": self.unit_vp.id,
                        "file": base64.b64encode(self.docx),
                        "file_name": "tan-cong.docx",
                    }
                )
        self.assertEqual(self.to_pdf.call_count, 0, "LibreOffice was started")
        self.assertEqual(self.documents_named(subject), 0)

    def test_no_conversion_for_who_may_not_change_the_draft(self):
        document = self.make_draft()
        before = self.bytes_of(document, "file")
        for user in (self.portal, self.outsider, self.drafter2):
            with self.subTest(user=user.login), self.assertRaisesExactly(AccessError):
                document.with_user(user).write(
                    {"file": base64.b64encode(self.docx), "file_name": "tan-cong.docx"}
                )
        document.with_user(self.drafter).action_submit()
        with self.assertRaisesExactly(UserError):  # frozen: refused before converting too
            document.with_user(self.drafter).write(
                {"file": base64.b64encode(self.docx), "file_name": "muon.docx"}
            )
        self.assertEqual(self.to_pdf.call_count, 0, "LibreOffice was started")
        self.assertEqual(self.bytes_of(document, "file"), before)
        self.assertFalse(document.sudo().source_file)

    def test_an_upload_over_the_limit_is_refused_before_it_is_read(self):
        self.params.set_param("snn_docflow.max_upload_mb", "1")
        big = self.docx + b"\0" * (MIB + MIB // 5)  # about 1.2 MB
        subject = "V/v dự thảo quá lớn"
        with patch.object(office_conversion.base64, "b64decode") as decode:
            with self.assertRaisesExactly(UserError) as caught:
                self.make_draft(subject=subject, file=base64.b64encode(big), file_name="lon.docx")
            self.assertEqual(decode.call_count, 0, "decoded before the size was known")
        message = str(caught.exception)
        self.assertIn("“lon.docx” is 1.2 MB; files larger than 1 MB are not accepted", message)
        self.assertEqual(self.documents_named(subject), 0)

        document = self.make_draft()
        before = self.bytes_of(document, "file")
        with self.assertRaisesExactly(UserError) as caught:
            document.with_user(self.drafter).write(
                {"file": base64.b64encode(big), "file_name": "lon.docx"}
            )
        self.assertIn("files larger than 1 MB are not accepted", str(caught.exception))
        self.assertEqual(self.bytes_of(document, "file"), before)
        self.assertEqual(document.sudo().file_name, "218-SNN-VP.pdf")
        self.assertEqual(self.to_pdf.call_count, 0)
        # Under the limit, the same kind of file goes through.
        self.params.set_param("snn_docflow.max_upload_mb", "5")
        document.with_user(self.drafter).write(
            {"file": base64.b64encode(self.docx), "file_name": "vua.docx"}
        )
        self.assertEqual(self.bytes_of(document, "source_file"), self.docx)

    def test_the_zip_limits_are_system_parameters(self):
        xml = io.BytesIO()
        with zipfile.ZipFile(xml, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w/>" * (MIB // 2))  # 2 MiB unpacked
        document = self.make_draft()
        before = self.bytes_of(document, "file")
        self.params.set_param("snn_office.max_unzipped_mb", "1")
        with self.assertRaisesExactly(UserError) as caught:
            document.with_user(self.drafter).write(
                {"file": base64.b64encode(xml.getvalue()), "file_name": "nen.docx"}
            )
        message = str(caught.exception)
        self.assertIn("“nen.docx” cannot be used", message)
        self.assertIn("comes to 2 MB, over the limit of 1 MB", message)
        self.assertNotIn("vượt giới hạn 1 MB", message)
        self.assertEqual(self.bytes_of(document, "file"), before)
        self.assertFalse(document.sudo().source_file)

        self.params.set_param("snn_office.max_unzipped_mb", "")
        self.params.set_param("snn_office.max_zip_members", "1")
        with self.assertRaisesExactly(UserError) as caught:
            document.with_user(self.drafter).write(
                {"file": base64.b64encode(self.docx), "file_name": "nhieu.docx"}
            )
        self.assertIn("more than 1 compressed parts", str(caught.exception))
        self.assertEqual(self.bytes_of(document, "file"), before)
