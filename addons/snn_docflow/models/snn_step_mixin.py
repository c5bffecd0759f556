"""What every record with steps shares (the outgoing document, the incoming document): the
check that raises a step's first reason, and the answer a step gives the web client."""

from odoo import models


class SnnStepMixin(models.AbstractModel):
    _name = "snn.step.mixin"
    _description = "Record Moved by Named Steps"

    def _raise_first(self, get_reasons):
        """Raise the first of ``get_reasons()`` (a ``_get_cannot_x_reasons`` bound to this one
        record), once the user is known to read the record."""
        self.ensure_one()
        self.check_access("read")
        reasons = get_reasons()
        if reasons:
            raise reasons[0]

    def _step_notification(self, message, after):
        """A short confirmation (one per record; "Done." for several), then action ``after``
        (an RPC caller gets the same dictionary)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message if len(self) == 1 else self.env._("Done."),
                "next": after,
            },
        }
