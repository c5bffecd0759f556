"""Search in the text of an incoming document's PDF (the sender's signed file), as for
outgoing documents (snn_pdf_text_mixin.py): the receiving unit's own record rules decide
which of the documents found its people see."""

from odoo import models


class SnnIncomingDocument(models.Model):
    _name = "snn.incoming.document"
    _inherit = ["snn.incoming.document", "snn.pdf.text.mixin"]

    _pdf_text_fields = ("file",)
