"""Every draft kept (Decree 30, Annex VI: the system keeps each version of a draft): the file a
draft had each time it was submitted, who submitted it and when, and the reviewer's reason
that led to it. A returned draft's new file no longer hides the one the head saw before.
Made by the submit step only; nobody changes or deletes a version (a trigger refuses it)."""

import base64
import hashlib

from odoo import fields, models


class SnnDocumentVersion(models.Model):
    _name = "snn.document.version"
    _description = "Submitted Draft Version"
    _inherit = ["snn.append.only", "snn.document.child", "snn.record.files"]
    _order = "document_id, sequence desc"
    _rec_name = "file_name"

    document_id = fields.Many2one(
        "snn.document", required=True, readonly=True, ondelete="restrict", index=True
    )
    sequence = fields.Integer(string="Version", readonly=True)
    file = fields.Binary(string="PDF Submitted", attachment=True, readonly=True)
    file_name = fields.Char(readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True)
    submitted_by_id = fields.Many2one("res.users", readonly=True)
    submitted_at = fields.Datetime(readonly=True)
    after_return = fields.Text(
        string="Asked For", readonly=True, help="The reviewer's reason this version answers."
    )

    _version_unique = models.Constraint(
        "UNIQUE(document_id, sequence)", "A version number is taken once per document."
    )

    def _append_only_refusals(self):
        return (
            self.env._("A submitted version of a draft cannot be changed."),
            self.env._("A submitted version of a draft cannot be deleted."),
        )


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    version_ids = fields.One2many(
        "snn.document.version", "document_id", string="Versions", readonly=True
    )

    def _do_submit(self):
        # The reason first: the submit step clears it.
        asked_for = self.return_reason
        result = super()._do_submit()
        self._keep_submitted_version(asked_for)
        return result

    def _keep_submitted_version(self, asked_for):
        data = self._file_bytes()
        self.env["snn.document.version"].sudo().create(
            {
                "document_id": self.id,
                "sequence": len(self.sudo().version_ids) + 1,
                "file": base64.b64encode(data) if data else False,
                "file_name": self.file_name,
                "sha256": hashlib.sha256(data).hexdigest() if data else False,
                "submitted_by_id": self.env.uid,
                "submitted_at": fields.Datetime.now(),
                "after_return": asked_for or False,
            }
        )
