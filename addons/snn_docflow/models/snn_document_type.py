from odoo import fields, models


class SnnDocumentType(models.Model):
    _name = "snn.document.type"
    _inherit = ["snn.organisation.record"]
    _description = "Outgoing Document Type"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Type abbreviation (QĐ, KH, BC, …). Empty for a letter (công văn), "
        "whose notation is organisation - drafting unit.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    register_id = fields.Many2one(
        "snn.register",
        string="Default Register",
        check_company=True,
        domain="[('company_id', '=', company_id), ('confidential', '=', False)]",
        help="Register that numbers documents of this type when they are not secret.",
    )

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)",
        "Each document type code must be unique within a company.",
    )
