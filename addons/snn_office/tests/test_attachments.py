import base64
import io
import re

from pypdf import PdfReader

from odoo import Command
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_dispatch.tests.common import DispatchCase
from odoo.addons.snn_signing.tests.common import pdfsig

from snn_sign import verify_pdf
from snn_sign.edxml import parse_document
from snn_sign.sample_letter import make_letter_pdf

from .test_office_draft import make_docx


class TestAttachments(DispatchCase):
    """Appendices as files of their own: frozen with the main file, sealed one by one by the
    organisation at issue (the main document's code and the time, top right, no image)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.docx = make_docx("Phụ lục II: Danh sách đơn vị triển khai")
        cls.appendix_pdf = make_letter_pdf()

    def letter_with_attachments(self):
        return self.make_letter(
            attachment_ids=[
                Command.create(
                    {
                        "name": "Phụ lục I",
                        "file": base64.b64encode(self.appendix_pdf),
                        "file_name": "phu-luc-1.pdf",
                        "sequence": 1,
                    }
                ),
                Command.create(
                    {
                        "name": "Phụ lục II",
                        "file": base64.b64encode(self.docx),
                        "file_name": "phu-luc-2.docx",
                        "sequence": 2,
                    }
                ),
            ]
        )

    def test_each_attachment_is_sealed_and_verifies(self):
        document = self.letter_with_attachments()
        first, second = document.attachment_ids.sorted("sequence")
        self.assertEqual(second.file_name, "phu-luc-2.pdf", "the .docx became its PDF")
        self.assertEqual(second.source_file_name, "phu-luc-2.docx")
        self.assertEqual(second.source_file_name, "phu-luc-2.docx")
        self.walk(document, "issued")
        document = document.with_env(self.env)
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

    def test_the_attachments_travel_with_the_document(self):
        document = self.letter_with_attachments()
        document.write({"recipient_ids": [Command.create({"partner_id": self.agency.id})]})
        self.walk(document, "issued")
        document = document.with_env(self.env)
        self.dispatch()
        first, second = document.attachment_ids.sorted("sequence")
        self.assertEqual(first.sealed_file_name, "01-SNN-VP-01-phu-luc-1.pdf")
        self.assertEqual(second.sealed_file_name, "01-SNN-VP-02-phu-luc-2.pdf")
        expected = [
            (document.signed_file_name, document._signed_pdf_bytes()),
            (first.sealed_file_name, first._file_bytes("sealed_file")),
            (second.sealed_file_name, second._file_bytes("sealed_file")),
        ]
        # The edXML message on the exchange: one Reference and one Attachment per file.
        document_id = document._edxml_document_id()
        (message,) = [m for m in self.exchange.received() if m["document_id"] == document_id]
        raw = base64.b64decode(message["edxml"])
        sent = parse_document(raw)
        self.assertEqual([(f.name, f.data) for f in sent.files], expected)
        self.assertEqual(len(re.findall(rb"<(?:\w+:)?Reference\b", raw)), 3)
        self.assertEqual(len(re.findall(rb"<Attachment\b", raw)), 3)
        # The unit in the database gets them as files of its incoming document.
        incoming = document.delivery_ids.filtered(lambda d: d.channel == "internal").incoming_id
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "snn.incoming.document"), ("res_id", "=", incoming.id)]
        )
        self.assertEqual(sorted((a.name, a.raw) for a in files), sorted(expected[1:]))
        self.assertEqual(
            len(files.with_user(self.head2).search([("id", "in", files.ids)])),
            2,
            "the receiving unit's head reads them",
        )
        self.assertFalse(files.with_user(self.drafter2).search([("id", "in", files.ids)]))
        # The e-mail copy carries the same files (and the edXML).
        mail = self.env["mail.mail"].search([("email_to", "=", self.agency.email)])
        self.assertEqual(len(mail), 1)
        pdfs = mail.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")
        self.assertEqual(sorted((a.name, a.raw) for a in pdfs), sorted(expected))
