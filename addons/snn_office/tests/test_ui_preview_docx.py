"""The PDF preview of a draft whose file is replaced by a .docx (converted by LibreOffice on
save) shows the converted new content once saved, without a page reload, and until then says
so instead of showing the old PDF as if it were the new file; desktop and phone."""

from odoo.tests import tagged

from odoo.addons.snn_docflow.tests.test_ui_preview import OLD_PDF, PreviewCase

from .test_office_draft import make_docx, text_of

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def check_docx_replacement(case):
    document = case.make_draft("Preview: replace by docx", OLD_PDF, "old.pdf")
    case.offer_upload(make_docx("NEW CONTENT"), "new.docx", DOCX_MIMETYPE)
    case.open_as_drafter(document, "snn_docflow_preview_replace_docx")
    case.assertIn("NEW CONTENT", text_of(case.stored(document)), "the stored PDF, converted")


# Each class names its test itself: Odoo's runner runs only the test methods a class defines.
@tagged("post_install", "-at_install")
class TestUiPreviewDocx(PreviewCase):
    browser_size = "1366x900"

    def test_a_docx_replacement_shows_its_converted_content(self):
        check_docx_replacement(self)


@tagged("post_install", "-at_install")
class TestUiPreviewDocxPhone(PreviewCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_a_docx_replacement_shows_its_converted_content(self):
        check_docx_replacement(self)
