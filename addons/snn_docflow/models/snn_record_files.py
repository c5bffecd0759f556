"""Files of a record (the draft, the stamped and signed PDFs, sealed appendices, office
sources, received files) are written through the record only.

Odoo stores a Binary field with ``attachment=True`` as an ``ir.attachment`` with ``res_model``,
``res_id`` and ``res_field`` set, and ``ir.attachment`` accepts such a row from anyone who may
write the record: a "Signed PDF" planted that way on an approved document is what the document
shows after a paper issue, without the steps that check, stamp, sign and fingerprint it. So an
attachment in one of these slots is created, changed, moved or deleted only while the record
itself writes that field (its own create/write/unlink, where the steps' and the drafter's
checks run); directly, by nobody, the superuser's RPC included. Nothing a client sends
(context, values) opens that door: the marker is a Python context variable of this process,
and it names the record and the fields being written, so that nothing else created during the
write (a chatter message with an attachment in its values, say) can use it.

A model opts in by inheriting ``snn.record.files``; every attachment-backed Binary field of it
is guarded. ``_frozen_file_fields()`` (from snn.document) still freezes a file by state, even
for the record's own writes.
"""

import contextlib
import contextvars
import os

from odoo import api, models
from odoo.exceptions import UserError

# (model, field, record id) slots whose record is writing them in this thread, right now; the
# id is None while records are created (their ids do not exist yet). See ir_attachment.py.
_WRITING = contextvars.ContextVar("snn_record_files_writing", default=frozenset())


def writing_through_record(model_name, field_name, res_id):
    """True while the record ``res_id`` of ``model_name`` writes its field ``field_name``."""
    slots = _WRITING.get()
    return (model_name, field_name, res_id) in slots or (model_name, field_name, None) in slots


class SnnRecordFiles(models.AbstractModel):
    _name = "snn.record.files"
    _description = "Files Written Through Their Record Only"

    @contextlib.contextmanager
    def _writing_own_files(self, field_names, ids):
        slots = {(self._name, name, res_id) for name in field_names for res_id in ids}
        token = _WRITING.set(_WRITING.get() | slots)
        try:
            yield
        finally:
            _WRITING.reset(token)

    @api.model
    def _guarded_file_fields(self):
        return {
            name
            for name, field in self._fields.items()
            if field.type == "binary" and field.attachment
        }

    def _files_not_in_store(self, field_names=None):
        """The guarded fields of this record (of ``field_names``) whose file is gone from the
        filestore while its attachment row is still in the database: a database restored
        without its filestore. Odoo then reads such a file as empty, which would pass for "no
        file"; what checks a file (Verify Again) says this instead."""
        self.ensure_one()
        names = self._guarded_file_fields() & set(field_names or self._guarded_file_fields())
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "in", sorted(names)),
                ]
            )
        )
        return {
            attachment.res_field
            for attachment in attachments
            if attachment.store_fname
            and not os.path.isfile(attachment._full_path(attachment.store_fname))
        }

    def _not_in_store_words(self):
        return self.env._(
            "The file of “%s” is not in the filestore (its record is in the database): a "
            "database restored without its filestore? Restore the filestore of the same "
            "backup.",
            self.display_name,
        )

    def _frozen_file_fields(self):
        """Hook: the guarded fields frozen now, even for the record's own writes."""
        return set()

    @api.model
    def _check_file_slot_writable(self, res_id, field_name):
        """Refuse an ``ir.attachment`` in the slot ``field_name`` of record ``res_id`` being
        created, changed, moved or deleted, unless that record writes the field itself and
        the field is not frozen (ir_attachment.py asks, for every slot of such a model)."""
        if field_name not in self._guarded_file_fields():
            return
        record = self.sudo().browse(res_id).exists()
        # By id: when a record is deleted, Odoo deletes its attachments after its row.
        if not writing_through_record(self._name, field_name, res_id or None):
            raise UserError(
                self.env._(
                    "The file “%(field)s” of “%(record)s” is written only by the record's own "
                    "steps (attaching, issuing, sealing, receiving), never as an attachment: "
                    "nothing was changed.",
                    field=self._fields[field_name]._description_string(self.env),
                    record=record.display_name or self._description,
                )
            )
        if record and field_name in record._frozen_file_fields():
            raise UserError(
                self.env._(
                    "The file of “%s” is frozen since it was submitted: it cannot be changed, "
                    "replaced or deleted. To change it, the document must be returned to draft.",
                    record.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        guarded = self._guarded_file_fields()
        names = {name for vals in vals_list for name in vals if name in guarded}
        with self._writing_own_files(names, [None]):
            return super().create(vals_list)

    def write(self, vals):
        names = self._guarded_file_fields() & vals.keys()
        with self._writing_own_files(names, self.ids):
            return super().write(vals)

    def unlink(self):
        # Odoo deletes the record's attachments with it (its files too).
        with self._writing_own_files(self._guarded_file_fields(), self.ids):
            return super().unlink()
