"""Search in the text of a record's PDF: what Odoo's attachment_indexation read out of it.

A model inherits ``snn.pdf.text.mixin`` and names its PDF fields in ``_pdf_text_fields``, in
order of preference: the first one a record has is the one searched (an outgoing document's
signed file once there is one, as it carries the stamped number and date, "Số: 05/SNN-VP",
"Tuyên Quang, ngày 02 tháng 12 năm 2026"; else the PDF of the draft). The attachments of
binary fields are hidden from attachment searches unless the domain names ``res_field``; they
are searched here as superuser, by id only (never their content), and the answer is a
condition on the records' ids: the user's own record rules still decide which of them they
see, so a secret document never shows to someone who may not read it. The condition is a
subquery, not a list of ids: the database finds the page however many records match, in the
same queries.

pdfminer's text is indexed in NFC with single spaces (``IrAttachment._index``,
snn_document_search.py), and the words searched for are put the same way: a word typed in
decomposed Unicode (some Vietnamese input methods) or a phrase the PDF breaks over two lines is
still found.
"""

import re
import unicodedata

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

# '=' reaches a search method as 'in' (the ORM rewrites it first).
PATTERN_OPERATORS = frozenset({"ilike", "=ilike", "like", "=like"})
_SPACES = re.compile(r"\s+")


def normalize_text(text):
    """NFC, every run of white space one space: how PDF text is indexed and searched."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text))


class SnnPdfTextMixin(models.AbstractModel):
    _name = "snn.pdf.text.mixin"
    _description = "Record Searchable by the Text of Its PDF"

    # Binary fields holding the PDF, the preferred first: a model names its own.
    _pdf_text_fields = ("file",)

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
        """``[('id', 'in', ids)]``: the records whose PDF's text matches."""
        if operator in PATTERN_OPERATORS and isinstance(value, str):
            content = Domain("index_content", operator, normalize_text(value))
        elif operator == "in" and value and all(isinstance(v, str) and v for v in value):
            content = Domain.OR(Domain("index_content", "=", normalize_text(v)) for v in value)
        else:
            raise UserError(
                self.env._(
                    "The text of the PDF is searched for what it contains (“contains”, “is "
                    "equal to”, “like” patterns); this search is not supported: %(operator)s "
                    "%(value)r.",
                    operator=operator,
                    value=value if isinstance(value, str) else list(value or ()),
                )
            )
        pdf_fields = self._pdf_text_fields
        # res_id only: index_content is compared in SQL, never loaded.
        query = (
            self.env["ir.attachment"]
            .sudo()
            ._search(
                Domain("res_model", "=", self._name)
                & Domain("res_id", "!=", False)
                & Domain("res_field", "in", pdf_fields)
                & content
            )
        )
        attachment = SQL.identifier(query.table)
        # A record with a preferred PDF (the signed one) is searched in that one only: each
        # text found is of the record's most preferred PDF, a PDF no preferred one shadows.
        for rank, field_name in enumerate(pdf_fields[1:], 1):
            query.add_where(
                SQL(
                    "(%(field)s != %(name)s OR NOT EXISTS(SELECT FROM ir_attachment preferred"
                    " WHERE preferred.res_model = %(model)s AND preferred.res_id = %(res_id)s"
                    " AND preferred.res_field IN %(preferred)s))",
                    field=SQL("%s.res_field", attachment),
                    name=field_name,
                    model=self._name,
                    res_id=SQL("%s.res_id", attachment),
                    preferred=tuple(pdf_fields[:rank]),
                )
            )
        return Domain("id", "any!", query.subselect(SQL("%s.res_id", attachment)))
