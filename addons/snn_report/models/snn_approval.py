from odoo import fields, models


class SnnApproval(models.Model):
    _inherit = "snn.approval"

    action = fields.Selection(
        selection_add=[("print_paper", "Paper Copies Printed")],
        ondelete={"print_paper": "cascade"},
    )
