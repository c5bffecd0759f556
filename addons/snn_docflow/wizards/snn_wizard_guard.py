"""A wizard links only records its user may read.

A wizard shows what it links (a document's number, date, subject) through related and
computed fields, which Odoo fills as superuser: a wizard made for a document its user may not
read would show that document. So every wizard of the suite inherits this guard: whatever ids
the client sends (``default_*`` context keys, the fields themselves), each linked record is
checked as the user when the form opens (``default_get``, ``onchange``), when the wizard is
created or written, and when its action runs.
"""

from odoo import api, models
from odoo.exceptions import AccessError, MissingError

# Who made or changed the wizard: Odoo's own fields, not the client's.
LOG_FIELDS = frozenset({"create_uid", "write_uid"})


def _ids_of(value):
    """The ids in a relational value as a client sends it (an id, a dict with an id, a
    list of ids or of commands)."""
    if not value:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return _ids_of(value.get("id"))
    ids = []
    for item in value:
        if isinstance(item, int):
            ids.append(item)
        elif isinstance(item, (list, tuple)) and item:
            command, *args = item
            if command == 6 and len(args) > 1:  # Command.set
                ids.extend(_ids_of(args[1]))
            elif command in (1, 4) and args:  # Command.update, Command.link
                ids.extend(_ids_of(args[0]))
    return [i for i in ids if isinstance(i, int)]


class SnnWizardGuard(models.AbstractModel):
    _name = "snn.wizard.guard"
    _description = "Wizard Linking Only Records Its User May Read"

    @api.model
    def _linked_fields(self):
        """The relational fields a client sets (not computed, not related)."""
        return [
            field
            for name, field in self._fields.items()
            if field.relational and not field.compute and name not in LOG_FIELDS
        ]

    @api.model
    def _check_readable_values(self, values):
        """Refuse linked ids of ``values`` (field name → value) the user may not read."""
        for field in self._linked_fields():
            if field.name in values:
                ids = _ids_of(values[field.name])
                if ids:
                    self._check_readable(self.env[field.comodel_name].browse(ids))

    def _check_readable_links(self):
        """Refuse these wizards if they link a record the user may not read."""
        for wizard in self:
            for field in self._linked_fields():
                self._check_readable(self.env[field.comodel_name].browse(wizard[field.name].ids))

    @api.model
    def _check_readable(self, records):
        if not records or self.env.su:
            return
        try:
            records.check_access("read")
        except (AccessError, MissingError):
            # The record's name is what must not show: say which kind of record only.
            raise AccessError(
                self.env._(
                    "You may not read the %(model)s this form is for (id %(ids)s): it cannot "
                    "be opened for it.",
                    model=self.env["ir.model"].sudo()._get(records._name).name,
                    ids=", ".join(str(i) for i in records.ids),
                )
            ) from None

    # ------------------------------------------------------------------ every way in

    @api.model
    def default_get(self, fields):
        defaults = super().default_get(fields)
        self._check_readable_values(defaults)
        return defaults

    def onchange(self, values, field_names, fields_spec):
        self._check_readable_values(values)
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:  # before any field is computed from them
            self._check_readable_values(vals)
        wizards = super().create(vals_list)
        wizards._check_readable_links()
        return wizards

    def write(self, vals):
        self._check_readable_values(vals)
        result = super().write(vals)
        self._check_readable_links()
        return result
