from odoo import fields, models


class SnnApproval(models.Model):
    _inherit = "snn.approval"

    # The renewal of an issued file's archive timestamp (snn_document_archive.py).
    action = fields.Selection(
        selection_add=[("archive_timestamp", "Archive Timestamp Renewed")],
        ondelete={"archive_timestamp": "cascade"},
    )
