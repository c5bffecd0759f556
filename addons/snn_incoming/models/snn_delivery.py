"""A replacing document delivered inside Odoo withdraws the unit's copy of the original at
once, as an internal recall does (both ends are this system: nobody needs to agree over an
exchange), and links it to the new one (its ``replaced_by_id``, as an edXML replace does)."""

from odoo import models


class SnnDelivery(models.Model):
    _inherit = "snn.delivery"

    def _send_internal(self):
        result = super()._send_internal()
        original = self.document_id.sudo().replaces_id
        if original and self.incoming_id:
            original.delivery_ids.filtered(
                lambda d: (
                    d.channel == "internal" and d.target_department_id == self.target_department_id
                )
            ).incoming_id._withdraw_replaced(self.incoming_id)
        return result
