from odoo import fields, models


class SnnSignature(models.Model):
    _inherit = "snn.signature"

    attachment_id = fields.Many2one(
        "snn.document.attachment", ondelete="cascade", index="btree_not_null"
    )
