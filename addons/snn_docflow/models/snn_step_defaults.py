"""Fields a step sets take no default from the client.

Odoo fills a field that ``create`` is not given from ``default_<field>`` in the context, then
from the user's own ``ir.default`` (which any employee may set for themselves). Both come from
the client: a drafter creating a draft with ``default_state="approved"`` and a forged
``default_approved_sha256`` in the context got an approved document without any review, and
a step that creates a record as superuser (a trail row, a delivery, a signature) under the
caller's context took the caller's defaults for every field it did not name. The models
below give those fields only their own default, whoever creates the record.
"""

from odoo import api, models


class SnnStepDefaults(models.AbstractModel):
    _name = "snn.step.defaults"
    _description = "Record Whose Step Fields Take No Client Default"

    def _step_only_fields(self):
        """Hook: the fields a client may not give a default; here every field (records that
        only the steps make). Models users create name their step fields."""
        return frozenset(self._fields)

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        user_defaults = self.env["ir.default"]._get_model_defaults(self._name)
        from_client = {
            name
            for name in fields
            if f"default_{name}" in self.env.context or name in user_defaults
        }
        for name in from_client & self._step_only_fields():
            field = self._fields.get(name)
            if field is None:
                continue
            if field.default:
                # As Odoo converts a field's own default (models.py, default_get).
                value = field.convert_to_cache(field.default(self), self, validate=False)
                values[name] = field.convert_to_write(value, self)
            else:
                values.pop(name, None)
        return values
