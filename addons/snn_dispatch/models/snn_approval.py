from odoo import fields, models


class SnnApproval(models.Model):
    _inherit = "snn.approval"

    action = fields.Selection(
        selection_add=[("recall", "Recalled")], ondelete={"recall": "cascade"}
    )
