import base64
import io

from pypdf import PdfReader

from odoo import Command
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_signing.tests.common import SigningCase, appendices, pdfsig

from snn_sign import verify_pdf
from snn_sign_testkit.sample_letter import make_letter_pdf


class TestAttachments(SigningCase):
    """Appendices as files of their own: frozen with the main file, sealed one by one by the
    organisation at issue (the main document's code and the time, top right, no image).
    (Office appendices: snn_office's test_attachment_office.py; sent with the document:
    snn_dispatch's test_attachment_dispatch.py.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.appendix_pdf = make_letter_pdf()

    def letter_with_attachments(self):
        return self.make_letter(attachment_ids=appendices(self.appendix_pdf))

    def test_each_attachment_is_sealed_and_verifies(self):
        document = self.letter_with_attachments()
        self.walk(document, "issued")
        document = document.with_env(self.env)
        first, second = document.attachment_ids.sorted("sequence")
        self.assertEqual(first.sealed_file_name, "01-SNN-VP-01-phu-luc-1.pdf")
        self.assertEqual(second.sealed_file_name, "01-SNN-VP-02-phu-luc-2.pdf")
        roots = [self.running.pki.ca_cert.read_bytes()]
        for attachment in (first, second):
            sealed = attachment._file_bytes("sealed_file")
            self.assertTrue(sealed.startswith(attachment._file_bytes()), "an incremental update")
            report = verify_pdf(sealed, roots)
            self.assertTrue(report.ok, report.to_dict())
            output, code = pdfsig(sealed)
            self.assertEqual(code, 0, output)
            self.assertEqual(output.count("Signature is Valid."), 1, output)
            # No image, top right of page 1 (the text is the appearance's, checked by the
            # engine's tests; text extraction does not read annotations).
            (widget,) = PdfReader(io.BytesIO(sealed)).pages[0].get("/Annots")
            box = PdfReader(io.BytesIO(sealed)).pages[0].mediabox
            x0, y0, x1, y1 = (float(v) for v in widget.get_object()["/Rect"])
            self.assertGreater(x0, float(box.width) / 2, "right half")
            self.assertGreater(y0, float(box.height) * 3 / 4, "top quarter")
            self.assertLess(x1, float(box.width))
            self.assertLess(y1, float(box.height))
            signature = attachment.signature_ids
            self.assertRecordValues(
                signature, [{"kind": "attachment", "valid": True, "document_id": document.id}]
            )
            self.assertTrue(signature.signing_time.endswith("+07:00"))
        # The signature panel of the document lists them with its own two.
        self.assertEqual(
            sorted(document.signature_ids.mapped("kind")),
            ["attachment", "attachment", "organization", "personal"],
        )
        document.with_user(self.clerk).action_verify_signatures()
        self.assertEqual(len(document.signature_ids), 4)
        self.assertTrue(all(document.signature_ids.mapped("valid")))

    def test_attachments_are_frozen_with_the_main_file(self):
        document = self.letter_with_attachments()
        document.with_user(self.drafter).action_submit()
        attachment = document.attachment_ids[:1]
        with self.assertRaises(UserError):
            attachment.with_user(self.drafter).write({"file": base64.b64encode(self.appendix_pdf)})
        with self.assertRaises(UserError):
            self.env["snn.document.attachment"].with_user(self.drafter).create(
                {"document_id": document.id, "name": "late", "file": base64.b64encode(b"%PDF-")}
            )
        with self.assertRaises(UserError):
            attachment.with_user(self.drafter).unlink()
        for user in (self.drafter, self.clerk, self.manager):
            with self.assertRaises(AccessError):
                attachment.with_user(user).write({"approved_sha256": "0" * 64})
        other = self.env["snn.document.attachment"].with_user(self.drafter2)
        self.assertFalse(other.search([("document_id", "=", document.id)]))
        self.env.invalidate_all()
        self.assertEqual(attachment._file_bytes(), self.appendix_pdf + b"%I\n")
        self.assertFalse(attachment.approved_sha256)
        self.assertEqual(len(document.attachment_ids), 2)

    def test_an_attachment_changed_after_approval_stops_the_issue(self):
        document = self.walk(self.letter_with_attachments(), "approved")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document_attachment SET approved_sha256 = %s WHERE id = %s",
            ["0" * 64, document.attachment_ids[:1].id],
        )
        self.env.invalidate_all()
        with self.assertRaises(UserError) as caught:
            document.with_user(self.clerk).action_issue()
        self.assertIn("Phụ lục I", str(caught.exception))
        self.assertRecordValues(document, [{"state": "approved", "number": 0, "code": False}])

    def test_an_attachment_that_cannot_be_sealed_means_no_issue(self):
        broken = b"%PDF-1.7\n% not a real PDF body\n%%EOF\n"
        document = self.make_letter(
            attachment_ids=[
                Command.create(
                    {"name": "Phụ lục hỏng", "file": base64.b64encode(broken), "file_name": "x.pdf"}
                )
            ]
        )
        self.walk(document, "approved")
        with self.assertRaises(UserError):
            document.with_user(self.clerk).action_issue()
        document = document.with_env(self.env)
        self.assertRecordValues(
            document, [{"state": "approved", "number": 0, "esign": False, "signed_file": False}]
        )
        self.assertFalse(document.attachment_ids.sealed_file)
        self.assertFalse(document.signature_ids)
