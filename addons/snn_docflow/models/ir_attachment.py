from odoo import api, models
from odoo.exceptions import UserError

# What an attachment is and where it belongs: changing any of these changes a frozen file.
_CONTENT_KEYS = frozenset(
    {"datas", "raw", "db_datas", "store_fname", "res_model", "res_id", "res_field", "type", "url"}
)


class IrAttachment(models.Model):
    """A frozen file (the PDF under review, approved or issued) is changed through its
    ir.attachment by nobody: not written, replaced, moved or deleted, superuser included.

    Models opt in with ``_frozen_file_fields()``: the binary fields of a record that are
    frozen now (snn.document: ``file`` from submission on).
    """

    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_slot_open(vals.get("res_model"), vals.get("res_id"), vals.get("res_field"))
        return super().create(vals_list)

    def write(self, vals):
        if vals.keys() & _CONTENT_KEYS:
            self._check_not_frozen()
            for attachment in self:
                self._check_slot_open(
                    vals.get("res_model", attachment.res_model),
                    vals.get("res_id", attachment.res_id),
                    vals.get("res_field", attachment.res_field),
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_not_frozen(self):
        self._check_not_frozen()

    def _check_not_frozen(self):
        for attachment in self.sudo():
            self._check_slot_open(attachment.res_model, attachment.res_id, attachment.res_field)

    @api.model
    def _check_slot_open(self, res_model, res_id, res_field):
        if not (res_model and res_id and res_field) or res_model not in self.env:
            return
        Model = self.env[res_model]
        if not hasattr(Model, "_frozen_file_fields"):
            return
        record = Model.sudo().browse(res_id).exists()
        if record and res_field in record._frozen_file_fields():
            raise UserError(
                self.env._(
                    "The file of “%s” is frozen since it was submitted: it cannot be changed, "
                    "replaced or deleted. To change it, the document must be returned to draft.",
                    record.display_name,
                )
            )
