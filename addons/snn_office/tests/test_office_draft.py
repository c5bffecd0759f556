import base64
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from pdfminer.high_level import extract_text

from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_dispatch.tests.common import DispatchCase

SUBJECT_LINE = "V/v báo cáo kết quả chuyển đổi số năm 2026"
# A letter as the ministry's template lays it out, in flat ODT; soffice saves it as .docx.
FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="Times New Roman"
 svg:font-family="'Times New Roman'" style:font-family-generic="roman"/></office:font-face-decls>
<office:styles><style:default-style style:family="paragraph"><style:text-properties
 style:font-name="Times New Roman" fo:font-size="14pt"/></style:default-style></office:styles>
<office:body><office:text>
<text:p>SỞ NÔNG NGHIỆP VÀ PTNT</text:p>
<text:p>Số: /SNN-VP</text:p>
<text:p>Tuyên Quang, ngày tháng năm 2026</text:p>
<text:p>{subject}</text:p>
<text:p>KT. GIÁM ĐỐC</text:p><text:p>PHÓ GIÁM ĐỐC</text:p><text:p>Nguyễn Công Hàm</text:p>
</office:text></office:body></office:document>
"""


def make_docx(subject=SUBJECT_LINE):
    """A .docx written by LibreOffice itself from the flat ODT above."""
    workdir = Path(tempfile.mkdtemp(prefix="snn-office-test-"))
    try:
        source = workdir / "letter.fodt"
        source.write_text(FODT.format(subject=subject), encoding="utf-8")
        profile = workdir / "profile"
        subprocess.run(
            [
                shutil.which("soffice") or "/usr/bin/soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "docx",
                "--outdir",
                str(workdir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (workdir / "letter.docx").read_bytes()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def text_of(pdf):
    return " ".join(extract_text(io.BytesIO(pdf)).split())


class TestOfficeDraft(DispatchCase):
    """The drafter attaches the .docx they wrote; the PDF that goes for review is made from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.docx = make_docx()

    def draft_with(self, data, name):
        return self.make_draft(file=base64.b64encode(data), file_name=name)

    @staticmethod
    def bytes_of(document, field):
        return base64.b64decode(document.with_context(bin_size=False)[field])

    def test_a_docx_becomes_the_pdf_to_review_and_is_kept_beside_it(self):
        document = self.draft_with(self.docx, "bao-cao-chuyen-doi-so.docx")
        pdf = self.bytes_of(document, "file")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertEqual(document.file_name, "bao-cao-chuyen-doi-so.pdf")
        self.assertEqual(self.bytes_of(document, "source_file"), self.docx)
        self.assertEqual(document.source_file_name, "bao-cao-chuyen-doi-so.docx")
        text = text_of(pdf)
        for expected in (SUBJECT_LINE, "SỞ NÔNG NGHIỆP VÀ PTNT", "KT. GIÁM ĐỐC", "Nguyễn Công Hàm"):
            self.assertIn(expected, text)
        document.with_user(self.drafter).action_submit()
        self.assertEqual(document.state, "head_review")
        with self.assertRaises(UserError):  # frozen with the PDF from submission on
            document.with_user(self.drafter).write({"file": base64.b64encode(self.docx)})
        self.assertEqual(self.bytes_of(document, "source_file"), self.docx)

    def test_the_converted_draft_is_signed_and_its_source_is_not(self):
        document = self.draft_with(self.docx, "letter.docx")
        self.walk(document, "issued")
        document = document.with_env(self.env)
        self.assertTrue(document.esign)
        self.assertTrue(document.signature_ids)
        self.assertTrue(all(document.signature_ids.mapped("valid")))
        self.assertIn(SUBJECT_LINE, text_of(self.bytes_of(document, "signed_file")))
        self.assertEqual(self.bytes_of(document, "source_file"), self.docx, "never signed")

    def test_a_pdf_replaces_the_office_draft_and_its_source(self):
        document = self.draft_with(self.docx, "letter.docx")
        document.with_user(self.drafter).write(
            {"file": base64.b64encode(self.letter_pdf), "file_name": "218.pdf"}
        )
        self.assertEqual(self.bytes_of(document, "file"), self.letter_pdf)
        self.assertFalse(document.source_file)
        self.assertFalse(document.source_file_name)

    def test_what_is_not_a_pdf_or_an_office_file_is_refused_and_nothing_changes(self):
        document = self.draft_with(self.docx, "letter.docx")
        before = self.bytes_of(document, "file")
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        for data, name in ((png, "scan.png"), (b"just text", "note.txt")):
            with self.assertRaises(UserError, msg=name) as caught:
                document.with_user(self.drafter).write(
                    {"file": base64.b64encode(data), "file_name": name}
                )
            message = str(caught.exception)
            self.assertIn(name, message)
            self.assertIn("Accepted: PDF, Word (.docx, .doc) or OpenDocument (.odt)", message)
            self.assertNotIn("Chỉ nhận tệp PDF", message)
        self.assertEqual(self.bytes_of(document, "file"), before)
        self.assertEqual(self.bytes_of(document, "source_file"), self.docx)

    def test_when_chosen_an_office_file_is_taken_and_a_picture_is_put_back(self):
        document = self.draft_with(self.docx, "letter.docx")
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        attachment = self.env["snn.document.attachment"].create(
            {"document_id": document.id, "name": "Phụ lục", "file": base64.b64encode(self.docx)}
        )
        for record in (document, attachment):
            with self.subTest(model=record._name):
                chosen = record.with_user(self.drafter).new(
                    {"file": base64.b64encode(self.docx), "file_name": "other.docx"}, origin=record
                )
                self.assertIsNone(chosen._onchange_file_check_upload(), "a .docx is taken")
                chosen = record.with_user(self.drafter).new(
                    {"file": base64.b64encode(png), "file_name": "scan.png"}, origin=record
                )
                warning = chosen._onchange_file_check_upload()["warning"]
                self.assertIn("scan.png", warning["message"])
                accepted = "Accepted: PDF, Word (.docx, .doc) or OpenDocument (.odt)"
                self.assertIn(accepted, warning["message"])
                self.assertNotEqual(chosen.file_name, "scan.png", "the file it had is put back")

    def test_a_damaged_docx_is_refused_in_the_users_language_only(self):
        with self.assertRaises(UserError) as caught:
            self.draft_with(self.docx[: len(self.docx) // 2], "hong.docx")
        message = str(caught.exception)
        self.assertIn("hong.docx", message)
        self.assertIn("damaged", message)
        self.assertNotIn(" / ", message)  # the engine's Vietnamese half goes to the log
        self.assertFalse(self.env["snn.document"].search([("file_name", "like", "hong")]))

    def test_nobody_attaches_a_source_of_their_own(self):
        document = self.draft_with(self.letter_pdf, "218.pdf")
        for user in (self.drafter, self.manager):
            with self.assertRaises(AccessError):
                document.with_user(user).write(
                    {"source_file": base64.b64encode(b"other"), "source_file_name": "x.docx"}
                )
        self.assertFalse(document.source_file)
