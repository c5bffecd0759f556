"""Office drafts: the drafter attaches the .docx (.odt, .doc) they wrote and the PDF that goes
for review is made from it by LibreOffice (snn_sign.convert: outside the worker's memory, with
a time limit and a private profile per conversion).

The conversion happens when the file is written, so the PDF the head and the director review
and the one the clerk signs is the one shown from the start; the source file is kept beside it,
for download, and never signed. A PDF written later replaces both (the source no longer
matches). Both are frozen from submission on, as the PDF is.
"""

import base64
from pathlib import PurePath

from odoo import api, fields, models
from odoo.exceptions import UserError

from snn_sign.convert import sniff, to_pdf
from snn_sign.errors import SnnSignError

SOURCE_FIELDS = frozenset({"source_file", "source_file_name"})
DEFAULT_TIMEOUT = 60  # seconds; ir.config_parameter snn_office.conversion_timeout


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
        converted = [self._converted_draft(vals) for vals in vals_list]
        documents = super().create([vals for vals, _source in converted])
        for document, (_vals, source) in zip(documents, converted, strict=True):
            if source:
                document.sudo().write(source)
        return documents

    def write(self, vals):
        vals, source = self._converted_draft(vals)
        result = super().write(vals)
        if source is not None:
            self.sudo().write(source)
        return result

    @api.model
    def _converted_draft(self, vals):
        """(vals, source values): an office file in ``vals['file']`` replaced by its PDF, the
        source values to write after it; (vals, None) when no file is written."""
        if "file" not in vals:
            return vals, None
        if not vals["file"]:  # the draft's file taken away: its source goes with it
            return vals, {"source_file": False, "source_file_name": False}
        data = base64.b64decode(vals["file"])
        name = vals.get("file_name") or "draft"
        try:
            kind = sniff(data)
            if kind == "pdf":
                return vals, {"source_file": False, "source_file_name": False}
            pdf = to_pdf(data, timeout=self._conversion_timeout())
        except SnnSignError as error:
            raise UserError(
                self.env._("“%(name)s” cannot be used as the draft: %(why)s", name=name, why=error)
            ) from None
        stem = PurePath(name).stem or "draft"
        converted = {**vals, "file": base64.b64encode(pdf), "file_name": f"{stem}.pdf"}
        return converted, {"source_file": vals["file"], "source_file_name": name}

    @api.model
    def _conversion_timeout(self):
        value = self.env["ir.config_parameter"].sudo().get_param("snn_office.conversion_timeout")
        try:
            return max(float(value), 1.0) if value else DEFAULT_TIMEOUT
        except ValueError:
            return DEFAULT_TIMEOUT
