"""The overdue report per unit (list, pivot, PDF): what each reader may see of what is past its
deadline, by unit, with the days late; the units informed are never overdue."""

import datetime as dt
import io
from xmlrpc.client import Fault

from lxml import html
from pdfminer.high_level import extract_text

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today
from odoo.addons.snn_docflow.tests.common import DocflowCase
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from snn_sign_testkit.sample_letter import make_letter_pdf

from .test_paper import paper_values

REPORT = "snn_incoming.incoming_overdue_document"


def words(text):
    return " ".join(text.split())


# An HttpCase: wkhtmltopdf fetches the report's assets from Odoo's HTTP server, which under
# Odoo's own runner answers during a test only in an HttpCase's test mode.
@tagged("post_install", "-at_install")
class TestOverdueReport(HttpCase, DocflowCase):
    def setUp(self):
        super().setUp()
        self.today = vietnam_today()
        pdf = make_letter_pdf()
        Incoming = self.env["snn.incoming.document"].with_user(self.clerk)
        self.first = Incoming.create(paper_values(pdf))
        self.second = Incoming.create(
            paper_values(pdf, code="46/UBND-NN", subject="V/v kế hoạch trồng rừng năm 2019")
        )
        (self.first | self.second).with_user(self.clerk).action_register()
        tomorrow = self.today + dt.timedelta(days=1)
        self.first.with_user(self.director).action_assign(
            "Phòng KHTC chủ trì, Văn phòng phối hợp.",
            tomorrow,
            [
                {"department_id": self.unit_khtc.id, "role": "main"},
                {"department_id": self.unit_vp.id, "role": "coordinate"},
            ],
        )
        self.second.with_user(self.director).action_assign(
            "Văn phòng chủ trì; Phòng KHTC để biết.",
            tomorrow,
            [
                {"department_id": self.unit_vp.id, "role": "main"},
                {"department_id": self.unit_khtc.id, "role": "inform"},
            ],
        )
        # Time passes: the deadlines are now 3 days (first) and 1 day (second) behind.
        self.first.sudo().assignment_ids.write({"deadline": self.today - dt.timedelta(days=3)})
        self.second.sudo().assignment_ids.write({"deadline": self.today - dt.timedelta(days=1)})

    def late_for_vp_alone(self):
        """A third document, for Văn phòng alone, 2 days late."""
        third = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(make_letter_pdf(), code="47/UBND-NN", subject="V/v nhân sự"))
        )
        third.with_user(self.clerk).action_register()
        third.with_user(self.director).action_assign(
            "Văn phòng xử lý.",
            self.today + dt.timedelta(days=1),
            [{"department_id": self.unit_vp.id, "role": "main"}],
        )
        third.sudo().assignment_ids.write({"deadline": self.today - dt.timedelta(days=2)})
        return third

    def overdue(self, user):
        Assignment = self.env["snn.incoming.assignment"].with_user(user)
        return Assignment.search([("is_overdue", "=", True)])

    def print_action(self, user):
        """The list's button as ``user`` presses it: every overdue one they may see."""
        action = self.env["snn.incoming.assignment"].with_user(user).action_print_overdue_report()
        self.assertEqual(action["report_name"], REPORT)
        return action["context"]["active_ids"]

    def report_html(self, user):
        """(summary rows, {unit: rows}) of the report as ``user`` prints it, cells' words."""
        data, _kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(lang=user.lang)  # as the web client asks for it
            ._render_qweb_html(REPORT, self.print_action(user))
        )
        tree = html.fromstring(data)

        def cells(row):
            return [words(td.text_content()) for td in row.xpath("./td")]

        summary = [cells(tr) for tr in tree.xpath("//table[@class='snn-summary']//tr[td]")]
        units = {
            words(h2.text_content()): [
                cells(tr) for tr in h2.xpath("following-sibling::table[1]//tr[td]")
            ]
            for h2 in tree.xpath("//h2")
        }
        return tree, summary, units

    def report_pdf_text(self, user):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.print_action(user))
        )
        self.assertEqual(kind, "pdf")
        return words(extract_text(io.BytesIO(pdf)))

    def test_the_informed_unit_is_never_overdue(self):
        informed = self.second.sudo().assignment_ids.filtered(lambda a: a.role == "inform")
        self.assertFalse(informed.is_overdue)
        self.assertNotIn(informed, self.overdue(self.director))
        self.assertEqual(len(self.overdue(self.director)), 3)

    def test_the_report_counts_and_lists_each_units_overdue_documents(self):
        tree, summary, units = self.report_html(self.director)
        self.assertIn(f"As of {self.today.strftime('%d/%m/%Y')}", words(tree.text_content()))
        # One row per unit in name order, then the total (the informed unit not counted).
        self.assertEqual(
            summary, [["Kế hoạch - Tài chính", "1"], ["Văn phòng", "2"], ["Total", "3"]]
        )
        late_3 = (self.today - dt.timedelta(days=3)).strftime("%d/%m/%Y")
        late_1 = (self.today - dt.timedelta(days=1)).strftime("%d/%m/%Y")
        number_1, number_2 = self.first.incoming_number, self.second.incoming_number
        self.assertEqual(
            units["Kế hoạch - Tài chính"],
            [
                [
                    str(number_1), "45/UBND-NN", "UBND huyện Yên Sơn",
                    "V/v báo cáo tình hình sản xuất vụ Đông Xuân", "Main (chủ trì)",
                    "Other Head", late_3, "3",
                ],
            ],
        )  # fmt: skip
        # Văn phòng's two by deadline, the older first; nobody named yet: the unit's head.
        self.assertEqual(
            [(row[1], row[4], row[5], row[6], row[7]) for row in units["Văn phòng"]],
            [
                ("45/UBND-NN", "Coordinate (phối hợp)", "Lê Thị Trưởng", late_3, "3"),
                ("46/UBND-NN", "Main (chủ trì)", "Lê Thị Trưởng", late_1, "1"),
            ],
        )
        self.assertEqual(units["Văn phòng"][1][0], str(number_2))

    def test_it_prints_as_a_pdf(self):
        text = self.report_pdf_text(self.director)
        for expected in (
            "Overdue Incoming Documents by Unit",
            "Kế hoạch - Tài chính",
            "Văn phòng",
            "45/UBND-NN",
            "46/UBND-NN",
            "Days Late",
        ):
            self.assertIn(expected, text)

    def test_a_head_prints_only_what_the_head_may_see_in_vietnamese(self):
        third = self.late_for_vp_alone()
        self.assertIn(third.sudo().assignment_ids, self.overdue(self.director))
        self.assertNotIn(third.sudo().assignment_ids, self.overdue(self.head2))
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["snn_incoming"], ["vi_VN"])
        self.head2.lang = "vi_VN"
        tree, summary, _units = self.report_html(self.head2)
        text = words(tree.text_content())
        self.assertIn("Văn bản đến quá hạn theo đơn vị", text)
        self.assertIn(f"Tính đến ngày {self.today.strftime('%d/%m/%Y')}", text)
        self.assertEqual(summary[-1], ["Tổng cộng", "3"])  # not the third: not the head's
        self.assertNotIn("47/UBND-NN", text)
        _tree, director_summary, _units = self.report_html(self.director)
        self.assertEqual(director_summary[-1], ["Total", "4"])

    def test_nothing_overdue_says_so(self):
        (self.first | self.second).sudo().assignment_ids.write({"deadline": self.today})
        with self.assertRaisesRegex(UserError, "Nothing is overdue"):
            self.env["snn.incoming.assignment"].with_user(
                self.director
            ).action_print_overdue_report()

    def test_over_rpc_a_reader_of_nothing_gets_nothing(self):
        """The button's method as a client calls it, with a forged context: the report covers
        what the caller may read, and someone who may read none of it learns nothing."""
        for user in (self.outsider, self.drafter):
            with self.subTest(user=user.login):
                password = user.login + "x" * (8 - len(user.login))  # as new_test_user set it
                with self.assertRaises(Fault) as refused:
                    self.xmlrpc_object.execute_kw(
                        self.env.cr.dbname,
                        user.id,
                        password,
                        "snn.incoming.assignment",
                        "action_print_overdue_report",
                        [],
                        {"context": FORGED_CONTEXT},
                    )
                self.assertIn("Nothing is overdue", refused.exception.faultString)
