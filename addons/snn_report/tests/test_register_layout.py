import io
import random
from unittest.mock import patch

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTFigure, LTTextContainer

from odoo.tests import HttpCase, tagged

from odoo.addons.snn_report.models.snn_document_register import RegisterEntry

WORDS = (
    "V/v triển khai sử dụng chữ ký số chuyên dùng Chính phủ trong hoạt động của các cơ quan "
    "nhà nước trên địa bàn tỉnh Tuyên Quang báo cáo kết quả thực hiện kế hoạch năm"
).split()
UNITS = [
    "UBND tỉnh Tuyên Quang",
    "Sở Tài chính",
    "Văn phòng",
    "Kế hoạch - Tài chính",
    "Các Chi cục",
]


def entry(number, rng):
    tag = f"R{number:04d}"
    subject = " ".join(rng.choices(WORDS, k=rng.choice((6, 12, 25, 50, 90))))
    recipients = "; ".join(rng.sample(UNITS, rng.randint(1, 5)))
    return RegisterEntry(
        number=number,
        year=2026,
        code=f"{number:02d}/SNN-VP",
        date="02/12/2026",
        subject=f"Công văn {subject} {tag}",
        signer="Nguyễn Công Hàm",
        recipients=f"{recipients} {tag}",
        file_copy_holder="VT, VP",
        copies="3",
        sent="02/12/2026",
        receipt="",
        note=f"{rng.choice(['Ký số', 'Đã thu hồi: thay thế bằng văn bản khác; Ký số'])} {tag}",
    )


def text_boxes(item):
    """(text, bottom) of every text box, those inside figures too (the page number)."""
    for child in item:
        if isinstance(child, LTTextContainer):
            yield child.get_text(), child.y0
        elif isinstance(child, LTFigure):
            yield from text_boxes(child)


# An HttpCase: wkhtmltopdf fetches the report's assets from Odoo's HTTP server, and under
# Odoo's own runner (odoo-bin --test-enable holds the registry lock for the whole run) that
# server answers during a test only when the registry is in test mode, as an HttpCase puts it;
# from any other case the PDF waits for ever. Post-install, as Odoo's own report tests.
@tagged("post_install", "-at_install")
class TestRegisterLayout(HttpCase):
    """A register of hundreds of rows of every height: no row is cut by a page break, every
    page has the column headings, and every number is printed once, in order."""

    def test_no_row_is_cut_and_every_page_has_its_headings(self):
        rng = random.Random(30)
        entries = [entry(n, rng) for n in range(1, 301)]
        register = self.env["snn.register"].create({"name": "Sổ văn bản đi (bố cục)"})
        wizard = self.env["snn.register.print"].create({"register_id": register.id})
        with patch.object(type(wizard), "_entries", lambda self: entries):
            pdf, _kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("snn_report.action_report_register", wizard.ids)
            )
        pages = list(extract_pages(io.BytesIO(pdf), laparams=LAParams(all_texts=True)))
        self.assertGreater(len(pages), 5)
        seen = []
        fills = []
        for number, page in enumerate(pages, start=1):
            texts = list(text_boxes(page))
            text = " ".join(" ".join(t for t, _y in texts).split())
            self.assertIn("Số, ký hiệu văn bản", text, f"headings on page {number}")
            self.assertIn(f"Trang {number}/{len(pages)}", text)
            tags = [word for word in text.split() if word.startswith("R") and word[1:].isdigit()]
            on_page = sorted(set(tags))
            for tag in on_page:
                self.assertEqual(tags.count(tag), 3, f"row {tag} whole on page {number}")
            seen += on_page
            lowest = min(y for t, y in texts if not t.startswith("Trang"))
            fills.append(round(1 - lowest / page.height, 2))
        self.assertEqual(seen, [f"R{n:04d}" for n in range(1, 301)], "each number once, in order")
        # Pages are cut by estimate, with room to spare; they are not left half empty.
        self.assertGreater(sum(fills[:-1]) / len(fills[:-1]), 0.6, fills)
