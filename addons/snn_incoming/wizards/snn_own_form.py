from odoo import models
from odoo.exceptions import AccessError


class SnnIncomingOwnForm(models.AbstractModel):
    """A form (wizard) is its author's: nobody else fills it in. Odoo lets any user with the
    model's access write any transient record, another user's half-filled form included."""

    _name = "snn.incoming.own.form"
    _description = "Form Written by Its Author Only"

    def write(self, vals):
        self._check_own()
        return super().write(vals)

    def _check_own(self):
        if not self.env.su and any(form.create_uid != self.env.user for form in self.sudo()):
            raise AccessError(self.env._("This form is another user's."))
