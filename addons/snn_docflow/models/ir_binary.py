"""A file of a secret document downloaded by its URL (``/web/content/…``) is an opening too:
the form's read is not the only way to its contents (snn_document_opening.py)."""

from odoo import models


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        stream = super()._record_to_stream(record, field_name)  # refused there: no row
        document = self._snn_document_of(record)
        if document:
            document.with_env(self.env)._log_secret_openings(how="file")
        return stream

    def _snn_document_of(self, record):
        """The outgoing document ``record`` is (or is a part of, or is the stored file of)."""
        record = record.sudo()
        if record._name == "ir.attachment":
            if record.res_model not in self.env or not record.res_id:
                return None
            record = self.env[record.res_model].sudo().browse(record.res_id).exists()
        if record._name == "snn.document":
            return record
        field = record._fields.get("document_id")
        if field is not None and field.comodel_name == "snn.document":
            return record.document_id
        return None
