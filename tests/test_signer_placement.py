"""Where the signer's image goes: between the signature block's last title line and the name
line ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / … / Nguyễn Công Hàm", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH / …"), found from the signer's name, wherever the block is: the last page, or a page
before appendices that name the signer again. The name in a sentence, a table or a recipient
list is not a signature block. PDFs are drawn here with reportlab (no binary fixtures)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from snn_sign import appearance as ap
from snn_sign.errors import NotFoundError
from snn_sign.fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, register_reportlab_fonts
from snn_sign.pdfinput import open_pdf
from snn_sign.signing import sign_pdf
from snn_sign.stamp import TextLine, page_lines
from snn_sign_testkit.sample_letter import (
    BOTTOM,
    LEFT,
    LEFT_COL_X,
    PAGE_H,
    PAGE_W,
    RIGHT,
    RIGHT_COL_X,
    SIGN_GAP,
    SIGNER_NAME,
    TOP,
    make_letter_pdf,
)

IMAGE = (600, 240)  # the demo signature PNG's proportions
KT_GD = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
TM_UB = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
SENTENCE = (
    "Giao đồng chí Nguyễn Công Hàm, Phó Giám đốc Sở, chủ trì, phối hợp với các phòng, đơn vị "
    "trực thuộc tổ chức thực hiện; định kỳ hằng quý báo cáo kết quả về Văn phòng Sở."
)
FILLER = (
    "Các phòng, đơn vị trực thuộc Sở rà soát, cập nhật danh sách cán bộ, công chức được cấp chứng "
    "thư số; đề xuất bổ sung thiết bị ký số và gửi về Văn phòng Sở trước ngày 10/4/2019."
)


# ---------------------------------------------------------------- drawing


@dataclass
class _Page:
    """One A4 page being drawn top to bottom; ``y`` is the next baseline."""

    c: Canvas
    y: float = TOP - 12

    def centred(self, text: str, x: float, *, font: str = FONT_BOLD, size: float = 13) -> None:
        self.c.setFont(font, size)
        self.c.drawCentredString(x, self.y, text)

    def header(self) -> None:
        for i, text in enumerate(["ỦY BAN NHÂN DÂN", "TỈNH TUYÊN QUANG", "SỞ NÔNG NGHIỆP VÀ PTNT"]):
            self.c.setFont(FONT_BOLD if i == 2 else FONT, 12)
            self.c.drawCentredString(LEFT_COL_X, self.y - i * 15, text)
        self.c.setFont(FONT_BOLD, 12)
        self.c.drawCentredString(RIGHT_COL_X, self.y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        self.c.setFont(FONT_BOLD, 13)
        self.c.drawCentredString(RIGHT_COL_X, self.y - 15, "Độc lập - Tự do - Hạnh phúc")
        self.y -= 3 * 15 + 30

    def paragraph(self, text: str) -> None:
        self.c.setFont(FONT, 14)
        for i, line in enumerate(simpleSplit(text, FONT, 14, RIGHT - LEFT - 36)):
            self.c.drawString(LEFT + (36 if i == 0 else 0), self.y, line)
            self.y -= 18
        self.y -= 6

    def block(self, titles: Sequence[str], name: str, recipients: Sequence[str] = ()) -> None:
        """The signer block on the right as the seed draws it (titles 17 pt apart, room for
        signature and seal, the name), "Nơi nhận:" and ``recipients`` on the left."""
        y = self.y - 8
        self.c.setFont(FONT_BOLD_ITALIC, 12)
        self.c.drawString(LEFT, y, "Nơi nhận:")
        self.c.setFont(FONT, 11)
        for i, text in enumerate(recipients):
            self.c.drawString(LEFT, y - 14 - i * 13, text)
        self.c.setFont(FONT_BOLD, 13)
        for i, text in enumerate(titles):
            self.c.drawCentredString(RIGHT_COL_X, y - i * 17, text)
        self.c.drawCentredString(RIGHT_COL_X, y - 17 * (len(titles) - 1) - SIGN_GAP, name)
        self.y = min(y - 17 * (len(titles) - 1) - SIGN_GAP, y - 14 - len(recipients) * 13) - 30

    def table(self, rows: list[list[str]]) -> None:
        """A ruled table: STT | Họ và tên | Chức vụ | Nhiệm vụ, one cell per string."""
        xs = [LEFT, LEFT + 50, LEFT + 220, LEFT + 350, RIGHT]
        self.c.setLineWidth(0.5)
        for r, row in enumerate(rows):
            top = self.y + 16
            self.c.setFont(FONT_BOLD if r == 0 else FONT, 12)
            for i, text in enumerate(row):
                self.c.drawCentredString((xs[i] + xs[i + 1]) / 2, self.y, text)
            for x in xs:
                self.c.line(x, top, x, top - 24)
            self.c.line(xs[0], top, xs[-1], top)
            self.y -= 24
            self.c.line(xs[0], self.y + 16, xs[-1], self.y + 16)
        self.y -= 20


def _pdf(*pages) -> bytes:
    """One PDF page per callable; each draws on a fresh :class:`_Page`."""
    register_reportlab_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for draw in pages:
        page = _Page(c)
        draw(page)
        assert page.y > BOTTOM, "the test page overflows"
        c.showPage()
    c.save()
    return out.getvalue()


def _letter_page(titles=KT_GD, name=SIGNER_NAME, *, before=(), recipients=()):
    def draw(page: _Page) -> None:
        page.header()
        for text in before:
            page.paragraph(text)
        page.block(titles, name, recipients)

    return draw


def _appendix_table(page: _Page) -> None:
    page.centred("PHỤ LỤC I", PAGE_W / 2)
    page.y -= 18
    page.centred("DANH SÁCH BAN CHỈ ĐẠO ỨNG DỤNG CHỮ KÝ SỐ", PAGE_W / 2)
    page.y -= 30
    page.table(
        [
            ["STT", "HỌ VÀ TÊN", "CHỨC VỤ", "NHIỆM VỤ"],
            ["1", "Nguyễn Công Hàm", "Phó Giám đốc Sở", "Trưởng ban"],
            ["2", "Trần Thị Lan", "Chánh Văn phòng", "Phó Trưởng ban"],
            ["3", "Lê Văn Minh", "Trưởng phòng", "Thành viên"],
        ]
    )
    page.paragraph("Nguyễn Công Hàm — Phó Giám đốc, Trưởng ban")


def _appendix_sentence(page: _Page) -> None:
    page.centred("PHỤ LỤC II", PAGE_W / 2)
    page.y -= 30
    page.paragraph(FILLER)
    page.paragraph(SENTENCE)


# ---------------------------------------------------------------- checks


def _line(lines: list[TextLine], text: str) -> TextLine:
    (found,) = [ln for ln in lines if ln.text == text]
    return found


def _box(pdf: bytes, name: str = SIGNER_NAME) -> tuple[int, ap.Box]:
    return ap.find_signer_box(pdf, open_pdf(pdf), name, IMAGE)


def _assert_between(box: ap.Box, title: TextLine, name: TextLine) -> None:
    """The box is centred on the name's column, above the name's top, below the title's
    bottom, and the image is not shrunk to nothing."""
    x1, y1, x2, y2 = box
    assert (x1 + x2) / 2 == pytest.approx((name.x0 + name.x1) / 2, abs=0.5)
    assert name.y1 < y1 < y2 < title.y0
    assert y2 - y1 > 20 * ap.MM


# ---------------------------------------------------------------- placement


def test_seed_letter_box_lies_between_pho_giam_doc_and_the_name():
    pdf = make_letter_pdf()
    page_ix, box = _box(pdf)
    lines = page_lines(pdf, 0)
    assert page_ix == 0
    _assert_between(box, _line(lines, "PHÓ GIÁM ĐỐC"), _line(lines, SIGNER_NAME))
    assert abs((box[0] + box[2]) / 2 - RIGHT_COL_X) < 1  # the signer column


def test_name_in_capitals_without_accents_finds_the_seed_block():
    pdf = make_letter_pdf()
    assert _box(pdf, "NGUYEN CONG HAM") == _box(pdf)


def test_tm_uy_ban_kt_chu_tich_block():
    pdf = _pdf(_letter_page(TM_UB, before=[FILLER]))
    page_ix, box = _box(pdf)
    lines = page_lines(pdf, 0)
    assert page_ix == 0
    _assert_between(box, _line(lines, "PHÓ CHỦ TỊCH"), _line(lines, SIGNER_NAME))


@pytest.mark.parametrize(
    "titles",
    [
        KT_GD,
        ["Q. GIÁM ĐỐC"],
        ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"],
        ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NÔNG NGHIỆP VÀ PTNT"],
        ["GIÁM ĐỐC"],
    ],
    ids=["kt", "q", "tl", "tuq", "plain"],
)
def test_block_before_appendices_that_name_the_signer(titles):
    """Signature block on page 1 of 3; page 2 lists the signer in a table (the name alone in
    its cell, under an uppercase header) and in a line "name — positions", page 3 names the
    signer in a sentence."""
    pdf = _pdf(_letter_page(titles, before=[FILLER]), _appendix_table, _appendix_sentence)
    assert SIGNER_NAME in {ln.text for ln in page_lines(pdf, 1)}  # the table's cell
    assert any("Nguyễn Công Hàm, Phó" in ln.text for ln in page_lines(pdf, 2))
    page_ix, box = _box(pdf)
    lines = page_lines(pdf, 0)
    assert page_ix == 0
    _assert_between(box, _line(lines, titles[-1]), _line(lines, SIGNER_NAME))


def test_name_in_body_and_recipients_on_the_block_page_is_not_taken():
    """The body names the signer above the block; the recipient list, longer than the block,
    names them below the name line (the lowest line with the name, which used to win)."""
    recipients = [
        "- Như trên;",
        "- UBND tỉnh (báo cáo);",
        "- Sở TT và TT (phối hợp);",
        "- Giám đốc Sở;",
        "- Văn phòng Sở;",
        "- Phòng Kế hoạch - Tài chính;",
        "- Phòng Tổ chức cán bộ;",
        "- Thanh tra Sở;",
        "- Đ/c Nguyễn Công Hàm (chỉ đạo);",
        "- Lưu: VT, VP.",
    ]
    pdf = _pdf(_letter_page(KT_GD, before=[SENTENCE], recipients=recipients))
    lines = page_lines(pdf, 0)
    name = _line(lines, SIGNER_NAME)
    mentions = [ln for ln in lines if "Nguyễn Công Hàm" in ln.text]
    assert len(mentions) == 3 and mentions[-1].baseline < name.baseline  # the layout tested
    page_ix, box = _box(pdf)
    assert page_ix == 0
    _assert_between(box, _line(lines, "PHÓ GIÁM ĐỐC"), name)


def test_title_before_the_name_in_the_block():
    pdf = _pdf(_letter_page(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Thượng tá Nguyễn Công Hàm"))
    lines = page_lines(pdf, 0)
    page_ix, box = _box(pdf)
    assert page_ix == 0
    _assert_between(box, _line(lines, "PHÓ GIÁM ĐỐC"), _line(lines, "Thượng tá Nguyễn Công Hàm"))


def test_name_only_in_body_text_falls_back_to_its_last_occurrence():
    """No signature block names the signer (the block is someone else's): the last line with
    the name, on the last page that has one, as before blocks were looked for."""

    def second(page: _Page) -> None:
        page.paragraph(FILLER)
        page.paragraph(SENTENCE)
        page.paragraph(FILLER)
        page.block(KT_GD, "Trần Văn Khác")

    pdf = _pdf(_letter_page(KT_GD, "Trần Văn Khác", before=[SENTENCE]), second, _appendix_table)
    lines = page_lines(pdf, 2)
    last = [ln for ln in lines if SIGNER_NAME in ln.text][-1]
    page_ix, box = _box(pdf)
    assert page_ix == 2
    x1, y1, x2, _y2 = box
    assert (x1 + x2) / 2 == pytest.approx((last.x0 + last.x1) / 2, abs=0.5)
    assert y1 > last.y1


def test_name_nowhere_is_not_found_in_both_languages():
    pdf = _pdf(_letter_page(KT_GD, "Trần Văn Khác", before=[FILLER]), _appendix_sentence)
    with pytest.raises(NotFoundError) as err:
        _box(pdf, "Phạm Thị Hoa")
    assert "Phạm Thị Hoa" in err.value.vi and "Không tìm thấy" in err.value.vi
    assert "Phạm Thị Hoa" in err.value.en and "not in the document" in err.value.en
    assert "--at" in err.value.vi and "--at" in err.value.en


# ---------------------------------------------------------------- signing


def _widget(signed: bytes, field: str) -> tuple[int, tuple[float, ...]]:
    """(0-based page, /Rect) of the signature widget named ``field``, read with pyHanko from
    the pages' /Annots (and the widget's /P, when there is one)."""
    reader = PdfFileReader(io.BytesIO(signed))
    found = []
    for page_ix in range(int(reader.root["/Pages"]["/Count"])):
        page_ref = reader.find_page_for_modification(page_ix)[0]
        for annot_ref in page_ref.get_object().get("/Annots", ()):
            annot = annot_ref.get_object()
            title = annot.get("/T") or annot.get("/Parent", {}).get("/T")
            if title == field:
                if "/P" in annot:
                    assert annot.raw_get("/P").idnum == page_ref.idnum
                found.append((page_ix, tuple(float(v) for v in annot["/Rect"])))
    (widget,) = found
    return widget


def test_signing_the_appendix_document_puts_the_widget_on_page_one(bridge_signer, bridge):
    pdf = _pdf(_letter_page(KT_GD, before=[FILLER]), _appendix_table, _appendix_sentence)
    signed = sign_pdf(
        pdf,
        bridge_signer("signer"),  # the demo token's signer: CN "Nguyễn Công Hàm"
        appearance="signer",
        image_png=bridge.pki.signature_png.read_bytes(),
    )
    assert signed.startswith(pdf)
    page_ix, rect = _widget(signed, ap.SIGNER_FIELD)
    lines = page_lines(pdf, 0)
    assert page_ix == 0
    _assert_between(rect, _line(lines, "PHÓ GIÁM ĐỐC"), _line(lines, SIGNER_NAME))
