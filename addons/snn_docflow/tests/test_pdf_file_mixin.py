"""The draft's file through snn.pdf.file.mixin: the engine's one "is it a PDF" test
(snn_sign.pdfinput.looks_like_pdf) when the file is chosen."""

import base64

from odoo.tests import tagged

from .common import PDF_BYTES, DocflowCase


@tagged("post_install", "-at_install")
class TestPdfFileMixin(DocflowCase):
    def choose(self, draft, data, name):
        form = draft.with_user(self.drafter).new(
            {"file": base64.b64encode(data), "file_name": name}, origin=draft
        )
        return form, form._onchange_file_check_upload()

    def test_a_header_beyond_the_first_kib_is_no_pdf_and_the_draft_keeps_its_file(self):
        far = b"x" * 1024 + PDF_BYTES
        draft = self.make_draft()
        form, answer = self.choose(draft, far, "far.pdf")
        self.assertEqual(answer["warning"]["type"], "dialog")
        # What is accepted (snn_office, when installed, names office files too).
        self.assertIn("“far.pdf”", answer["warning"]["message"])
        self.assertIn("PDF", answer["warning"]["message"])
        self.assertEqual(base64.b64decode(form.file), PDF_BYTES, "the draft's file back")
        self.assertEqual(form.file_name, "218-SNN-VP.pdf")
