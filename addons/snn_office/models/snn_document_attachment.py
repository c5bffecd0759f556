"""Attachments (snn_signing's appendices) from office files: a .docx/.odt/.doc chosen for an
appendix becomes its PDF as the draft's file does (office_conversion.py), after every check of
the attachment's create or write, and its source is kept beside it, frozen with it."""

from odoo import api, fields, models

from .office_conversion import converted

SOURCE_FIELDS = frozenset({"source_file", "source_file_name"})


class SnnDocumentAttachment(models.Model):
    _inherit = "snn.document.attachment"

    file = fields.Binary(string="File (PDF, Word or OpenDocument)")
    source_file = fields.Binary(string="Office Source", attachment=True, readonly=True, copy=False)
    source_file_name = fields.Char(readonly=True, copy=False)

    @api.model
    def _converted_file(self, vals):
        vals, _after = super()._converted_file(vals)  # size checked, nothing to write after
        return converted(self.env, vals)

    def _step_fields(self):
        # Written only by the conversion (as superuser): a source that does not match the PDF
        # cannot be attached.
        return super()._step_fields() | SOURCE_FIELDS

    def _frozen_file_fields(self):
        frozen = super()._frozen_file_fields()
        if "file" in frozen:
            frozen |= {"source_file"}
        return frozen
