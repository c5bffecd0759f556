"""Search in the text of an incoming document's PDF (the sender's signed file), as for
outgoing documents (see snn_document_search.py): the receiving unit's own record rules decide
which of the documents found its people see."""

from odoo import fields, models

from .snn_document_search import pdf_text_domain


class SnnIncomingDocument(models.Model):
    _inherit = "snn.incoming.document"

    pdf_text = fields.Char(
        string="Text of the PDF",
        compute="_compute_pdf_text",
        search="_search_pdf_text",
        exportable=False,
        help="For searching only: the words of the signed PDF, number and date included.",
    )

    def _compute_pdf_text(self):
        # Search only: reading the text of every listed PDF would load it all.
        self.pdf_text = False

    def _search_pdf_text(self, operator, value):
        return pdf_text_domain(self, operator, value)
