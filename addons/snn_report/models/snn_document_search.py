"""Search in the text of a document's PDF: what Odoo's attachment_indexation read out of it.

Which PDF: the signed file once there is one (it carries the stamped number and date,
"Số: 05/SNN-VP", "Tuyên Quang, ngày 02 tháng 12 năm 2026"), else the PDF of the draft. The
attachments of binary fields are hidden from attachment searches unless the domain names
``res_field``; they are searched here as superuser, by id only (never their content), and
the answer is a condition on the records' ids: the user's own record rules still decide which
of them they see, so a secret document never shows to someone who may not read it.

pdfminer's text is indexed in NFC with single spaces (``IrAttachment._index``), and the words
searched for are put the same way: a word typed in decomposed Unicode (some Vietnamese input
methods) or a phrase the PDF breaks over two lines is still found.
"""

import re
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

# '=' reaches a search method as 'in' (the ORM rewrites it first).
PATTERN_OPERATORS = frozenset({"ilike", "=ilike", "like", "=like"})
_SPACES = re.compile(r"\s+")
# Binary fields holding the PDF, per model: the first one a record has is the one searched.
PDF_FIELDS = {
    "snn.document": ("signed_file", "file"),
    "snn.incoming.document": ("file",),
}
_REINDEX_BATCH = 50


def normalize_text(text):
    """NFC, every run of white space one space: how PDF text is indexed and searched."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text))


def pdf_text_domain(model, operator, value):
    """``[('id', 'in', ids)]``: the records of ``model`` whose PDF's text matches."""
    if operator in PATTERN_OPERATORS and isinstance(value, str):
        content = Domain("index_content", operator, normalize_text(value))
    elif operator == "in" and value and all(isinstance(v, str) and v for v in value):
        content = Domain.OR(Domain("index_content", "=", normalize_text(v)) for v in value)
    else:
        raise UserError(
            model.env._(
                "The text of the PDF is searched for what it contains (“contains”, “is equal "
                "to”, “like” patterns); this search is not supported: %(operator)s %(value)r.",
                operator=operator,
                value=value if isinstance(value, str) else list(value or ()),
            )
        )
    pdf_fields = PDF_FIELDS[model._name]
    Attachment = model.env["ir.attachment"].sudo()
    of_model = Domain("res_model", "=", model._name) & Domain("res_id", "!=", False)
    # res_id and res_field only: index_content is compared in SQL, never loaded.
    matches = Attachment.search_fetch(
        of_model & Domain("res_field", "in", pdf_fields) & content, ["res_id", "res_field"]
    )
    ids = set()
    for rank, field_name in enumerate(pdf_fields):
        found = {a.res_id for a in matches if a.res_field == field_name}
        preferred = pdf_fields[:rank]
        if found and preferred:
            # A record with a preferred PDF (the signed one) is searched in that one only.
            shadowed = Attachment.search_fetch(
                of_model
                & Domain("res_field", "in", preferred)
                & Domain("res_id", "in", sorted(found)),
                ["res_id"],
            )
            found -= set(shadowed.mapped("res_id"))
        ids |= found
    return [("id", "in", sorted(ids))]


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    pdf_text = fields.Char(
        string="Text of the PDF",
        compute="_compute_pdf_text",
        search="_search_pdf_text",
        exportable=False,
        help="For searching only: the words of the signed PDF (number and date included), "
        "or of the draft's PDF before it is signed.",
    )

    def _compute_pdf_text(self):
        # Search only: reading the text of every listed PDF would load it all.
        self.pdf_text = False

    def _search_pdf_text(self, operator, value):
        return pdf_text_domain(self, operator, value)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _index(self, bin_data, mimetype, checksum=None):
        """A PDF's text in NFC, its white space in single spaces (see the module docstring)."""
        content = super()._index(bin_data, mimetype, checksum=checksum)
        if content and bin_data and bin_data[:5] == b"%PDF-":
            content = normalize_text(content).strip()
        return content

    @api.model
    def _reindex_pdf_text(self):
        """Index again the PDFs of the documents and incoming documents (for a database where
        they were stored before attachment_indexation or this module was installed)."""
        Attachment = self.sudo().with_context(bin_size=False)
        domain = Domain.OR(
            Domain("res_model", "=", model_name) & Domain("res_field", "in", field_names)
            for model_name, field_names in PDF_FIELDS.items()
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
