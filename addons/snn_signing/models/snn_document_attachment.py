"""Attachments of an outgoing document (phụ lục, văn bản kèm theo), each a file of its own.

Decree 30 (Annex I, II.8.b and III.1.d): the organisation signs each attachment on its own,
top right of its first page, without an image: the main document's number and notation and
the signing time. An attachment follows its document: written only by the drafter in draft,
frozen with the main file from submission on, its approved SHA-256 checked at issue, sealed
with the main file or not at all (snn_document_attachments.py). Here a file is a PDF;
snn_office converts an office file into one (``_converted_file``).
"""

import base64
import hashlib

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.upload_limit import check_upload_size


class SnnDocumentAttachment(models.Model):
    _name = "snn.document.attachment"
    _inherit = ["snn.document.child", "snn.record.files", "snn.pdf.file.mixin"]
    _description = "Outgoing Document Attachment"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Title", required=True, help="E.g. Phụ lục I: Danh sách đơn vị.")
    file = fields.Binary(string="File (PDF)", attachment=True, copy=False, required=True)
    file_name = fields.Char(copy=False)
    approved_sha256 = fields.Char(string="Approved SHA-256", readonly=True, copy=False)
    sealed_file = fields.Binary(string="Sealed PDF", attachment=True, readonly=True, copy=False)
    sealed_file_name = fields.Char(readonly=True, copy=False)
    sealed_sha256 = fields.Char(string="Sealed SHA-256", readonly=True, copy=False)
    signature_ids = fields.One2many(
        "snn.signature", "attachment_id", string="Signatures", readonly=True, copy=False
    )

    def _upload_problem(self, data, name):
        # An appendix takes the files a draft takes (snn_office: office files too).
        return self.env["snn.document"]._upload_problem(data, name)

    @api.model_create_multi
    def create(self, vals_list):
        # Every check before the file is read: an upload is converted (snn_office) for
        # whoever may add it to that document, and for nobody else.
        self._check_step_fields(vals_list)
        self.check_access("create")
        self._check_can_add_to(self._parents_in(vals_list))
        results = [self._converted_file(vals) for vals in vals_list]
        attachments = super().create([vals for vals, _after in results])
        for attachment, (_vals, after) in zip(attachments, results, strict=True):
            if after:
                attachment.sudo().write(after)
        return attachments

    def write(self, vals):
        self._check_step_fields([vals])
        self._check_parents_kept(vals)
        self.check_access("write")
        if not self.env.su or vals.keys() - self._step_fields():
            self.document_id._check_content_editable()
        vals, after = self._converted_file(vals)
        result = super().write(vals)
        if after is not None:
            self.sudo().write(after)
        return result

    @api.model
    def _converted_file(self, vals):
        """(vals to write, step values to write after them as superuser, or None), once every
        check passed. The file is taken as it is, after its size is checked; modules that
        accept other files (snn_office: office documents) convert them here."""
        check_upload_size(self.env, vals.get("file"), vals.get("file_name") or "")
        return vals, None

    def _check_can_add_to(self, parents):
        parents["document_id"]._check_content_editable()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self.document_id._check_content_editable()

    def _step_only_fields(self):
        return self._step_fields()

    def _step_fields(self):
        """What only the steps write (as superuser, after their checks)."""
        return frozenset(
            {"approved_sha256", "sealed_file", "sealed_file_name", "sealed_sha256", "signature_ids"}
        )

    def _check_step_fields(self, vals_list):
        step_fields = self._step_fields()
        if not self.env.su and any(vals.keys() & step_fields for vals in vals_list):
            raise AccessError(
                self.env._("An attachment's source, checksum and seal are written by the steps.")
            )

    def _frozen_file_fields(self):
        """As the main file: from submission on; the sealed file once issued."""
        frozen = set()
        state = self.document_id.state
        if state != "draft":
            frozen |= {"file"}
        if state in ("issued", "cancelled", "recalled"):
            frozen |= {"sealed_file"}
        return frozen

    def _file_bytes(self, field="file"):
        data = self.sudo().with_context(bin_size=False)[field]
        return base64.b64decode(data) if data else b""

    def _sha256(self, field="file"):
        data = self._file_bytes(field)
        return hashlib.sha256(data).hexdigest() if data else False

    # ------------------------------------------------------------------ seal

    def _sealed_elsewhere(self, sealed_files):
        """This attachment as the seal's holder sealed it (``sealed_files``: by attachment id,
        snn_document_issue._sealed_with_it): it must be this very file, sealed."""
        sealed = sealed_files.get(self.id)
        if not sealed or not sealed.startswith(self._file_bytes()):
            raise UserError(
                self.env._(
                    "The attachment “%s” was not sealed with the document: issue it again.",
                    self.name,
                )
            )
        return sealed

    def _sealed_values(self, document, sealed, report, index):
        stem = document.code.replace("/", "-")
        return {
            "sealed_file": base64.b64encode(sealed),
            "sealed_file_name": f"{stem}-{index:02d}-{self.file_name or 'phu-luc.pdf'}",
            "sealed_sha256": hashlib.sha256(sealed).hexdigest(),
            "signature_ids": self._signature_commands(document, report),
        }

    def _signature_commands(self, document, report):
        seal_key = dict(document._signed_keys())["organization"]  # wherever the seal is
        commands = document._signature_records(report, [("attachment", seal_key)])
        for command in commands:
            command[2].update(document_id=document.id, kind="attachment")
        return commands
