import base64
import re

from odoo import Command

from odoo.addons.snn_dispatch.tests.common import DispatchCase
from odoo.addons.snn_signing.tests.common import appendices

from snn_edxml.edxml import parse_document
from snn_sign_testkit.sample_letter import make_letter_pdf


class TestAttachmentDispatch(DispatchCase):
    """The sealed appendices (snn_signing) go wherever the signed document goes, after it and
    in their order: the edXML message, the e-mail, a unit's incoming document."""

    def test_the_attachments_travel_with_the_document(self):
        appendix = make_letter_pdf()
        document = self.make_letter(
            attachment_ids=appendices(appendix, ((2, "II"), (1, "I"))),
        )
        # A unit of the database (the draft's own lines) and an agency on the exchange.
        document.write({"recipient_ids": [Command.create({"partner_id": self.agency.id})]})
        self.walk(document, "issued")
        document = document.with_env(self.env)
        self.dispatch()
        first, second = document.attachment_ids.sorted("sequence")
        expected = [
            (document.signed_file_name, document._signed_pdf_bytes()),
            (first.sealed_file_name, first._file_bytes("sealed_file")),
            (second.sealed_file_name, second._file_bytes("sealed_file")),
        ]
        self.assertTrue(all(data.startswith(b"%PDF-") for _name, data in expected))
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
