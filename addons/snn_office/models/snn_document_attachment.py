"""Attachments of an outgoing document (phụ lục, văn bản kèm theo), each a file of its own.

Decree 30 (Annex I, II.8.b and III.1.d): the organisation signs each attachment on its own,
top right of its first page, without an image: the main document's number and notation and
the signing time. An attachment follows its document: written only by the drafter in draft,
frozen with the main file from submission on, its approved SHA-256 checked at issue, sealed
with the main file or not at all.
"""

import base64
import hashlib

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.snn_docflow.models.snn_document import refuse_unusable_upload

from .office_conversion import converted

# What only the steps write (as superuser, after their checks).
STEP_FIELDS = frozenset(
    {
        "source_file",
        "source_file_name",
        "approved_sha256",
        "sealed_file",
        "sealed_file_name",
        "sealed_sha256",
        "signature_ids",
    }
)


class SnnDocumentAttachment(models.Model):
    _name = "snn.document.attachment"
    _inherit = ["snn.document.child", "snn.record.files"]
    _description = "Outgoing Document Attachment"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Title", required=True, help="E.g. Phụ lục I: Danh sách đơn vị.")
    file = fields.Binary(
        string="File (PDF, Word or OpenDocument)", attachment=True, copy=False, required=True
    )
    file_name = fields.Char(copy=False)
    source_file = fields.Binary(string="Office Source", attachment=True, readonly=True, copy=False)
    source_file_name = fields.Char(readonly=True, copy=False)
    approved_sha256 = fields.Char(string="Approved SHA-256", readonly=True, copy=False)
    sealed_file = fields.Binary(string="Sealed PDF", attachment=True, readonly=True, copy=False)
    sealed_file_name = fields.Char(readonly=True, copy=False)
    sealed_sha256 = fields.Char(string="Sealed SHA-256", readonly=True, copy=False)
    signature_ids = fields.One2many(
        "snn.signature", "attachment_id", string="Signatures", readonly=True, copy=False
    )

    @api.onchange("file")
    def _onchange_file_check_upload(self):
        return refuse_unusable_upload(self)

    @api.model_create_multi
    def create(self, vals_list):
        # Every check before the conversion: an upload is converted for whoever may add it
        # to that document, and for nobody else.
        self._check_step_fields(vals_list)
        self.check_access("create")
        self._check_can_add_to(self._parents_in(vals_list))
        results = [converted(self.env, vals) for vals in vals_list]
        attachments = super().create([vals for vals, _source in results])
        for attachment, (_vals, source) in zip(attachments, results, strict=True):
            if source:
                attachment.sudo().write(source)
        return attachments

    def write(self, vals):
        self._check_step_fields([vals])
        self._check_parents_kept(vals)
        self.check_access("write")
        if not self.env.su or vals.keys() - STEP_FIELDS:
            self.document_id._check_content_editable()
        vals, source = converted(self.env, vals)
        result = super().write(vals)
        if source is not None:
            self.sudo().write(source)
        return result

    def _check_can_add_to(self, parents):
        parents["document_id"]._check_content_editable()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self.document_id._check_content_editable()

    def _check_step_fields(self, vals_list):
        if not self.env.su and any(vals.keys() & STEP_FIELDS for vals in vals_list):
            raise AccessError(
                self.env._("An attachment's source, checksum and seal are written by the steps.")
            )

    def _frozen_file_fields(self):
        """As the main file: from submission on; the sealed file once issued."""
        frozen = set()
        state = self.document_id.state
        if state != "draft":
            frozen |= {"file", "source_file"}
        if state in ("issued", "cancelled", "recalled"):
            frozen |= {"sealed_file"}
        return frozen

    def _file_bytes(self, field="file"):
        data = self.sudo().with_context(bin_size=False)[field]
        return base64.b64decode(data) if data else b""

    def _sha256(self, field="file"):
        data = self._file_bytes(field)
        return hashlib.sha256(data).hexdigest() if data else False
