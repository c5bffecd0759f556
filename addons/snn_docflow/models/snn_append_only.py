"""Records that are evidence once made (signed trail heads, draft versions, access history,
copies): nobody changes or deletes one, the superuser's code included, and PostgreSQL refuses
an UPDATE or DELETE of its rows too (a trigger). A model lists this mixin first in its
``_inherit``, so that its refusal comes before any other check of a write, and says in its own
words why (``_append_only_refusals``)."""

from odoo import api, models
from odoo.exceptions import UserError

from .snn_approval import make_append_only


class SnnAppendOnly(models.AbstractModel):
    _name = "snn.append.only"
    _description = "Record Never Changed Nor Deleted"

    def init(self):
        result = super().init()
        if self._auto and not self._abstract:
            make_append_only(self.env.cr, self._table)
        return result

    def _append_only_refusals(self):
        """Hook: (why a record cannot be changed, why it cannot be deleted)."""
        raise NotImplementedError

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self._append_only_refusals()[0])

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self._append_only_refusals()[1])
