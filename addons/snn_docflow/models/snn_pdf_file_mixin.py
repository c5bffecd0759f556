"""A record whose ``file`` (named ``file_name``) is a PDF a user uploads: the draft of a
document, an appendix. What every such record asks of an upload, in one place:

- when the file is chosen (onchange): is it usable? If not, the record keeps the file it had
  and the user gets a dialog saying what is accepted (``_upload_problem``; snn_office accepts
  office files too);
- when it is written (create, write, whoever writes): is it within the size limit
  (upload_limit.py), checked on the base64 value before anything decodes it;
- whether the stored file is a PDF: the engine's one test (snn_sign.pdfinput.looks_like_pdf).
"""

import base64
import binascii

from odoo import api, fields, models

from snn_sign.pdfinput import looks_like_pdf

from ..pdf_file import page_count
from ..upload_limit import check_upload_size


class SnnPdfFileMixin(models.AbstractModel):
    _name = "snn.pdf.file.mixin"
    _description = "Record With an Uploaded PDF"

    file = fields.Binary(attachment=True, copy=False)
    file_name = fields.Char(copy=False)

    @api.onchange("file")
    def _onchange_file_check_upload(self):
        """Checked when the file is chosen, not only when it is submitted or sealed."""
        if not self.file:
            return None
        try:
            data = base64.b64decode(self.file, validate=True)
        except (binascii.Error, ValueError, TypeError):
            return None  # a size ("12.5 Kb") the client sent for the stored file, not a file
        problem = self._upload_problem(data, self.file_name or "")
        if not problem:
            return None
        origin = self._origin.with_context(bin_size=False)
        self.file = origin.file
        self.file_name = origin.file_name
        # A dialog, not a notification that fades: the file the user chose was not taken.
        title = self.env._("File not accepted")
        return {"warning": {"type": "dialog", "title": title, "message": problem}}

    def _upload_problem(self, data, name):
        """Why a chosen file cannot be used (a message), or None. Modules that accept other
        files (snn_office: office documents) extend this."""
        if looks_like_pdf(data):
            if page_count(data):
                return None
            return self.env._(
                "“%s” is a damaged PDF: it cannot be read. Export the document to PDF again "
                "and attach the new file.",
                name,
            )
        return self.env._(
            "“%s” is not a PDF. Only PDF files are accepted: export the document to PDF and "
            "attach it.",
            name,
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_upload_size(self.env, vals.get("file"), vals.get("file_name"))
        return super().create(vals_list)

    def write(self, vals):
        check_upload_size(self.env, vals.get("file"), vals.get("file_name"))
        return super().write(vals)

    def _file_bytes(self, field="file"):
        """The stored file's bytes (b"" when none); the callers have checked access."""
        self.ensure_one()
        # The web client reads with bin_size=True (sizes, not contents): never a size here.
        data = self.sudo().with_context(bin_size=False)[field]
        return base64.b64decode(data) if data else b""

    def _file_is_pdf(self):
        """Whether the stored file is a PDF, whole (its end marker there)."""
        data = self._file_bytes()
        return looks_like_pdf(data) and b"%%EOF" in data[-2048:]
