import base64
import io
from datetime import timedelta

import openpyxl
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from .common import ReportCase, pdf_text


# An HttpCase: wkhtmltopdf fetches the report's assets from Odoo's HTTP server, and under
# Odoo's own runner (odoo-bin --test-enable holds the registry lock for the whole run) that
# server answers during a test only when the registry is in test mode, as an HttpCase puts it;
# from any other case the PDF waits for ever. Post-install, as Odoo's own report tests.
@tagged("post_install", "-at_install")
class TestRegister(HttpCase, ReportCase):
    """The outgoing register of Decree 30 Annex IV: one row per number, whatever became of
    the document, the ten columns filled from the document, its dispatch and its printing."""

    def setUp(self):
        super().setUp()
        self.signed = self.issue_to(self.unit_khtc, self.partner)  # 01, e-signed, sent
        self.dispatch()
        self.cancelled = self.issue_to(self.unit_khtc)  # 02, cancelled after issue
        self.cancelled.with_user(self.clerk).action_cancel("Sai nơi nhận")
        self.recalled = self.issue_to(self.unit_khtc)  # 03, recalled after sending
        self.dispatch()
        self.recalled.with_user(self.clerk).action_recall("Thay bằng văn bản khác")
        self.paper = self.issue_on_paper(self.partner)  # 04
        self.secret = self.issue_secret(self.unit_khtc)  # 01 of the confidential register
        self.draft = self.make_letter()  # never numbered: not in the register
        self.today = vietnam_today()

    def entries(self, register, user=None):
        register = register.with_user(user or self.clerk)
        year = self.today.replace(month=1, day=1), self.today.replace(month=12, day=31)
        return register._register_entries(*year)

    def test_every_number_has_its_row_in_order_with_the_ten_columns(self):
        self.paper.with_user(self.clerk).action_print_paper(3, "VT, KHTC")
        entries = self.entries(self.register)
        self.assertEqual([e.number for e in entries], [1, 2, 3, 4], "no hole, no extra row")
        self.assertEqual(
            [e.code for e in entries],
            [d.code for d in (self.signed, self.cancelled, self.recalled, self.paper)],
        )
        first, second, third, fourth = entries
        today = self.today.strftime("%d/%m/%Y")
        self.assertEqual(first.code, "01/SNN-VP")
        self.assertEqual(first.date, today)
        self.assertEqual(first.subject, f"Công văn {self.signed.subject}")
        self.assertEqual(first.signer, "Nguyễn Công Hàm")
        self.assertEqual(first.recipients, "Kế hoạch - Tài chính; UBND tỉnh Tuyên Quang")
        self.assertEqual(first.sent, today, "sent electronically today")
        self.assertEqual((first.file_copy_holder, first.copies, first.receipt), ("", "", ""))
        self.assertEqual(first.note, "E-signed")
        self.assertEqual(second.note, "Cancelled: Sai nơi nhận; E-signed")
        self.assertEqual(third.note, "Recalled: Thay bằng văn bản khác; E-signed")
        self.assertEqual(fourth.code, "04/SNN-VP")
        self.assertEqual(fourth.note, "Paper: Before e-signing started")
        self.assertEqual((fourth.file_copy_holder, fourth.copies), ("VT, KHTC", "3"))
        self.assertEqual(fourth.sent, today, "a paper document goes out when it is printed")
        self.assertEqual(second.sent, "", "cancelled before anything was sent")

    def test_replacements_and_corrections_are_noted_both_ways(self):
        replacement = self.signed.with_user(self.drafter).action_replace()
        self.walk(replacement, "issued")  # 05
        correction = replacement.with_env(self.env).with_user(self.drafter).action_correct()
        correction.write({"file": self.paper.file, "signer_id": self.director.id})
        self.walk(correction, "issued")  # 06
        notes = {e.code: e.note for e in self.entries(self.register)}
        today = self.today.strftime("%d/%m/%Y")
        self.assertEqual(notes["01/SNN-VP"], f"Replaced by 05/SNN-VP of {today}; E-signed")
        self.assertEqual(
            notes["05/SNN-VP"],
            f"Replaces 01/SNN-VP of {today}; Corrected by 06/SNN-VP of {today}; E-signed",
        )
        self.assertEqual(notes["06/SNN-VP"], f"Corrects 05/SNN-VP of {today}; E-signed")

    def test_the_day_sent_is_the_first_electronic_send_or_the_paper_print(self):
        fresh = self.issue_to(self.unit_khtc)  # 05, e-signed, not sent yet
        fresh.with_user(self.clerk).action_print_paper(1, "VT")
        self.assertEqual(self.entries(self.register)[-1].sent, "", "printed, not yet sent")
        self.dispatch()
        self.assertEqual(self.entries(self.register)[-1].sent, self.today.strftime("%d/%m/%Y"))

    def test_a_paper_issue_without_a_reason_was_before_e_signing(self):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document SET paper_reason = NULL WHERE id = %s", [self.paper.id]
        )
        self.paper.invalidate_recordset(["paper_reason"])
        self.assertEqual(self.entries(self.register)[3].note, "Paper: Before e-signing started")

    def test_a_unit_of_another_organisation_is_named_as_recipient(self):
        unit = self.env["hr.department"].create(
            {"name": "Phòng Quản lý xây dựng", "company_id": self.company2.id}
        )
        self.assertFalse(unit.with_user(self.clerk).has_access("read"))
        self.issue_to(unit)  # 05
        self.assertEqual(self.entries(self.register)[-1].recipients, "Phòng Quản lý xây dựng")

    def test_secret_documents_are_in_their_own_register(self):
        entries = self.entries(self.register_secret)
        self.assertEqual([(e.number, e.code) for e in entries], [(1, self.secret.code)])
        self.assertEqual(entries[0].note, "Confidential; Paper: Secret document")
        # Its number 01 is the confidential register's: the outgoing register's 01 is another.
        normal = self.entries(self.register)
        self.assertEqual([e.number for e in normal], [1, 2, 3, 4])
        self.assertNotIn("Confidential", " ".join(e.note for e in normal))

    def test_a_gap_in_the_numbers_is_printed_not_hidden(self):
        self.env.flush_all()
        self.env.cr.execute("UPDATE snn_document SET number = 6 WHERE id = %s", [self.paper.id])
        self.paper.invalidate_recordset(["number"])
        entries = self.entries(self.register)
        self.assertEqual([e.number for e in entries], [1, 2, 3, 4, 6])
        self.assertTrue(entries[3].missing)
        self.assertEqual(entries[3].code, "04–05")
        self.assertIn("gap", entries[3].note)

    def test_a_date_range_keeps_only_its_numbers(self):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document SET issue_date = issue_date - 40 WHERE id = %s",
            [self.signed.id],
        )
        self.signed.invalidate_recordset(["issue_date"])
        entries = self.register.with_user(self.clerk)._register_entries(
            self.today - timedelta(days=10), self.today
        )
        self.assertEqual([e.number for e in entries], [2, 3, 4])

    def test_who_prints_which_register(self):
        year = self.today.replace(month=1, day=1), self.today.replace(month=12, day=31)
        for user in (self.drafter, self.head, self.director, self.outsider):
            with self.assertRaises(AccessError, msg=user.name):
                self.register.with_user(user)._register_entries(*year)
            with self.assertRaises(AccessError, msg=user.name):
                self.register_wizard(user, self.register)
        # The director signed the secret document and may read it, not the secret register.
        self.assertTrue(self.secret.with_user(self.director).has_access("read"))
        with self.assertRaises(AccessError):
            self.register_secret.with_user(self.director)._register_entries(*year)
        # Clerks and managers print both; a clerk of another organisation neither.
        for user in (self.clerk, self.manager):
            self.assertEqual(len(self.entries(self.register_secret, user)), 1)
        with self.assertRaises(AccessError):
            self.register.with_user(self.clerk2)._register_entries(*year)
        wizard = self.register_wizard(self.clerk, self.register)
        with self.assertRaises(AccessError):
            wizard.with_user(self.clerk2).action_export_xlsx()

    def test_the_printed_register_is_a_landscape_pdf_with_numbered_pages(self):
        wizard = self.register_wizard(self.clerk, self.register)
        action = wizard.action_print_pdf()
        self.assertEqual(action["report_name"], "snn_report.register_document")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.clerk)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("snn_report.action_report_register", wizard.ids)
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(pdf_text(pdf).split())
        for expected in (
            "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
            "Sổ văn bản đi",
            f"Năm {self.today.year}",
            "Số, ký hiệu văn bản",
            "Ghi chú",
            "Trang 1/1",
        ):
            self.assertIn(expected, text)
        positions = [text.index(d.code) for d in (self.signed, self.cancelled, self.recalled)]
        self.assertEqual(positions, sorted(positions), "rows in number order")
        self.assertNotIn("Confidential", text, "the secret document is in its own register")
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        self.assertGreater(float(page.mediabox.width), float(page.mediabox.height), "landscape")

    def test_the_spreadsheet_has_the_same_rows(self):
        wizard = self.register_wizard(self.clerk, self.register)
        action = wizard.action_export_xlsx()
        self.assertIn(f"/web/content/snn.register.print/{wizard.id}/xlsx_file", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        sheet = book.active
        self.assertEqual(sheet.cell(1, 1).value, "SỔ ĐĂNG KÝ VĂN BẢN ĐI")
        self.assertEqual(
            [sheet.cell(4, c).value for c in (1, 4, 10)],
            ["Số, ký hiệu văn bản", "Người ký", "Ghi chú"],
        )
        codes = [sheet.cell(r, 1).value for r in range(6, sheet.max_row + 1)]
        self.assertEqual(
            codes, [d.code for d in (self.signed, self.cancelled, self.recalled, self.paper)]
        )

    def test_a_range_that_ends_before_it_starts_is_refused(self):
        with self.assertRaises(UserError):
            self.register_wizard(
                self.clerk, self.register, date_from="2026-12-31", date_to="2026-01-01"
            )
