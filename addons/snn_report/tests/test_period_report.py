from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from .common import ReportCase, pdf_text

ZERO = {
    "issued_count": 0,
    "esigned_count": 0,
    "sent_electronic_count": 0,
    "paper_count": 0,
    "paper_secret_count": 0,
    "paper_before_trial_count": 0,
    "paper_choice_count": 0,
    "deliveries_sent_count": 0,
    "deliveries_received_count": 0,
    "recalled_count": 0,
    "cancelled_count": 0,
}


# An HttpCase: wkhtmltopdf fetches the report's assets from Odoo's HTTP server, and under
# Odoo's own runner (odoo-bin --test-enable holds the registry lock for the whole run) that
# server answers during a test only when the registry is in test mode, as an HttpCase puts it;
# from any other case the PDF waits for ever. Post-install, as Odoo's own report tests.
@tagged("post_install", "-at_install")
class TestPeriodReport(HttpCase, ReportCase):
    """The periodic report's figures against documents whose counts are known."""

    def setUp(self):
        super().setUp()
        self.today = vietnam_today()
        # Văn phòng, Công văn: two e-signed (one recalled after it arrived), one secret.
        self.issue_to(self.unit_khtc)
        recalled = self.issue_to(self.unit_khtc, self.unit_vp)
        self.secret = self.issue_secret(self.unit_khtc)
        self.dispatch()
        recalled.with_user(self.clerk).action_recall("Thay thế")
        # Văn phòng, Quyết định: two on paper before the trial, one of them cancelled.
        legacy = self.issue_on_paper(self.unit_khtc, document_type_id=self.type_decision.id)
        cancelled = self.issue_on_paper(self.unit_khtc, document_type_id=self.type_decision.id)
        cancelled.with_user(self.clerk).action_cancel("Ban hành nhầm")
        # Not in the report: a draft, and a document of last year.
        self.make_letter()
        self.last_year = self.issue_to(self.unit_khtc)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document SET issue_date = %s WHERE id = %s",
            [date(self.today.year - 1, 12, 31), self.last_year.id],
        )
        # Issued on paper before snn_signing was installed: no reason recorded.
        self.env.cr.execute(
            "UPDATE snn_document SET paper_reason = NULL WHERE id = %s", [legacy.id]
        )
        self.env.invalidate_all()

    def wizard(self, user, **values):
        values = {"period": "year", "year": self.today.year, **values}
        return self.env["snn.period.report"].with_user(user).create(values)

    def test_the_figures_per_unit_and_type(self):
        figures = self.wizard(self.clerk)._figures()
        rows = {(unit.name, kind.name): values for unit, kind, values in figures["rows"]}
        self.assertEqual(set(rows), {("Văn phòng", "Công văn"), ("Văn phòng", "Quyết định")})
        letters = {
            **ZERO,
            "issued_count": 3,
            "esigned_count": 2,
            "sent_electronic_count": 2,
            "paper_count": 1,
            "paper_secret_count": 1,
            "deliveries_sent_count": 3,
            "deliveries_received_count": 3,
            "recalled_count": 1,
        }
        decisions = {
            **ZERO,
            "issued_count": 2,
            "paper_count": 2,
            "paper_before_trial_count": 2,
            "cancelled_count": 1,
        }
        for values in rows.values():
            self.assertEqual({type(v) for v in values.values()}, {int}, "counts, not 2.0")
        self.assertEqual(rows[("Văn phòng", "Công văn")], letters)
        self.assertEqual(rows[("Văn phòng", "Quyết định")], decisions)
        self.assertEqual(figures["totals"], {key: letters[key] + decisions[key] for key in ZERO})

    def test_replacements_and_corrections_are_counted(self):
        original = self.env["snn.document"].search(
            [("state", "=", "issued"), ("esign", "=", True), ("issue_date", "=", self.today)],
            limit=1,
        )
        replacement = original.with_user(self.drafter).action_replace()
        self.walk(replacement, "issued")
        with self.assertRaisesRegex(UserError, "already replaced"):
            original.with_user(self.drafter).action_correct()
        correction = replacement.with_env(self.env).with_user(self.drafter).action_correct()
        correction.write({"file": original.file, "signer_id": self.director.id})
        self.walk(correction, "issued")
        wizard = self.wizard(self.clerk)
        self.assertEqual(
            wizard._extra_tables()[0]["rows"],
            [
                ["Văn bản thay thế văn bản khác", 1],
                ["Văn bản bị thay thế", 1],
                ["Công văn đính chính", 1],
            ],
        )
        totals = wizard._figures()["totals"]
        self.assertEqual(totals["issued_count"], 5 + 2, "both new ones are issued documents")

    def test_periods_bound_the_figures(self):
        last_year = self.wizard(self.clerk, year=self.today.year - 1)._figures()
        self.assertEqual(last_year["totals"]["issued_count"], 1)
        month = self.wizard(self.clerk, period="month", month=str(self.today.month))
        self.assertEqual(month._figures()["totals"]["issued_count"], 5)
        self.assertEqual(month.date_from, self.today.replace(day=1))
        quarter = self.wizard(self.clerk, period="quarter", quarter="4", year=2026)
        self.assertEqual(
            (quarter.date_from, quarter.date_to), (date(2026, 10, 1), date(2026, 12, 31))
        )
        self.assertEqual(
            quarter._period_label(), "Quý IV năm 2026 (từ ngày 01/10/2026 đến ngày 31/12/2026)"
        )

    def test_the_pivot_shows_the_same_figures(self):
        Report = self.env["snn.document.report"].with_user(self.manager)
        groups = Report.formatted_read_group(
            [("issue_date", ">=", self.today.replace(month=1, day=1))],
            ["document_type_id"],
            ["issued_count:sum", "esigned_count:sum", "recalled_count:sum"],
        )
        by_type = {g["document_type_id"][1]: g for g in groups}
        self.assertEqual(by_type["Công văn"]["issued_count:sum"], 3)
        self.assertEqual(by_type["Công văn"]["esigned_count:sum"], 2)
        self.assertEqual(by_type["Quyết định"]["issued_count:sum"], 2)

    def test_who_reads_the_report(self):
        for user in (self.drafter, self.head, self.director):
            with self.assertRaises(AccessError, msg=user.name):
                self.env["snn.document.report"].with_user(user).search([])
            with self.assertRaises(AccessError, msg=user.name):
                self.wizard(user)
        # A clerk of another organisation counts none of ours.
        figures = self.wizard(self.clerk2)._figures()
        self.assertEqual(figures["rows"], [])
        self.assertEqual(figures["totals"]["issued_count"], 0)

    def test_the_printed_report(self):
        self.company.write({"snn_org_full_name": "Sở Nông nghiệp và PTNT tỉnh Tuyên Quang"})
        wizard = self.wizard(self.manager)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("snn_report.action_report_period", wizard.ids)
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(pdf_text(pdf).split())
        for expected in (
            "SỞ NÔNG NGHIỆP VÀ PTNT TỈNH TUYÊN QUANG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BÁO CÁO KẾT QUẢ PHÁT HÀNH VĂN BẢN ĐI",
            f"Năm {self.today.year}",
            "Văn phòng",
            "Quyết định",
            "Tổng cộng",
            "Văn bản thay thế văn bản khác",
            "Văn bản bị thay thế",
            "Công văn đính chính",
            "Trang 1/1",
        ):
            self.assertIn(expected, text)
