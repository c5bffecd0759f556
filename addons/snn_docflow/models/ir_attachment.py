from odoo import api, models

# What an attachment is and where it belongs: changing any of these changes the file.
_CONTENT_KEYS = frozenset(
    {"datas", "raw", "db_datas", "store_fname", "res_model", "res_id", "res_field", "type", "url"}
)


class IrAttachment(models.Model):
    """The files of records that inherit ``snn.record.files`` (see snn_record_files.py) are
    written through their record only: an ``ir.attachment`` in one of their slots is created,
    changed, moved or deleted by nobody directly, superuser included. Through the record, a
    file frozen by its state (``_frozen_file_fields()``: the PDF from submission on, the signed
    files once issued) is not changed either.

    Outside the record's own write, the superuser's code may still set what does not change
    the file (the text index of attachment_indexation, say); a user's request may not, so that
    nobody makes a secret document's signed PDF public or hands out an access token to it.
    """

    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_slot_writable(
                vals.get("res_model"), vals.get("res_id"), vals.get("res_field")
            )
        return super().create(vals_list)

    def write(self, vals):
        content = bool(vals.keys() & _CONTENT_KEYS)
        if content or not self.env.su:
            self._check_current_slots()
        if content:
            for attachment in self:
                self._check_slot_writable(
                    vals.get("res_model", attachment.res_model),
                    vals.get("res_id", attachment.res_id),
                    vals.get("res_field", attachment.res_field),
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_through_record(self):
        self._check_current_slots()

    def _check_current_slots(self):
        for attachment in self.sudo():
            self._check_slot_writable(attachment.res_model, attachment.res_id, attachment.res_field)

    @api.model
    def _check_slot_writable(self, res_model, res_id, res_field):
        if not (res_model and res_field) or res_model not in self.env:
            return
        Model = self.env[res_model]
        # As mail asks whether a model is a mail.thread: by its class, inherited directly or
        # through another model.
        if issubclass(type(Model), self.pool["snn.record.files"]):
            Model._check_file_slot_writable(res_id, res_field)
