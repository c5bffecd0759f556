from odoo import fields, models


class SnnSignature(models.Model):
    _inherit = "snn.signature"
    _snn_parent_fields = ("document_id", "attachment_id")

    attachment_id = fields.Many2one(
        "snn.document.attachment", ondelete="cascade", index="btree_not_null"
    )
