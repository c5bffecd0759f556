"""An issued document as a row of the metadata export (Decree 30 Annex VI), and the page
count of its issued PDF, stored at issue so that an export never parses thousands of PDFs."""

import base64
import logging

from odoo import fields, models

from snn_sign.errors import SnnSignError
from snn_sign.extract import pdf_page_count

_logger = logging.getLogger(__name__)

ISSUE_RESULTS = frozenset({"page_count"})


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    page_count = fields.Integer(
        string="Pages",
        readonly=True,
        copy=False,
        help="Pages of the issued PDF (the signed file of an e-signed document), counted at "
        "issue: PageAmount of the metadata export.",
    )

    def _workflow_fields(self):
        return super()._workflow_fields() | ISSUE_RESULTS

    def _issue_files(self):
        """The pages of the file the issue leaves: the signed one it just made, else the
        approved PDF (a paper issue)."""
        values = super()._issue_files()
        signed = values.get("signed_file")
        if signed:
            data = base64.b64decode(signed)
        else:
            data = self.sudo().with_context(bin_size=False).file
            data = base64.b64decode(data) if data else b""
        return {**values, "page_count": _count_pages(data)}

    def _issued_pdf(self):
        """The bytes of the issued PDF: the signed file if e-signed, else the file."""
        document = self.sudo().with_context(bin_size=False)
        data = (document.esign and document.signed_file) or document.file
        return base64.b64decode(data) if data else b""

    def _fill_page_count(self):
        """Documents issued before this field existed: count their pages once, now."""
        for document in self.filtered(lambda d: not d.page_count):
            count = _count_pages(document._issued_pdf())
            if count:
                document.sudo().page_count = count


def _count_pages(data):
    """The page count of ``data``, 0 for a file that cannot be read (an issue never fails
    on it: the count is a figure of the export, not a check)."""
    if not data:
        return 0
    try:
        return pdf_page_count(data)
    except SnnSignError as error:
        _logger.warning("Cannot count the pages of an issued PDF: %s", error)
        return 0
