"""An agency without the exchange e-mails a document to the clerks' mailbox: Odoo's mail
gateway (``message_process``, as the fetchmail server or the mailgate script calls it) turns
the real MIME message into an incoming document of the organisation owning the alias."""

import base64
import datetime as dt
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IncomingCase, agency_message

FROM = "Sở Tài chính tỉnh Tuyên Quang <stc@example.com>"


@tagged("post_install", "-at_install")
class TestMailAlias(IncomingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.alias_domain_id:
            cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
                {"name": "snn.tuyenquang.example"}
            )

    def setUp(self):
        super().setUp()
        self.company.write({"snn_incoming_alias_name": "vanthu"})
        self.address = self.company.snn_incoming_alias_id.alias_full_name

    def test_the_manager_names_the_mailbox(self):
        """In the organisation's settings, without being an administrator of companies; not
        for another organisation."""
        self.company.with_user(self.manager).write({"snn_incoming_alias_name": "vanban.den"})
        alias = self.company.snn_incoming_alias_id
        self.assertEqual(alias.alias_full_name, f"vanban.den@{self.company.alias_domain_id.name}")
        self.assertEqual(alias.alias_model_id.model, "snn.incoming.document")
        with self.assertRaises(AccessError):
            self.company2.with_user(self.manager).write({"snn_incoming_alias_name": "sxd"})
        self.assertFalse(self.company2.snn_incoming_alias_id)

    def mail(self, subject, *attachments):
        """The raw bytes of an e-mail to the alias, with a text body and ``attachments``
        ((name, data, MIME type) triples)."""
        message = EmailMessage()
        message["From"] = FROM
        message["To"] = self.address
        message["Subject"] = subject
        message["Date"] = formatdate()
        message["Message-Id"] = make_msgid(domain="stc.example.com")
        message.set_content("Kính gửi Sở Nông nghiệp và PTNT,\nSở Tài chính gửi văn bản kèm theo.")
        for name, data, mime in attachments:
            maintype, subtype = mime.split("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        return message.as_bytes()

    def process(self, raw):
        return self.env["mail.thread"].message_process(False, raw)

    def by_mail(self):
        return self.env["snn.incoming.document"].search(
            [("source", "=", "email"), ("company_id", "=", self.company.id)]
        )

    def test_pdf_and_edxml_make_one_document(self):
        pdf = ("125-STC-QLNS.pdf", self.signed_pdf, "application/pdf")
        edxml = ("125-STC-QLNS.edxml", agency_message(self.signed_pdf), "application/octet-stream")
        self.process(self.mail("Gửi văn bản số 125/STC-QLNS", pdf, edxml))
        incoming = self.by_mail()
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming.company_id, self.company)
        self.assertEqual(incoming.state, "received")
        self.assertEqual(incoming.code, "125/STC-QLNS")
        self.assertEqual(incoming.issue_date, dt.date(2019, 5, 10))
        self.assertEqual(incoming.sender_organ_id, "000.00.00.H53")
        self.assertEqual(incoming.sender_name, "Sở Tài chính tỉnh Tuyên Quang")
        self.assertEqual(incoming.subject, "V/v thẩm định dự toán kinh phí năm 2019")
        self.assertEqual(incoming.file_name, "125-STC-QLNS.pdf")
        self.assertEqual(
            base64.b64decode(incoming.with_context(bin_size=False).file), self.signed_pdf
        )
        self.assertEqual(incoming.signature_state, "valid")
        # The clerks are asked to register it.
        self.assertIn(self.clerk, incoming.activity_ids.user_id)

        # The same e-mail again (another Message-Id): no second record, the mail is on the first.
        self.process(self.mail("Gửi lại văn bản số 125/STC-QLNS", pdf, edxml))
        self.assertEqual(self.by_mail(), incoming)
        bodies = " ".join(incoming.message_ids.mapped("body"))
        self.assertIn("sent this document again", bodies)
        self.assertIn("Gửi lại văn bản số 125/STC-QLNS", incoming.message_ids.mapped("subject"))

    def test_a_pdf_alone_keeps_the_mail_subject_and_sender(self):
        pdf = ("giay-moi.pdf", self.letter_pdf, "application/pdf")
        self.process(self.mail("Giấy mời họp giao ban quý II", pdf))
        incoming = self.by_mail()
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming.subject, "Giấy mời họp giao ban quý II")
        self.assertIn("stc@example.com", incoming.sender_name)
        self.assertFalse(incoming.code)
        self.assertEqual(incoming.file_name, "giay-moi.pdf")
        self.assertEqual(incoming.signature_state, "unsigned")
