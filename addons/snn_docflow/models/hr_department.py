from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    snn_code = fields.Char(
        string="Unit Abbreviation",
        help="Used in the notation of letters, e.g. VP in 05/SNN-VP. "
        "The unit's manager is the head who reviews its drafts.",
    )
