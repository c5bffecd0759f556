"""Search by the text of the PDF, and the search views, as the people who use them: documents
issued for real (stamped and signed through the token bridge, dispatched by the scheduled
action), their PDFs indexed by Odoo's attachment_indexation when the binary fields are written.

Searches are limited to the records made by each test: a database may hold other documents
made of the same sample letter (other tests' committed data, demo data)."""

import base64
import secrets
import unicodedata
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.snn_dispatch.tests.common import DispatchCase

from snn_sign.vntime import date_phrase
from snn_sign_testkit import sample_letter

# The body of one more letter: its words are in no other document.
DAM_BODY = "Nghiệm thu công trình thủy lợi hồ Khuôn Lắm, huyện Hàm Yên, trước mùa mưa lũ."
# In the seed letter, across a line break ("… chữ ký số" / "chuyên dùng Chính phủ trong …").
BROKEN_PHRASE = "chữ ký số chuyên dùng Chính phủ trong hoạt động"
BLANK_DATE_LINE = "Tuyên Quang, ngày tháng năm 2019"  # the template's, before the stamp


class TestPdfTextSearch(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with patch.object(sample_letter, "BODY", [DAM_BODY]):
            cls.dam_pdf = sample_letter.make_letter_pdf()

    def setUp(self):
        super().setUp()
        self.floor = {
            name: self.env[name].search([], order="id desc", limit=1).id or 0
            for name in ("snn.document", "snn.incoming.document")
        }

    # ------------------------------------------------------------------ helpers

    def found(self, user, text, operator="ilike", model="snn.document"):
        """What ``user`` finds searching the text of the PDFs (this test's records only)."""
        records = (
            self.env[model]
            .with_user(user)
            .search([("pdf_text", operator, text), ("id", ">", self.floor[model])])
        )
        return records.with_env(self.env)

    def make_dam_letter(self, **values):
        return self.make_draft(
            file=base64.b64encode(self.dam_pdf + f"%{secrets.token_hex(4)}\n".encode()),
            file_name="dam.pdf",
            **values,
        )

    def index_of(self, record, field_name):
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("res_field", "=", field_name),
            ]
        )
        self.assertEqual(len(attachment), 1, f"{record._name}.{field_name} has its attachment")
        return attachment

    # ------------------------------------------------------------------ outgoing documents

    def test_an_issued_document_is_found_by_its_signed_pdf(self):
        letter = self.issue_to(self.agency)
        dam = self.walk(self.make_dam_letter(), "issued").with_env(self.env)
        self.assertTrue(dam.esign and dam.signed_file)
        self.assertNotEqual(letter.code, dam.code)
        self.assertEqual(letter.issue_date, dam.issue_date)
        stamped_date = date_phrase(letter.issue_date, "Tuyên Quang")

        # Odoo indexed the signed file written by the issue: its stamped number and date in.
        signed_index = self.index_of(letter, "signed_file").index_content
        self.assertIn(f"Số: {letter.code}", signed_index)
        self.assertIn(stamped_date, signed_index)
        self.assertTrue(unicodedata.is_normalized("NFC", signed_index))

        for user in (self.drafter, self.clerk, self.drafter2):
            who = user.name
            self.assertEqual(self.found(user, "quán triệt"), letter, who)
            self.assertEqual(self.found(user, "Khuôn Lắm"), dam, who)
            self.assertEqual(self.found(user, "KHUÔN LẮM"), dam, f"{who}: Vietnamese case")
            self.assertEqual(self.found(user, letter.code), letter, who)
            self.assertEqual(self.found(user, f"Số: {dam.code}"), dam, who)
            self.assertEqual(self.found(user, stamped_date), letter | dam, who)
            self.assertEqual(self.found(user, "Nguyễn Công Hàm"), letter | dam, who)
            self.assertFalse(self.found(user, "Khuôn Lắm nghiệm thu"), who)
        # Words typed decomposed (some Vietnamese keyboards), a phrase across a line break.
        decomposed = unicodedata.normalize("NFD", "Khuôn Lắm")
        self.assertNotEqual(decomposed, "Khuôn Lắm")
        self.assertEqual(self.found(self.drafter, decomposed), dam)
        self.assertEqual(self.found(self.drafter, f"  {BROKEN_PHRASE} "), letter)

    def test_the_drafts_pdf_until_the_signed_one_replaces_it(self):
        document = self.make_letter()
        self.assertEqual(self.found(self.drafter, "quán triệt"), document)
        self.assertEqual(self.found(self.drafter, BLANK_DATE_LINE), document)
        self.assertFalse(self.found(self.drafter2, "quán triệt"), "another drafter's draft")

        self.walk(document, "issued")
        document = document.with_env(self.env)
        # The draft's PDF is still there, blank date line and all; the signed one is searched.
        self.assertIn(BLANK_DATE_LINE, self.index_of(document, "file").index_content)
        self.assertNotIn(BLANK_DATE_LINE, self.index_of(document, "signed_file").index_content)
        for user in (self.drafter, self.drafter2, self.clerk):
            self.assertFalse(self.found(user, BLANK_DATE_LINE), user.name)
            self.assertEqual(self.found(user, document.code), document, user.name)
            self.assertEqual(self.found(user, "quán triệt"), document, user.name)

    def test_a_secret_document_is_found_only_by_who_may_read_it(self):
        letter = self.issue_to(self.agency)
        secret = self.make_letter(confidentiality="confidential")
        self.walk(secret, "issued")
        secret = secret.with_env(self.env)
        self.assertEqual(secret.paper_reason, "secret")
        self.assertFalse(secret.signed_file)
        # Issued on paper: its PDF is the approved one, with the same words.
        everything = self.env["snn.document"].search(
            [("pdf_text", "ilike", "quán triệt"), ("id", ">", self.floor["snn.document"])]
        )
        self.assertEqual(everything, letter | secret)
        for user in (self.drafter, self.head, self.director, self.clerk, self.manager):
            self.assertEqual(self.found(user, "quán triệt"), letter | secret, user.name)
            self.assertEqual(self.found(user, BLANK_DATE_LINE), secret, user.name)
        for user in (self.drafter2, self.head2, self.director2, self.member_khtc):
            self.assertEqual(self.found(user, "quán triệt"), letter, user.name)
            self.assertFalse(self.found(user, BLANK_DATE_LINE), user.name)

    def test_operators(self):
        document = self.make_letter()
        dam = self.make_dam_letter()
        text = self.index_of(dam, "file").index_content
        user = self.drafter
        self.assertEqual(self.found(user, "%khuôn lắm%", "=ilike"), dam)
        self.assertFalse(self.found(user, "khuôn lắm", "=ilike"), "=ilike: the whole text")
        self.assertEqual(self.found(user, "Khuôn Lắm", "like"), dam)
        self.assertFalse(self.found(user, "khuôn lắm", "like"), "like: case counts")
        self.assertEqual(self.found(user, "%Khuôn Lắm%", "=like"), dam)
        self.assertEqual(self.found(user, text, "="), dam)
        self.assertEqual(self.found(user, [text, "nothing"], "in"), dam)
        self.assertFalse(self.found(user, "Khuôn Lắm", "="))
        self.assertEqual(self.found(user, "Tuyên Quang"), document | dam)
        for operator, value in (
            ("not ilike", "Khuôn Lắm"),
            ("!=", "Khuôn Lắm"),
            ("not in", ["Khuôn Lắm"]),
            ("=", False),
            ("in", [text, False]),
        ):
            with self.assertRaisesExactly(UserError):
                self.found(user, value, operator)

    def test_search_by_recipient_name_as_in_the_search_view(self):
        to_agency = self.make_letter(recipient_ids=[Command.create({"partner_id": self.agency.id})])
        to_unit = self.make_letter(
            recipient_ids=[Command.create({"department_id": self.unit_khtc.id})]
        )
        arch = self.search_arch("snn.document", self.drafter)
        recipient = arch.xpath("//field[@name='recipient_ids']")[0].get("filter_domain")
        Document = self.env["snn.document"].with_user(self.drafter)
        mine = [("id", ">", self.floor["snn.document"])]

        def by_recipient(name):
            return Document.search(safe_eval(recipient, {"self": name}) + mine).with_env(self.env)

        self.assertEqual(by_recipient("Sở Tài chính"), to_agency)
        self.assertEqual(by_recipient("Kế hoạch - Tài chính"), to_unit)
        self.assertEqual(by_recipient("Tài chính"), to_agency | to_unit)
        self.assertFalse(by_recipient("UBND tỉnh"))
        pdf_text = arch.xpath("//field[@name='pdf_text']")
        self.assertEqual(pdf_text[0].get("string"), "Text of the PDF")

    # ------------------------------------------------------------------ incoming documents

    def test_incoming_documents_are_found_by_their_pdf_text(self):
        document = self.issue_to(self.unit_khtc, self.company2.partner_id)
        self.dispatch()
        incoming = document.delivery_ids.incoming_id
        self.assertEqual(len(incoming), 2)
        to_unit = incoming.filtered("department_id")
        to_company2 = incoming - to_unit
        self.assertIn(f"Số: {document.code}", self.index_of(to_unit, "file").index_content)

        def found(user, text):
            return self.found(user, text, model="snn.incoming.document")

        for user in (self.head2, self.member_khtc):
            self.assertEqual(found(user, "quán triệt"), to_unit, user.name)
            self.assertEqual(found(user, document.code), to_unit, user.name)
            self.assertEqual(
                found(user, date_phrase(document.issue_date, "Tuyên Quang")), to_unit, user.name
            )
            self.assertFalse(found(user, "Khuôn Lắm"), user.name)
        self.assertEqual(found(self.clerk2, "quán triệt"), to_company2)
        for user in (self.head, self.drafter, self.clerk):
            self.assertFalse(found(user, "quán triệt"), user.name)
        self.assertEqual(found(self.manager, "quán triệt"), to_unit, "the manager's company only")
        with self.assertRaisesExactly(UserError):
            self.found(self.head2, "quán triệt", "not ilike", model="snn.incoming.document")

    # ------------------------------------------------------------------ views

    def search_arch(self, model, user):
        view = {
            "snn.document": "snn_docflow.snn_document_view_search",
            "snn.incoming.document": "snn_dispatch.snn_incoming_document_view_search",
        }[model]
        arch = (
            self.env[model]
            .with_user(user)
            .get_view(self.env.ref(view).id, view_type="search")["arch"]
        )
        return etree.fromstring(arch)

    def test_the_search_views_show_every_field_to_every_role(self):
        fields = {
            "subject",
            "code",
            "document_type_id",
            "register_id",
            "department_id",
            "signer_id",
            "recipient_ids",
            "pdf_text",
        }
        filters = {
            "issued",
            "recalled",
            "cancelled",
            "issue_date",
            "urgent",
            "secret",
            "group_urgency",
            "group_confidentiality",
            "group_register",
        }
        roles = (self.drafter, self.head, self.director, self.clerk, self.manager)
        for user in roles:
            arch = self.search_arch("snn.document", user)
            self.assertLessEqual(fields, set(arch.xpath("//field/@name")), user.name)
            self.assertLessEqual(filters, set(arch.xpath("//filter/@name")), user.name)
        fields = {"subject", "code", "sender_name", "signer_name", "pdf_text"}
        filters = {"to_handle", "done", "refused", "withdrawn", "urgent", "flash", "issue_date"}
        filters |= {"received_at", "group_state", "group_urgency", "group_sender"}
        for user in (self.member_khtc, self.head2, self.clerk2, self.manager):
            arch = self.search_arch("snn.incoming.document", user)
            self.assertLessEqual(fields, set(arch.xpath("//field/@name")), user.name)
            self.assertLessEqual(filters, set(arch.xpath("//filter/@name")), user.name)
        # Every filter's domain and group-by is valid on its model.
        for model in ("snn.document", "snn.incoming.document"):
            Model = self.env[model].with_user(self.manager)
            for node in self.search_arch(model, self.manager).xpath("//filter[@domain]"):
                Model.search_count(safe_eval(node.get("domain"), {"uid": self.manager.id}))
            for node in self.search_arch(model, self.manager).xpath("//filter[@context]"):
                group_by = safe_eval(node.get("context")).get("group_by")
                if group_by:
                    Model.formatted_read_group([], [group_by], ["__count"])

    # ------------------------------------------------------------------ indexing

    def test_pdf_text_is_indexed_in_nfc_with_single_spaces(self):
        decomposed = unicodedata.normalize("NFD", "Hồ  Khuôn Lắm\nđã nghiệm thu")
        Attachment = self.env["ir.attachment"]
        with patch.object(type(Attachment), "_index_pdf", lambda _self, _data: decomposed):
            content = Attachment._index(b"%PDF-1.4 " + secrets.token_bytes(8), "application/pdf")
        self.assertEqual(content, "Hồ Khuôn Lắm đã nghiệm thu")

    def test_pdfs_stored_before_the_module_are_indexed_again(self):
        document = self.make_dam_letter()
        attachment = self.index_of(document, "file")
        text = attachment.index_content
        attachment.index_content = False
        self.assertFalse(self.found(self.drafter, "Khuôn Lắm"))
        self.assertGreaterEqual(self.env["ir.attachment"]._reindex_pdf_text(), 1)
        self.assertEqual(attachment.index_content, text)
        self.assertEqual(self.found(self.drafter, "Khuôn Lắm"), document)
