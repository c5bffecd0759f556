"""The periodic report as a real outgoing document: a draft of type "Báo cáo" to the province,
laid out as Decree 30 asks, that goes through the chain and is numbered, stamped and signed
through the token bridge like any other document."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today
from odoo.addons.snn_signing.tests.common import pdfsig

from snn_sign import verify_pdf
from snn_sign.stamp import DATE_RE, NUMBER_RE, find_line, page_lines
from snn_sign.vntime import date_phrase

from .common import ReportCase

# Two-syllable words of the organisation's name: a line break between their syllables is the
# "…PHÁT TRIỂN NÔNG / THÔN" officials read as a word cut in two.
NAME = "Sở Nông nghiệp và Phát triển nông thôn"
WORDS = ("NÔNG NGHIỆP", "PHÁT TRIỂN", "NÔNG THÔN")


# An HttpCase: wkhtmltopdf fetches the report's assets from Odoo's HTTP server (see
# test_period_report.py).
@tagged("post_install", "-at_install")
class TestPeriodDocument(HttpCase, ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The clerk of the office who also drafts (two roles on the user form).
        cls.clerk_drafter = new_test_user(
            cls.env,
            "t_clerk_drafter",
            "snn_docflow.group_clerk,snn_docflow.group_drafter",
            name="Hoàng Thị Văn Phòng",
        )
        cls.env["hr.employee"].create(
            {
                "name": cls.clerk_drafter.name,
                "user_id": cls.clerk_drafter.id,
                "department_id": cls.unit_vp.id,
            }
        )

    def setUp(self):
        super().setUp()
        # The line above the organisation's name (the seal's certificate names the organisation
        # by its full name, kept as the signing set-up has it).
        self.company.snn_governing_body = "Ủy ban nhân dân tỉnh Tuyên Quang"
        self.today = vietnam_today()
        self.quarter = str((self.today.month - 1) // 3 + 1)
        self.letter = self.issue_to(self.unit_khtc)

    def wizard(self, user, **values):
        values = {
            "period": "quarter",
            "year": self.today.year,
            "quarter": self.quarter,
            "signer_id": self.director.id,
            "signer_position": "GIÁM ĐỐC",
            "recipient_id": self.partner.id,
            **values,
        }
        return self.env["snn.period.report"].with_user(user).create(values)

    def made(self):
        """(documents, report types) as the superuser counts them."""
        return (
            self.env["snn.document"].search_count([]),
            self.env["snn.document.type"].with_context(active_test=False).search_count([]),
        )

    def test_the_report_document_goes_through_the_chain_to_issue(self):
        wizard = self.wizard(self.clerk_drafter)
        self.assertEqual(wizard.department_id, self.unit_vp, "the maker's own unit")
        action = wizard.action_make_document()
        self.assertEqual((action["res_model"], action["view_mode"]), ("snn.document", "form"))
        document = self.env["snn.document"].browse(action["res_id"])
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.drafter_id, self.clerk_drafter)
        self.assertEqual(document.document_type_id.code, "BC")
        self.assertEqual(document.document_type_id.company_id, self.company)
        self.assertEqual(document.recipient_ids.partner_id, self.partner)
        self.assertEqual(document.signer_id, self.director)
        self.assertIn("Báo cáo kết quả phát hành văn bản đi quý", document.subject)

        draft = base64.b64decode(document.file)
        lines = page_lines(draft, 0)
        texts = [" ".join(line.text.split()) for line in lines]
        number, when = find_line(lines, NUMBER_RE), find_line(lines, DATE_RE)
        self.assertTrue(number and when, texts)
        self.assertEqual(" ".join(number.text.split()), "Số: /BC-SNN")
        self.assertTrue(" ".join(when.text.split()).startswith("Tuyên Quang, ngày"), when.text)
        self.assertIn("BÁO CÁO", texts)
        self.assertIn("GIÁM ĐỐC", texts)
        self.assertIn("Nguyễn Công Hàm", texts)
        self.assertIn("Nơi nhận:", texts)
        self.assertIn(f"- {self.partner.name} (báo cáo);", texts)
        figures = next(text for text in texts if text.startswith("Văn phòng Công văn"))
        self.assertEqual(figures.split()[4:6], ["1", "1"], "issued, e-signed")

        # The chain, as for any document; the clerk issues it with e-signing.
        document.with_user(self.clerk_drafter).action_submit()
        document.with_user(self.head).action_forward()
        document.with_user(self.director).action_approve()
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "issued")
        self.assertTrue(document.esign)
        self.assertRegex(document.code, r"^\d{2}/BC-SNN$")

        signed = base64.b64decode(document.signed_file)
        self.assertTrue(signed.startswith(draft), "only number, date and signatures added")
        stamped = [" ".join(line.text.split()) for line in page_lines(signed, 0)]
        self.assertIn(f"Số: {document.code}", stamped)
        self.assertIn(date_phrase(document.issue_date, "Tuyên Quang"), stamped)
        self.assertEqual(sum(text.count("/BC-SNN") for text in stamped), 1, stamped)
        report = verify_pdf(signed, [self.running.pki.ca_cert.read_bytes()])
        self.assertTrue(report.ok, report.to_dict())
        output, code = pdfsig(signed)
        self.assertEqual(code, 0, output)
        self.assertEqual(output.count("Signature is Valid."), 2, output)

    def test_the_type_is_the_organisations_own_and_made_once(self):
        self.assertFalse(self.env["snn.document.type"].search([("code", "=", "BC")]))
        first = self.wizard(self.manager, department_id=self.unit_vp.id).action_make_document()
        second = self.wizard(self.manager, department_id=self.unit_vp.id).action_make_document()
        types = (
            self.env["snn.document"]
            .browse([first["res_id"], second["res_id"]])
            .mapped("document_type_id")
        )
        self.assertEqual(len(types), 1)
        self.assertEqual((types.name, types.company_id), ("Báo cáo", self.company))
        self.assertEqual(self.env["snn.document.type"].search_count([("code", "=", "BC")]), 1)

    def test_nothing_is_made_on_a_bad_input(self):
        before = self.made()
        cases = (
            ("a clerk who does not draft", self.clerk, {}, AccessError, "Drafter role"),
            ("no signer", self.clerk_drafter, {"signer_id": False}, UserError, "the signer"),
            (
                "a head signs",
                self.clerk_drafter,
                {"signer_id": self.head.id},
                UserError,
                "director",
            ),
            ("no position", self.clerk_drafter, {"signer_position": " "}, UserError, "position"),
            ("no recipient", self.clerk_drafter, {"recipient_id": False}, UserError, "province"),
        )
        for label, user, values, error, words in cases:
            with self.subTest(label), self.assertRaises(error) as caught:
                self.wizard(user, **values).action_make_document()
            self.assertIn(words, str(caught.exception), label)
        self.env.invalidate_all()
        self.assertEqual(self.made(), before)

    def test_an_archived_report_type_is_not_replaced(self):
        kind = self.env["snn.document.type"].create(
            {"name": "Báo cáo", "code": "BC", "register_id": self.register.id, "active": False}
        )
        before = self.made()
        with self.assertRaises(UserError) as caught:
            self.wizard(self.clerk_drafter).action_make_document()
        self.assertIn("archived", str(caught.exception))
        self.assertEqual(self.made(), before)
        kind.active = True
        action = self.wizard(self.clerk_drafter).action_make_document()
        self.assertEqual(self.env["snn.document"].browse(action["res_id"]).document_type_id, kind)

    def test_the_organisations_name_is_never_cut_inside_a_word(self):
        self.company.write(
            {"snn_org_full_name": NAME, "snn_governing_body": "Ủy ban nhân dân tỉnh Tuyên Quang"}
        )
        wizard = self.wizard(self.manager, department_id=self.unit_vp.id)
        plain, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("snn_report.action_report_period", wizard.ids)
        )
        for label, pdf in (("plain PDF", plain), ("document", wizard._document_pdf())):
            texts = [" ".join(line.text.split()) for line in page_lines(pdf, 0)]
            end = next(i for i, text in enumerate(texts) if text.startswith(("Số:", "BÁO CÁO")))
            head = texts[:end]  # the header's lines (a line may hold the motto's too)
            with self.subTest(label):
                for word in (*WORDS, "ỦY BAN NHÂN DÂN", "TUYÊN QUANG"):
                    self.assertTrue(any(word in text for text in head), (word, head))
