"""An appendix's file is checked when it is chosen, as the draft's is (snn.pdf.file.mixin):
what cannot be used is refused with a dialog, and the appendix keeps the file it had."""

import base64

from odoo import Command

from odoo.addons.snn_signing.tests.common import SigningCase

from snn_sign_testkit.sample_letter import make_letter_pdf

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(32)  # a picture chosen by mistake


class TestAttachmentUpload(SigningCase):
    def test_an_unusable_appendix_file_is_refused_when_chosen_and_the_old_one_kept(self):
        appendix_pdf = make_letter_pdf()
        document = self.make_letter(
            attachment_ids=[
                Command.create(
                    {
                        "name": "Phụ lục I",
                        "file": base64.b64encode(appendix_pdf),
                        "file_name": "phu-luc-1.pdf",
                    }
                )
            ]
        )
        appendix = document.attachment_ids
        cases = {
            "photo.png": (PNG_BYTES, "PDF"),
            "broken.pdf": (b"%PDF-1.4\nthis is not a PDF body at all", "damaged PDF"),
        }
        for name, (data, said) in cases.items():
            with self.subTest(file=name):
                form = appendix.with_user(self.drafter).new(
                    {"file": base64.b64encode(data), "file_name": name}, origin=appendix
                )
                answer = form._onchange_file_check_upload()
                self.assertEqual(answer["warning"]["type"], "dialog")
                self.assertIn(said, answer["warning"]["message"])
                self.assertIn(name, answer["warning"]["message"])
                self.assertEqual(base64.b64decode(form.file), appendix_pdf, "its file back")
                self.assertEqual(form.file_name, "phu-luc-1.pdf")
        good = appendix.with_user(self.drafter).new(
            {"file": base64.b64encode(appendix_pdf), "file_name": "new.pdf"}, origin=appendix
        )
        self.assertIsNone(good._onchange_file_check_upload())
