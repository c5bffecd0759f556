"""Search in the text of a document's PDF (snn_pdf_text_mixin.py): the signed file once there is
one, else the PDF of the draft; and the index that search reads, kept as it is searched."""

from odoo import api, fields, models
from odoo.fields import Domain

from snn_sign.pdfinput import looks_like_pdf

from .snn_pdf_text_mixin import normalize_text

_REINDEX_BATCH = 50


class SnnDocument(models.Model):
    _name = "snn.document"
    _inherit = ["snn.document", "snn.pdf.text.mixin"]

    _pdf_text_fields = ("signed_file", "file")

    pdf_text = fields.Char(
        help="For searching only: the words of the signed PDF (number and date included), "
        "or of the draft's PDF before it is signed.",
    )


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    # No trigram index on index_content: at 1,000,000 documents (bench/register_bench.py) it
    # made a common phrase three times slower (the planner rechecks every candidate's whole
    # text) and a rare one only a third faster, for a GIN index over every attachment's text.

    @api.model
    def _index(self, bin_data, mimetype, checksum=None):
        """A PDF's text in NFC, its white space in single spaces (see snn_pdf_text_mixin.py)."""
        content = super()._index(bin_data, mimetype, checksum=checksum)
        if content and looks_like_pdf(bin_data):
            content = normalize_text(content).strip()
        return content

    @api.model
    def _reindex_pdf_text(self):
        """Index again the PDFs of the models searched by the text of their PDF (for a database
        where they were stored before attachment_indexation or this module was installed)."""
        Attachment = self.sudo().with_context(bin_size=False)
        models_fields = {
            name: self.env[name]._pdf_text_fields
            for name in self.env.registry.descendants(["snn.pdf.text.mixin"], "_inherit")
            if not self.env[name]._abstract
        }
        domain = Domain.OR(
            Domain("res_model", "=", model_name) & Domain("res_field", "in", field_names)
            for model_name, field_names in models_fields.items()
        )
        ids = Attachment.search(domain & Domain("res_id", "!=", False), order="id").ids
        for start in range(0, len(ids), _REINDEX_BATCH):
            batch = Attachment.browse(ids[start : start + _REINDEX_BATCH])
            for attachment in batch:
                raw = attachment.raw
                if raw:
                    attachment.index_content = attachment._index(
                        raw, attachment.mimetype, checksum=attachment.checksum
                    )
            batch.flush_recordset(["index_content"])
            batch.invalidate_recordset()
        return len(ids)
