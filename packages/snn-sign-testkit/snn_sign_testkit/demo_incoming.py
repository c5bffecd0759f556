"""A letter another agency sends the demo company through the exchange stand-in: what `make run`
shows on the receiving side (the clerk's Incoming Documents). Demo only.

The Department of Finance (Sở Tài chính) writes to the demo company; its letter is laid out as
snn_sign_testkit.sample_letter lays out the demo company's own, already numbered and dated, and
signed twice as an issued letter is: by its deputy director, then with its seal. Both
certificates are issued by the demo PKI's CA (its key is in the demo directory for this), which
the demo company trusts, so the clerk sees the signatures valid. The keys live in memory only.

    message = agency_message(signed_agency_letter(ca_cert_pem, ca_key_pem), to=(organ_id, name))
    deliver(exchange_info, message, as_system_id="stc-demo")  # the stand-in's JSON line
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.signers import SimpleSigner
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from snn_edxml.edxml import EdxmlDocument, EdxmlFile, Organ, build_document
from snn_sign.fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, register_reportlab_fonts
from snn_sign.signing import sign_pdf
from snn_sign.vntime import now_vn
from snn_sign_testkit.demo_exchange import RunningExchange
from snn_sign_testkit.demo_images import make_seal_png, make_signature_png
from snn_sign_testkit.pki import issue_cert
from snn_sign_testkit.sample_letter import (
    BODY_SIZE,
    LEFT,
    LEFT_COL_X,
    PAGE_H,
    PAGE_W,
    RIGHT,
    RIGHT_COL_X,
    SIGN_GAP,
    TOP,
    _centred,
    _draw_paragraph,
)

AGENCY_ORGAN_ID = "000.00.00.H53"  # as snn_dispatch's demo data and tests name it
AGENCY_NAME = "Sở Tài chính tỉnh Tuyên Quang"
NUMBER, NOTATION = "125", "STC-QLNS"
SUBJECT = "V/v xây dựng dự toán ngân sách nhà nước năm sau"
SIGNER_AUTHORITY, SIGNER_POSITION, SIGNER_NAME = "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Văn Tài"
HEADER_LEFT = [("UBND TỈNH TUYÊN QUANG", FONT), ("SỞ TÀI CHÍNH", FONT_BOLD)]
ADDRESSEE = "Kính gửi: Sở Nông nghiệp và Phát triển nông thôn."
BODY = [
    "Thực hiện Luật Ngân sách nhà nước năm 2015 và hướng dẫn của Ủy ban nhân dân tỉnh về xây "
    "dựng dự toán ngân sách nhà nước năm sau, Sở Tài chính đề nghị Sở Nông nghiệp và Phát triển "
    "nông thôn:",
    "1. Lập dự toán thu, chi ngân sách năm sau của Sở và các đơn vị trực thuộc, kèm thuyết minh "
    "cơ sở tính toán, theo các biểu mẫu đã được hướng dẫn.",
    "2. Gửi dự toán về Sở Tài chính (qua Phòng Quản lý ngân sách) trước ngày {due} để tổng hợp, "
    "báo cáo Ủy ban nhân dân tỉnh.",
    "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ Phòng Quản lý ngân sách, Sở "
    "Tài chính để được hướng dẫn./.",
]
RECIPIENTS = ["- Như trên;", "- Giám đốc Sở (báo cáo);", "- Lưu: VT, QLNS."]


def agency_letter_pdf(day: dt.date) -> bytes:
    """The Department's letter number 125/STC-QLNS of ``day``, one A4 page, unsigned."""
    register_reportlab_fonts()
    out = BytesIO()
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setTitle(SUBJECT)
    c.setAuthor(AGENCY_NAME)
    y = TOP - 12
    for i, (text, font) in enumerate(HEADER_LEFT):
        _centred(c, text, font, 12, (LEFT_COL_X, y - i * 15))
    _centred(c, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", FONT_BOLD, 12, (RIGHT_COL_X, y))
    _centred(c, "Độc lập - Tự do - Hạnh phúc", FONT_BOLD, 13, (RIGHT_COL_X, y - 15))
    c.setLineWidth(0.6)
    c.line(LEFT_COL_X - 30, y - 15 - 5, LEFT_COL_X + 30, y - 15 - 5)
    c.line(RIGHT_COL_X - 80, y - 15 - 5, RIGHT_COL_X + 80, y - 15 - 5)
    y -= 2 * 15 + 24
    _centred(c, f"Số: {NUMBER}/{NOTATION}", FONT, 13, (LEFT_COL_X, y))
    when = f"Tuyên Quang, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    _centred(c, when, FONT_ITALIC, 14, (RIGHT_COL_X, y))
    y -= 18
    for i, text in enumerate(simpleSplit(SUBJECT, FONT, 12, 200)):
        _centred(c, text, FONT, 12, (LEFT_COL_X, y - i * 14))
    y -= 2 * 14 + 24
    _centred(c, ADDRESSEE, FONT, BODY_SIZE, (PAGE_W / 2, y))
    y -= 28
    due = (day + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    for paragraph in BODY:
        text = paragraph.format(due=due)
        y = _draw_paragraph(c, simpleSplit(text, FONT, BODY_SIZE, RIGHT - LEFT - 36), y)
    y -= 8
    c.setFont(FONT_BOLD_ITALIC, 12)
    c.drawString(LEFT, y, "Nơi nhận:")
    c.setFont(FONT, 11)
    for i, text in enumerate(RECIPIENTS):
        c.drawString(LEFT, y - 14 - i * 13, text)
    for i, text in enumerate((SIGNER_AUTHORITY, SIGNER_POSITION)):
        _centred(c, text, FONT_BOLD, 13, (RIGHT_COL_X, y - i * 17))
    _centred(c, SIGNER_NAME, FONT_BOLD, 13, (RIGHT_COL_X, y - 17 - SIGN_GAP))
    c.showPage()
    c.save()
    return out.getvalue()


def _signer(ca_cert: x509.Certificate, ca_key, common_name: str, purpose: str) -> SimpleSigner:
    """A key in memory with a certificate of the demo CA (its chain: the CA, which receivers
    that trust the demo PKI have)."""
    cert, key = issue_cert(
        ca_cert, ca_key, common_name=common_name, org=AGENCY_NAME, purpose=purpose
    )
    der = serialization.Encoding.DER
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=None,
    )


def signed_agency_letter(
    ca_cert_pem: bytes, ca_key_pem: bytes, day: dt.date | None = None
) -> bytes:
    """The letter signed by the deputy director, then sealed: two signatures of the demo CA."""
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    pdf = agency_letter_pdf(day or now_vn().date())
    person = _signer(ca_cert, ca_key, SIGNER_NAME, "personal")
    seal = _signer(ca_cert, ca_key, AGENCY_NAME, "organization")
    pdf = sign_pdf(pdf, person, appearance="signer", image_png=make_signature_png(SIGNER_NAME))
    return sign_pdf(pdf, seal, appearance="seal", image_png=make_seal_png(AGENCY_NAME))


def agency_message(pdf: bytes, *, to: tuple[str, str], day: dt.date | None = None) -> bytes:
    """The edXML message carrying the signed letter to ``to`` = (OrganId, name)."""
    return build_document(
        EdxmlDocument(
            sender=Organ(organ_id=AGENCY_ORGAN_ID, name=AGENCY_NAME),
            recipients=[Organ(organ_id=to[0], name=to[1])],
            code_number=NUMBER,
            code_notation=NOTATION,
            place="Tuyên Quang",
            promulgation_date=day or now_vn().date(),
            document_type="1",
            type_name="Công văn",
            subject=SUBJECT,
            signer_competence=SIGNER_AUTHORITY,
            signer_position=SIGNER_POSITION,
            signer_full_name=SIGNER_NAME,
            staff_name="Nguyễn Thị Ngân",
            staff_department="Phòng Quản lý ngân sách",
            files=[EdxmlFile(f"{NUMBER}-{NOTATION}.pdf", "application/pdf", pdf)],
        )
    )


def deliver(exchange_info: dict, message: bytes, *, as_system_id: str) -> dict:
    """Put ``message`` into its recipients' mailboxes on the running stand-in described by
    ``exchange_info`` (its JSON line: url, system_id, secret_file, pid, log) as if the system
    ``as_system_id`` had posted it; the stand-in's answer."""
    secret_file = Path(exchange_info["secret_file"])
    running = RunningExchange(
        exchange_info["url"],
        exchange_info["system_id"],
        secret_file.read_bytes().strip(),
        secret_file,
        exchange_info["pid"],
        Path(exchange_info["log"]),
        process=None,
    )
    return running.deliver(message, as_system_id=as_system_id)
