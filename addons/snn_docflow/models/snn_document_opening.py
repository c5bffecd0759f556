"""Who opened a document that is not "normal", and when (Decree 30, Annex VI: the system keeps
the access history of secret documents). Each opening of its form (``web_read``, which the
web and mobile clients call to show a record) is a row, and so is each download of one of its
files, or of a file of one of its parts (ir_binary.py: ``/web/content``, which a link or a
script can call without the form); at most one row per user, document and kind every few
minutes (a save reloads the form, the preview fetches the file); the managers read the history
on the document. Rows are written by this code only and never changed or deleted (a trigger
refuses it)."""

import contextlib
from datetime import timedelta

from odoo import fields, models

# A form saved and reloaded, or opened again at once, is the same opening.
SAME_OPENING = timedelta(minutes=5)
HOW = [("form", "Form Opened"), ("file", "File Downloaded")]


class SnnDocumentOpening(models.Model):
    _name = "snn.document.opening"
    _description = "Opening of a Secret Document"
    _inherit = ["snn.append.only", "snn.document.child"]
    _order = "opened_at desc, id desc"
    _rec_name = "user_id"

    document_id = fields.Many2one(
        "snn.document", required=True, readonly=True, ondelete="restrict", index=True
    )
    user_id = fields.Many2one("res.users", string="Opened By", required=True, readonly=True)
    opened_at = fields.Datetime(required=True, readonly=True)
    how = fields.Selection(HOW, string="Opened As", required=True, readonly=True, default="form")

    def _append_only_refusals(self):
        return (
            self.env._("The access history of a document cannot be changed."),
            self.env._("The access history of a document cannot be deleted."),
        )


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    opening_ids = fields.One2many(
        "snn.document.opening",
        "document_id",
        string="Access History",
        readonly=True,
        groups="snn_docflow.group_manager",
    )

    def web_read(self, specification):
        result = super().web_read(specification)
        self._log_secret_openings()
        return result

    def _log_secret_openings(self, how="form"):
        """A row per secret document read now by a person (the system's own reads aside),
        ``how``: its form opened, or a file of it downloaded."""
        if self.env.su or not self.env.user._is_internal():
            return
        secret = self.sudo().filtered(lambda d: d._is_secret())
        if not secret:
            return
        with self._opening_cursor() as cr:
            Opening = self.env(cr=cr, su=True)["snn.document.opening"]
            now = fields.Datetime.now()
            recent = Opening.search(
                [
                    ("document_id", "in", secret.ids),
                    ("user_id", "=", self.env.uid),
                    ("how", "=", how),
                    ("opened_at", ">", now - SAME_OPENING),
                ]
            ).document_id
            Opening.create(
                [
                    {
                        "document_id": document.id,
                        "user_id": self.env.uid,
                        "opened_at": now,
                        "how": how,
                    }
                    for document in secret - recent.with_env(self.env)
                ]
            )

    def _opening_cursor(self):
        """Where the row is written: the request's cursor, unless it is read-only. Odoo 19
        serves a form's read (``web_read``) and a file's download on a read-only cursor when
        a replica is configured (``db_replica_host``; Odoo's HttpCase simulates one): the row
        then goes through a cursor of its own on the primary, rather than failing the read
        there and making Odoo run the whole request again on the primary (with a warning and
        a traceback in its log)."""
        if self.env.cr.readonly:
            # As Odoo's own /web/assets does: the read-only transaction has nothing to keep.
            self.env.cr.rollback()
            return self.env.registry.cursor(readonly=False)
        return contextlib.nullcontext(self.env.cr)
