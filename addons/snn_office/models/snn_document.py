"""Office drafts: the drafter attaches the .docx (.odt, .doc) they wrote and the PDF that goes
for review is made from it by LibreOffice (snn_office_convert.convert: outside the worker's
memory, with a time limit and a private profile per conversion).

The conversion happens when the file is written, so the PDF the head and the director review
and the one the clerk signs is the one shown from the start; the source file is kept beside it,
for download, and never signed. A PDF written later replaces both (the source no longer
matches). Both are frozen from submission on, as the PDF is.
"""

from odoo import api, fields, models

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_office_convert.convert import sniff
from snn_sign.errors import SnnSignError

from .office_conversion import converted

SOURCE_FIELDS = frozenset({"source_file", "source_file_name"})


class SnnDocument(models.Model):
    _inherit = "snn.document"

    file = fields.Binary(
        string="Draft (PDF, Word or OpenDocument)",
        help="A PDF is reviewed and signed as it is; a .docx, .odt or .doc is converted to PDF "
        "when it is attached, and kept beside it.",
    )
    source_file = fields.Binary(string="Office Source", attachment=True, readonly=True, copy=False)
    source_file_name = fields.Char(readonly=True, copy=False)

    def _workflow_fields(self):
        # Written only by the conversion below (as superuser, after the client's own write
        # passed its checks): a client cannot attach a source that does not match the PDF.
        return super()._workflow_fields() | SOURCE_FIELDS

    def _frozen_file_fields(self):
        frozen = super()._frozen_file_fields()
        if "file" in frozen:
            frozen |= {"source_file"}
        return frozen

    @api.model_create_multi
    def create(self, vals_list):
        # Access before conversion: LibreOffice starts only for whoever may create a
        # document (a portal user or an employee without a docflow role may not).
        self.check_access("create")
        results = [self._converted_draft(vals) for vals in vals_list]
        documents = super().create([vals for vals, _source in results])
        for document, (_vals, source) in zip(documents, results, strict=True):
            if source:
                document.sudo().write(source)
        return documents

    def write(self, vals):
        if "file" in vals:
            # The same checks the write would make, made before the file is converted.
            self.check_access("write")
            self._check_content_editable()
        vals, source = self._converted_draft(vals)
        result = super().write(vals)
        if source is not None:
            self.sudo().write(source)
        return result

    @api.model
    def _converted_draft(self, vals):
        return converted(self.env, vals)

    def _upload_problem(self, data, name):
        # An office file is accepted when chosen (converted when the draft is saved); what
        # is neither that nor a PDF is refused with what snn_sign says is accepted.
        try:
            kind = sniff(data)
        except SnnSignError as error:
            return self.env._(
                "“%(name)s” cannot be used: %(why)s", name=name, why=engine_words(self.env, error)
            )
        return super()._upload_problem(data, name) if kind == "pdf" else None
