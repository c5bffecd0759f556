"""The PDF preview of a draft shows the file stored now, in a real browser (headless
Chromium), as the drafter on a desktop and on a phone: a replaced file shows its new content
after saving, and a first file given to a draft saved without one shows its pages, both
without reloading the page. The tours (snn_docflow_preview_tours.js) read the text of pdf.js's
text layer inside the viewer."""

import base64
import io

from reportlab.pdfgen import canvas

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


def pdf_saying(text):
    """A one-page A4 PDF whose only line is ``text`` (real text, for pdf.js's text layer)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842))
    page.setFont("Helvetica", 28)
    page.drawString(72, 700, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


OLD_PDF = pdf_saying("OLD CONTENT")
NEW_PDF = pdf_saying("NEW CONTENT")


class PreviewCase(HttpCase):
    """A drafter, one unit with its head, a type and its register; files the drafter can pick."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"snn_org_code": "SNN"})
        g = "snn_docflow.group_"
        cls.drafter = new_test_user(
            cls.env, "preview_drafter", f"{g}drafter", name="Preview Drafter", lang="en_US"
        )
        head_user = new_test_user(cls.env, "preview_head", f"{g}head", name="Preview Head")
        director = new_test_user(cls.env, "preview_director", f"{g}director", name="Preview Dir")
        head = cls.env["hr.employee"].create({"name": "Preview head", "user_id": head_user.id})
        cls.unit = cls.env["hr.department"].create(
            {"name": "Văn phòng (preview)", "snn_code": "VP", "manager_id": head.id}
        )
        register = cls.env["snn.register"].create({"name": "Sổ đi (preview)"})
        cls.letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (preview)", "register_id": register.id}
        )
        cls.director = director

    def make_draft(self, subject, data=None, name=None):
        values = {
            "subject": subject,
            "document_type_id": self.letter.id,
            "department_id": self.unit.id,
            "signer_id": self.director.id,
            "recipient_ids": [Command.create({"partner_id": self.env.company.partner_id.id})],
        }
        if data:
            values.update({"file": base64.b64encode(data), "file_name": name})
        return self.env["snn.document"].with_user(self.drafter).create(values)

    def offer_upload(self, data, name, mimetype):
        """The file the tour picks as if from the drafter's disk: an attachment of theirs that
        the tour reads (snn_docflow_preview_tours.js, ``upload``)."""
        self.env["ir.attachment"].with_user(self.drafter).create(
            {"name": name, "raw": data, "mimetype": mimetype}
        )

    def open_as_drafter(self, document, tour):
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{document.id}",
            tour,
            login="preview_drafter",
        )

    def stored(self, document):
        document.invalidate_recordset(["file"])
        return base64.b64decode(document.sudo().file)

    # The scenarios, run by a desktop and a phone class below: each class names its tests
    # itself, as Odoo's runner runs only the test methods a class defines (not inherited ones).
    def check_replaced_pdf(self):
        document = self.make_draft("Preview: replace", OLD_PDF, "old.pdf")
        self.offer_upload(NEW_PDF, "new.pdf", "application/pdf")
        self.open_as_drafter(document, "snn_docflow_preview_replace")
        self.assertEqual(self.stored(document), NEW_PDF)

    def check_first_file(self):
        document = self.make_draft("Preview: first file")
        self.offer_upload(NEW_PDF, "new.pdf", "application/pdf")
        self.open_as_drafter(document, "snn_docflow_preview_first_file")
        self.assertEqual(self.stored(document), NEW_PDF)


@tagged("post_install", "-at_install")
class TestUiPreview(PreviewCase):
    browser_size = "1366x900"

    def test_a_replaced_pdf_shows_its_new_content(self):
        self.check_replaced_pdf()

    def test_a_first_file_shows_its_pages(self):
        self.check_first_file()


@tagged("post_install", "-at_install")
class TestUiPreviewPhone(PreviewCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_a_replaced_pdf_shows_its_new_content(self):
        self.check_replaced_pdf()

    def test_a_first_file_shows_its_pages(self):
        self.check_first_file()
