"""The incoming register (Decree 30 Annex IV form VI) and the follow-up register (form VIII)
as the clerk prints them: the cover, the form's columns in the form's order, one row per số
đến; and who may print them."""

import base64
import datetime as dt
import io
import random
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LAParams, LTFigure, LTTextContainer
from pypdf import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today
from odoo.addons.snn_incoming.wizards.snn_incoming_register_print_rows import Row

from .common import IncomingCase

REGISTER_HEADINGS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
FOLLOWUP_HEADINGS = [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]
AGENCY = "Sở Tài chính tỉnh Tuyên Quang"
DISTRICT = "UBND huyện Yên Sơn"
REPORTS = {
    "register": "snn_incoming.action_report_incoming_register",
    "followup": "snn_incoming.action_report_incoming_followup",
}
TEMPLATES = {
    "register": "snn_incoming.incoming_register_document",
    "followup": "snn_incoming.incoming_followup_document",
}
PAPER_NOTE = "Nhận qua bưu điện, bì thư còn nguyên"


def words(text):
    return " ".join(text.split())


def text_boxes(item):
    """(text, bottom) of every text box, those inside figures too (the page number)."""
    for child in item:
        if isinstance(child, LTTextContainer):
            yield child.get_text(), child.y0
        elif isinstance(child, LTFigure):
            yield from text_boxes(child)


# An HttpCase: wkhtmltopdf fetches the report's assets from Odoo's HTTP server, which under
# Odoo's own runner answers during a test only in the test mode an HttpCase puts the registry
# in (see snn_report's register tests).
@tagged("post_install", "-at_install")
class TestIncomingRegisterPrint(HttpCase, IncomingCase):
    def setUp(self):
        super().setUp()
        # Two documents from the Department of Finance over the exchange, one on paper from
        # the district between them: số đến 01, 02, 03 in the order the clerk registers them.
        self.send_from_agency(number="125")
        self.send_from_agency(number="126", subject="V/v góp ý dự thảo quy hoạch")
        self.receive()
        self.first, self.third = self.received().sorted("code")
        self.paper = self.enter_paper("45/UBND-NN", "V/v báo cáo sản xuất vụ Đông Xuân")
        self.first.with_user(self.clerk).action_register()
        self.paper.with_user(self.clerk).action_register(PAPER_NOTE)
        self.third.with_user(self.clerk).action_register()
        self.assertEqual(
            (self.first | self.paper | self.third).mapped("incoming_number"), [1, 2, 3]
        )
        # The director gives the first to KHTC (main), VP informed; KHTC's head passes it on.
        self.today = vietnam_today()
        self.deadline = self.today + dt.timedelta(days=5)
        self.first.with_user(self.director).action_assign(
            "Phòng KHTC chủ trì tham mưu trả lời.",
            self.deadline,
            [
                {"department_id": self.unit_khtc.id, "role": "main"},
                {"department_id": self.unit_vp.id, "role": "inform"},
            ],
        )
        main = self.first.assignment_ids.filtered(lambda a: a.role == "main")
        main.with_user(self.head2).write({"user_id": self.member_khtc.id})

    def enter_paper(self, code, subject, **values):
        return (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(
                {
                    "source": "paper",
                    "sender_name": DISTRICT,
                    "code": code,
                    "issue_date": "2019-05-08",
                    "subject": subject,
                    "document_type_name": "Tờ trình",
                    "file": base64.b64encode(self.letter_pdf),
                    "file_name": "scan.pdf",
                    **values,
                }
            )
            .with_env(self.env)
        )

    def wizard(self, user=None, **values):
        register = self.env["snn.incoming.register"].search(
            [("company_id", "=", self.company.id), ("confidential", "=", False)]
        )
        return (
            self.env["snn.incoming.register.print"]
            .with_user(user or self.clerk)
            .create({"register_id": register.id, **values})
        )

    def render_html(self, kind, wizard, user=None):
        """The report's HTML as ``user`` renders it: (cover lines, headings, rows' cells)."""
        data, _kind = (
            self.env["ir.actions.report"]
            .with_user(user or self.clerk)
            ._render_qweb_html(REPORTS[kind], wizard.ids)
        )
        tree = html.fromstring(data)
        cover = [words(div.text_content()) for div in tree.xpath("//div[@class='snn-cover']/*")]
        headings = [
            words(th.text_content())
            for th in tree.xpath("(//table[@class='snn-headings'])[1]/tr[1]/th")
        ]
        rows = [
            [words(td.text_content()) for td in row.xpath(".//td")]
            for row in tree.xpath("//div[contains(@class, 'snn-row')]")
        ]
        return cover, headings, rows

    def render_pdf(self, kind, wizard, user=None):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(user or self.clerk)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORTS[kind], wizard.ids)
        )
        self.assertEqual(kind, "pdf")
        return pdf

    # ------------------------------------------------------------------ form VI

    def test_the_register_has_its_cover_and_the_ten_columns_in_order(self):
        self.company.write(
            {
                "snn_governing_body": "Ủy ban nhân dân tỉnh Tuyên Quang",
                "snn_org_full_name": "Sở Nông nghiệp và Phát triển nông thôn",
            }
        )
        wizard = self.wizard(volume=2)
        cover, headings, rows = self.render_html("register", wizard)
        year = self.today.year
        self.assertEqual(
            cover,
            [
                "Ủy ban nhân dân tỉnh Tuyên Quang",
                "Sở Nông nghiệp và Phát triển nông thôn",
                "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
                "Incoming Documents",
                f"Năm: {year}",
                f"Từ ngày 01/01/{year} đến ngày 31/12/{year}",
                "Từ số 01 đến số 03",
                "Quyển số: 2",
            ],
        )
        self.assertEqual(headings, REGISTER_HEADINGS)
        today = self.today.strftime("%d/%m/%Y")
        subject = "V/v thẩm định dự toán kinh phí năm 2019"
        self.assertEqual(
            rows,
            [
                [
                    today,
                    "01",
                    AGENCY,
                    "125/STC-QLNS",
                    "10/05/2019",
                    f"Công văn {subject}",
                    "Kế hoạch - Tài chính (Nhân viên KHTC)",
                    today,
                    "",
                    "",
                ],
                [
                    today,
                    "02",
                    DISTRICT,
                    "45/UBND-NN",
                    "08/05/2019",
                    "Tờ trình V/v báo cáo sản xuất vụ Đông Xuân",
                    "",
                    "",
                    "",
                    PAPER_NOTE,
                ],
                [
                    today,
                    "03",
                    AGENCY,
                    "126/STC-QLNS",
                    "10/05/2019",
                    "Công văn V/v góp ý dự thảo quy hoạch",
                    "",
                    "",
                    "",
                    "",
                ],
            ],
        )

    def test_the_day_of_arrival_is_the_day_in_vietnam(self):
        # Arrived at 18:30 UTC on 5 March: 01:30 on 6 March in Vietnam.
        self.paper.write({"received_at": "2026-03-05 18:30:00"})
        _cover, _headings, rows = self.render_html("register", self.wizard())
        self.assertEqual(rows[1][:2], ["06/03/2026", "02"])

    def test_the_note_says_what_became_of_the_document(self):
        # The agency recalls 125 and replaces 126 by 131; the clerk agrees to both.
        self.send_from_agency(business_doc_type=1, business_reason="Ban hành nhầm")
        self.send_from_agency(
            number="131",
            business_doc_type=3,
            business_reason="Thay thế văn bản số 126/STC-QLNS",
            replaces=[self.third.edxml_document_id],
        )
        self.receive()
        replacement = self.received() - self.first - self.third
        replacement.with_user(self.clerk).action_register()
        for incoming in (self.first, self.third):
            incoming.with_user(self.clerk).action_agree_sender_request()
        _cover, _headings, rows = self.render_html("register", self.wizard())
        self.assertEqual(
            [(row[1], row[-1]) for row in rows],
            [
                ("01", "Recalled by the sender"),
                ("02", PAPER_NOTE),
                ("03", "Replaced by 131/STC-QLNS (incoming number 04)"),
                ("04", ""),
            ],
        )
        # Refusal is a step before the number (Art. 21.2.b); a numbered document refused
        # some other way still says so.
        self.paper.write({"state": "refused", "refuse_reason": "Sai nơi nhận"})
        rows = self.render_html("register", self.wizard())[2]
        self.assertEqual(rows[1][-1], f"{PAPER_NOTE}; Refused: Sai nơi nhận")

    def test_the_numbers_and_days_asked_for_and_the_cover_says_which(self):
        cover, _headings, rows = self.render_html("register", self.wizard(number_from=2))
        self.assertEqual([row[1] for row in rows], ["02", "03"])
        self.assertIn("Từ số 02 đến số 03", cover)
        cover, _headings, rows = self.render_html("register", self.wizard(number_to=1))
        self.assertEqual([row[1] for row in rows], ["01"])
        self.assertIn("Từ số 01 đến số 01", cover)
        # Registered at 18:30 UTC on 5 March: on 6 March in Vietnam, where the days count.
        year = self.today.year
        self.paper.write({"registered_at": f"{year}-03-05 18:30:00"})
        march = {"date_from": f"{year}-03-06", "date_to": f"{year}-03-06"}
        cover, _headings, rows = self.render_html("register", self.wizard(**march))
        self.assertEqual([row[1:2] for row in rows], [["02"]])
        self.assertIn(f"Từ ngày 06/03/{year} đến ngày 06/03/{year}", cover)
        march = {"date_from": f"{year}-03-01", "date_to": f"{year}-03-05"}
        cover, _headings, rows = self.render_html("register", self.wizard(**march))
        self.assertEqual(rows, [["Không có văn bản nào được đăng ký trong thời gian này."]])
        self.assertIn("Từ số … đến số …", cover)
        with self.assertRaises(UserError):
            self.wizard(number_from=3, number_to=2)
        with self.assertRaises(UserError):
            self.wizard(year=self.today.year, date_from=f"{self.today.year - 1}-12-01")

    def test_the_secret_register_is_printed_on_its_own(self):
        secret = self.enter_paper("12/CA-PV01", "V/v bảo vệ bí mật", confidentiality="secret")
        secret.with_user(self.clerk).action_register()
        self.assertEqual(secret.incoming_number, 1, "the secret register's own series")
        _cover, _headings, rows = self.render_html("register", self.wizard())
        self.assertNotIn("12/CA-PV01", [row[3] for row in rows])
        wizard = self.wizard(register_id=secret.incoming_register_id.id)
        cover, _headings, rows = self.render_html("register", wizard)
        self.assertEqual(
            [(row[1], row[3], row[-1]) for row in rows], [("01", "12/CA-PV01", "Secret")]
        )
        self.assertIn("Secret Incoming Documents", cover)

    # ------------------------------------------------------------------ form VIII

    def test_the_followup_register_has_the_seven_columns_and_the_progress(self):
        wizard = self.wizard(kind="followup")
        cover, headings, rows = self.render_html("followup", wizard)
        year = self.today.year
        self.assertEqual(
            cover[2:],
            [
                "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
                "Incoming Documents",
                f"Năm: {year}",
                f"Từ ngày 01/01/{year} đến ngày 31/12/{year}",
                "Quyển số: 1",
            ],
        )
        self.assertEqual(headings, FOLLOWUP_HEADINGS)
        deadline = self.deadline.strftime("%d/%m/%Y")
        self.assertEqual(
            rows[0],
            [
                "01",
                f"Công văn số 125/STC-QLNS ngày 10/05/2019 của {AGENCY}",
                "Kế hoạch - Tài chính (Nhân viên KHTC)",
                deadline,
                "Assigned",
                "",
                "",
            ],
        )
        self.assertEqual(
            rows[1][:5],
            ["02", f"Tờ trình số 45/UBND-NN ngày 08/05/2019 của {DISTRICT}", "", "", "Accepted"],
        )
        # Three days after the deadline, still open: overdue, by how many days.
        with freeze_time(self.deadline + dt.timedelta(days=3)):
            _cover, _headings, late = self.render_html("followup", wizard)
        self.assertEqual(late[0][4], "Assigned; overdue by 3 days")
        self.assertEqual(late[1][4], "Accepted", "no deadline: never overdue")

    def test_the_followup_register_names_the_issued_reply(self):
        reply = self.first.with_user(self.member_khtc).action_reply()
        reply.with_user(self.member_khtc).write(
            {
                "file": base64.b64encode(self.letter_pdf),
                "file_name": "tra-loi.pdf",
                "signer_id": self.director.id,
                "signer_authority": "KT. GIÁM ĐỐC",
                "signer_position": "PHÓ GIÁM ĐỐC",
            }
        )
        wizard = self.wizard(kind="followup")
        self.assertEqual(self.render_html("followup", wizard)[2][0][5], "", "a draft is no reply")
        reply.with_user(self.member_khtc).action_submit()
        reply.with_user(self.head2).action_forward()
        reply.with_user(self.director).action_approve()
        reply.with_user(self.clerk).action_issue()
        with freeze_time(self.deadline + dt.timedelta(days=3)):
            _cover, _headings, rows = self.render_html("followup", wizard)
        self.assertEqual(rows[0][4:6], ["Done", reply.code], "done: not overdue")

    # ------------------------------------------------------------------ the PDF

    def test_both_print_as_landscape_pdfs_with_numbered_pages(self):
        for kind, headings, title in (
            ("register", REGISTER_HEADINGS, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"),
            ("followup", FOLLOWUP_HEADINGS, "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"),
        ):
            with self.subTest(kind=kind):
                wizard = self.wizard(kind=kind)
                action = wizard.action_print_pdf()
                self.assertEqual(action["report_name"], TEMPLATES[kind])
                pdf = self.render_pdf(kind, wizard)
                text = words(extract_text(io.BytesIO(pdf)))
                for expected in (title, *headings, f"Năm: {self.today.year}", AGENCY):
                    self.assertIn(expected, text)
                for expected in ("Trang 1/2", "Trang 2/2"):  # the cover, the rows
                    self.assertIn(expected, text)
                codes = [
                    text.index(code) for code in ("125/STC-QLNS", "45/UBND-NN", "126/STC-QLNS")
                ]
                self.assertEqual(codes, sorted(codes), "rows in number order")
                self.assertIn("Kế hoạch - Tài chính (Nhân viên KHTC)", text)
                self.assertEqual("Từ số 01 đến số 03" in text, kind == "register")
                page = PdfReader(io.BytesIO(pdf)).pages[1]
                self.assertGreater(float(page.mediabox.width), float(page.mediabox.height))

    def test_the_form_from_the_clerks_menu(self):
        Menu = self.env["ir.ui.menu"]
        menus = [
            self.env.ref("snn_incoming.snn_incoming_register_print_menu").id,
            self.env.ref("snn_incoming.snn_incoming_followup_print_menu").id,
        ]
        for user, shown in ((self.clerk, True), (self.manager, True), (self.drafter, False)):
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertEqual([m in visible for m in menus], [shown, shown], user.login)
        action = self.env.ref("snn_incoming.snn_incoming_followup_print_action")
        Print = self.env["snn.incoming.register.print"].with_user(self.clerk)
        form = Form(Print.with_context(**safe_eval(action.context)))
        self.assertEqual(form.kind, "followup")
        self.assertEqual(form.register_id, self.first.incoming_register_id)
        form.year = 2025  # the year before: its whole year
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2025-01-01", "2025-12-31"))
        wizard = form.save()
        action = wizard.action_print_pdf()
        self.assertEqual(action["report_name"], TEMPLATES["followup"])
        self.assertEqual(
            self.render_html("followup", wizard)[2],
            [["Không có văn bản nào được đăng ký trong thời gian này."]],
        )

    # ------------------------------------------------------------------ who prints

    def test_only_the_organisations_clerks_and_managers_print(self):
        ours = self.wizard()
        for kind in REPORTS:
            mine = self.wizard(self.manager, kind=kind)
            self.assertEqual(len(self.render_html(kind, mine, self.manager)[2]), 3)
        Print = self.env["snn.incoming.register.print"]
        register = ours.register_id
        for user in (self.drafter, self.head, self.director, self.clerk2, self.outsider):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.wizard(user)
                self.assertFalse(Print.search_count([("create_uid", "=", user.id)]))
                for kind in REPORTS:
                    with self.assertRaises(AccessError):
                        self.render_html(kind, ours, user)  # the clerk's request
                # Nor a request of their own made past the form (the director reads every
                # registered document, another organisation's clerk is a clerk).
                theirs = Print.with_user(user).sudo().create({"register_id": register.id})
                theirs = theirs.sudo(False)
                for kind in REPORTS:
                    with self.assertRaises(AccessError):
                        self.render_html(kind, theirs, user)
                    with self.assertRaises(AccessError):
                        theirs._rows(kind)
        # Over HTTP, as the report route is called: the clerk's request is the clerk's.
        for user in (self.drafter, self.clerk2):
            self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))
            for kind in REPORTS:
                response = self.url_open(f"/report/html/{TEMPLATES[kind]}/{ours.id}")
                self.assertNotIn("125/STC-QLNS", response.text)
                self.assertNotIn("SỔ", response.text)


WORDS = (
    "V/v triển khai thực hiện kế hoạch sản xuất nông nghiệp vụ Đông Xuân trên địa bàn tỉnh "
    "Tuyên Quang báo cáo kết quả thẩm định dự toán kinh phí năm đề nghị góp ý dự thảo"
).split()


def layout_row(number, rng):
    """A register row of a random height, its tag in three of its cells."""
    tag = f"R{number:04d}"
    subject = " ".join(rng.choices(WORDS, k=rng.choice((6, 12, 25, 50, 90))))
    return Row(
        number,
        (
            "02/12/2026",
            f"{number:02d}",
            f"{rng.choice(['Sở Tài chính', 'UBND huyện Yên Sơn', 'Bộ Nông nghiệp và PTNT'])} {tag}",
            f"{number}/STC-QLNS",
            "01/12/2026",
            f"Công văn {subject} {tag}",
            rng.choice(["Kế hoạch - Tài chính (Nhân viên KHTC)", "Văn phòng", ""]),
            "02/12/2026",
            "",
            f"{rng.choice(['', 'Đã thu hồi theo đề nghị của nơi gửi'])} {tag}",
        ),
    )


# An HttpCase for wkhtmltopdf, as above.
@tagged("post_install", "-at_install")
class TestIncomingRegisterLayout(HttpCase):
    """A register of hundreds of rows of every height: no row is cut by a page break, every
    page after the cover has the column headings, every number is printed once, in order."""

    def test_no_row_is_cut_and_every_page_has_its_headings(self):
        rng = random.Random(22)
        printed = [layout_row(n, rng) for n in range(1, 201)]
        register = self.env["snn.incoming.register"].create({"name": "Sổ văn bản đến (bố cục)"})
        wizard = self.env["snn.incoming.register.print"].create({"register_id": register.id})
        with patch.object(type(wizard), "_rows", lambda self, kind: printed):
            pdf, _kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(REPORTS["register"], wizard.ids)
            )
        pages = list(extract_pages(io.BytesIO(pdf), laparams=LAParams(all_texts=True)))
        self.assertGreater(len(pages), 5)
        seen, fills = [], []
        for number, page in enumerate(pages, start=1):
            texts = list(text_boxes(page))
            text = words(" ".join(t for t, _y in texts))
            self.assertIn(f"Trang {number}/{len(pages)}", text)
            if number == 1:
                self.assertIn("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", text)
                self.assertIn("Từ số 01 đến số 200", text)
                continue
            self.assertIn("Tên loại và trích yếu nội dung văn bản", text, f"page {number}")
            tags = [word for word in text.split() if word.startswith("R") and word[1:].isdigit()]
            on_page = sorted(set(tags))
            for tag in on_page:
                self.assertEqual(tags.count(tag), 3, f"row {tag} whole on page {number}")
            seen += on_page
            lowest = min(y for t, y in texts if not t.startswith("Trang"))
            fills.append(round(1 - lowest / page.height, 2))
        self.assertEqual(seen, [f"R{n:04d}" for n in range(1, 201)], "each number once, in order")
        # Pages are cut by estimate, with room to spare; they are not left half empty.
        self.assertGreater(sum(fills[:-1]) / len(fills[:-1]), 0.6, fills)
