"""A realistic A4 letter (công văn) like the seed 218/SNN-VP, for tests, the bench and demo data.

Laid out after Annex I of Decree 30: the organisation block top left, the national motto top
right, a blank number line ("Số:") and a blank date line for the clerk to stamp, the subject, the
addressee, the body, "Nơi nhận:" and the signer block (title lines, room for the signature, full
name) on the last page. Drawn with reportlab in Liberation Serif, so every letter reads back.

The signature of ``make_letter_pdf`` is used by another module's demo data: keep it stable.
"""

from __future__ import annotations

import os
from io import BytesIO

from PIL import Image
from reportlab import rl_config
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from snn_sign.fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, register_reportlab_fonts

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, PAGE_W - 15 * MM, PAGE_H - 20 * MM, 20 * MM
LEFT_COL_X = LEFT + 55  # centre of the organisation block
RIGHT_COL_X = 400  # centre of the motto and signer blocks
BODY_SIZE = 14
LEADING = 18
SIGN_GAP = 95  # room between the signer's title and name for signature and seal

HEADER_LEFT = [
    ("ỦY BAN NHÂN DÂN", FONT),
    ("TỈNH TUYÊN QUANG", FONT),
    ("SỞ NÔNG NGHIỆP VÀ PTNT", FONT_BOLD),
]
HEADER_RIGHT = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", FONT_BOLD, 12),
    ("Độc lập - Tự do - Hạnh phúc", FONT_BOLD, 13),
]
NUMBER_LINE = "Số:"
DATE_LINE = "Tuyên Quang, ngày      tháng      năm 2019"
SUBJECT = ["V/v triển khai sử dụng chữ ký số chuyên", "dùng Chính phủ"]
ADDRESSEE = "Kính gửi: Các phòng, đơn vị trực thuộc Sở."
RECIPIENTS = [
    "- Như trên (thực hiện);",
    "- UBND tỉnh (báo cáo);",
    "- Sở TT và TT (phối hợp);",
    "- Lãnh đạo Sở;",
    "- Lưu: VT, VP.",
]
SIGNER_TITLE = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
SIGNER_NAME = "Nguyễn Công Hàm"

# The body of the seed letter (218/SNN-VP of 18/02/2019), markdown emphasis removed.
BODY = [
    "Thực hiện Quyết định số 19/2018/QĐ-UBND ngày 20/12/2018 của Ủy ban nhân dân tỉnh về ban "
    "hành Quy chế tiếp nhận, xử lý, phát hành và quản lý văn bản điện tử giữa các cơ quan nhà "
    "nước tỉnh Tuyên Quang; Văn bản số 258/UBND-THCB ngày 30/01/2019 của Ủy ban nhân dân tỉnh "
    "về việc tăng cường sử dụng chữ ký số chuyên dùng Chính phủ và triển khai thực hiện Quyết "
    "định số 28/2018/QĐ-TTg của Thủ tướng Chính phủ; Kế hoạch số 94/KH-SNN ngày 24/10/2018 của "
    "Sở Nông nghiệp và Phát triển nông thôn về Ứng dụng công nghệ thông tin năm 2019,",
    "Sở Nông nghiệp và PTNT yêu cầu các phòng, đơn vị trực thuộc:",
    "1. Thực hiện phổ biến, quán triệt Quyết định số 28/2018/QĐ-TTg ngày 12/7/2018 của Thủ "
    "tướng Chính phủ về gửi, nhận văn bản điện tử giữa các cơ quan trong hệ thống hành chính nhà "
    "nước; Chỉ thị số 02/CT-TTg ngày 23/01/2019 của Thủ tướng Chính phủ về tăng cường sử dụng "
    "chữ ký số chuyên dùng Chính phủ trong hoạt động của cơ quan nhà nước các cấp.",
    "2. Từ ngày 01/3/2019 đến ngày 14/4/2019, triển khai thử nghiệm chữ ký số chuyên dùng Chính "
    "phủ được Ủy ban nhân dân tỉnh cấp tích hợp trên Phần mềm quản lý văn bản và điều hành đối "
    "với các văn bản đi của Sở. Từ ngày 15/4/2019, chính thức sử dụng chữ ký số chuyên dùng "
    "Chính phủ để ký, gửi các văn bản đi của Sở thay thế văn bản giấy.",
    "Trong quá trình triển khai, thử nghiệm sử dụng chữ ký số, nếu có khó khăn, vướng mắc hoặc "
    "đề xuất điều chỉnh, bổ sung. Đề nghị các phòng, đơn vị gửi ý kiến bằng văn bản hoặc trao "
    "đổi trực tiếp về Sở (qua Văn phòng Sở) để phối hợp giải quyết.",
    "3. Giao Văn phòng Sở theo dõi, đôn đốc, hướng dẫn các phòng, đơn vị triển khai thực hiện; "
    "hoàn thành tham mưu xây dựng Quy chế tiếp nhận, xử lý, phát hành và quản lý văn bản điện tử "
    "của Sở Nông nghiệp và PTNT trước ngày 10/4/2019; kịp thời báo cáo, đề xuất Lãnh đạo Sở xem "
    "xét, giải quyết các vấn đề phát sinh trong quá trình tổ chức thực hiện.",
]
CLOSING = (
    "Sở Nông nghiệp và Phát triển nông thôn yêu cầu các phòng, đơn vị nghiêm túc triển khai, "
    "thực hiện./."
)
# height of "closing paragraph + Nơi nhận / signer blocks" below the last body line
# Height _draw_closing needs: the closing paragraph (3 lines) and its spacing, the two title
# lines, the room for signature and seal, the name line.
_CLOSING_BLOCK_H = 3 * LEADING + 20 + 2 * 17 + SIGN_GAP + 17


def make_letter_pdf(pages: int = 1, *, with_images_mb: float = 0) -> bytes:
    """A blank-numbered, blank-dated letter of exactly ``pages`` A4 pages, as PDF bytes.

    ``with_images_mb`` > 0 adds a photo annex of incompressible random-noise images totalling
    about that many megabytes (for the 13 MB bench file); the annex comes before the closing
    block and adds pages, so then ``pages`` is a minimum.
    """
    if pages < 1:
        raise ValueError("pages must be >= 1")
    register_reportlab_fonts()
    out = BytesIO()
    # ASCII85 would inflate the noise images by a quarter; plain Flate keeps sizes honest.
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        _draw_letter(Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1), pages, with_images_mb)
    finally:
        rl_config.useA85 = saved_a85
    return out.getvalue()


def _draw_letter(c, pages: int, with_images_mb: float) -> None:
    c.setTitle("V/v triển khai sử dụng chữ ký số chuyên dùng Chính phủ")
    c.setAuthor("Sở Nông nghiệp và PTNT Tuyên Quang")
    page = 1
    y = _draw_header(c)
    width = RIGHT - LEFT
    para = 0
    while True:
        text = BODY[para % len(BODY)]
        lines = simpleSplit(text, FONT, BODY_SIZE, width - 36)
        need = len(lines) * LEADING + 6
        # Stop on the last page while the closing block still fits after this paragraph.
        if page == pages and y - need < BOTTOM + _CLOSING_BLOCK_H:
            break
        if y - need < BOTTOM:
            c.showPage()
            page += 1
            y = TOP
            continue
        y = _draw_paragraph(c, lines, y)
        para += 1
    if with_images_mb > 0:
        y = _draw_noise_annex(c, y, with_images_mb)
    if y - _CLOSING_BLOCK_H < BOTTOM:
        c.showPage()
        y = TOP
    _draw_closing(c, y)
    c.showPage()
    c.save()


def _centred(c, text: str, font: str, size: float, at: tuple[float, float]) -> None:
    c.setFont(font, size)
    c.drawCentredString(at[0], at[1], text)


def _draw_header(c) -> float:
    y = TOP - 12
    for i, (text, font) in enumerate(HEADER_LEFT):
        _centred(c, text, font, 12, (LEFT_COL_X, y - i * 15))
    c.setLineWidth(0.6)
    c.line(LEFT_COL_X - 40, y - 2 * 15 - 5, LEFT_COL_X + 40, y - 2 * 15 - 5)
    for i, (text, font, size) in enumerate(HEADER_RIGHT):
        _centred(c, text, font, size, (RIGHT_COL_X, y - i * 15))
    c.line(RIGHT_COL_X - 80, y - 15 - 5, RIGHT_COL_X + 80, y - 15 - 5)
    y -= 3 * 15 + 20
    # Blank number and date lines: the clerk's stamp fills them on issue.
    c.setFont(FONT, 13)
    c.drawString(LEFT_COL_X - 45, y, NUMBER_LINE)
    _centred(c, DATE_LINE, FONT_ITALIC, 14, (RIGHT_COL_X, y))
    y -= 18
    for i, text in enumerate(SUBJECT):
        _centred(c, text, FONT, 12, (LEFT_COL_X, y - i * 14))
    y -= 2 * 14 + 24
    _centred(c, ADDRESSEE, FONT, BODY_SIZE, (PAGE_W / 2, y))
    return y - 28


def _draw_paragraph(c, lines: list[str], y: float) -> float:
    c.setFont(FONT, BODY_SIZE)
    for i, line in enumerate(lines):
        c.drawString(LEFT + (36 if i == 0 else 0), y, line)
        y -= LEADING
    return y - 6


def _draw_closing(c, y: float) -> None:
    y = _draw_paragraph(c, simpleSplit(CLOSING, FONT, BODY_SIZE, RIGHT - LEFT - 36), y) - 8
    c.setFont(FONT_BOLD_ITALIC, 12)
    c.drawString(LEFT, y, "Nơi nhận:")
    c.setFont(FONT, 11)
    for i, text in enumerate(RECIPIENTS):
        c.drawString(LEFT, y - 14 - i * 13, text)
    for i, text in enumerate(SIGNER_TITLE):
        _centred(c, text, FONT_BOLD, 13, (RIGHT_COL_X, y - i * 17))
    name_y = y - 17 - SIGN_GAP
    _centred(c, SIGNER_NAME, FONT_BOLD, 13, (RIGHT_COL_X, name_y))


def _draw_noise_annex(c, y: float, megabytes: float) -> float:
    """Random-noise RGB images (deflate cannot shrink them), two per row, ~1 MB each."""
    side = 580  # 580 x 580 x 3 bytes ~ 1 MB of pixels
    count = max(1, round(megabytes * 1_000_000 / (side * side * 3)))
    box_w, box_h, gap = 200, 150, 16
    _centred(c, "Phụ lục ảnh hiện trường", FONT_BOLD, 13, (PAGE_W / 2, y))
    y -= 20
    for i in range(count):
        if i % 2 == 0 and y - box_h < BOTTOM:
            c.showPage()
            y = TOP
        img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        x = LEFT + (i % 2) * (box_w + gap)
        c.drawImage(ImageReader(img), x, y - box_h, box_w, box_h)
        if i % 2 == 1 or i == count - 1:
            y -= box_h + gap
    return y
