from odoo import fields, models


class SnnApproval(models.Model):
    _inherit = "snn.approval"

    # The renewal of an issued file's archive timestamp (snn_document_archive.py), and the
    # steps of a remote signature.
    action = fields.Selection(
        selection_add=[
            ("archive_timestamp", "Archive Timestamp Renewed"),
            # Remote signing (snn_signature_request.py): the clerk's issue waits for the holder.
            ("await_signature", "Waiting for a Remote Signature"),
            ("authorize_signature", "Remote Signature Authorised"),
            ("decline_signature", "Remote Signature Declined"),
        ],
        ondelete={
            "archive_timestamp": "cascade",
            "await_signature": "cascade",
            "authorize_signature": "cascade",
            "decline_signature": "cascade",
        },
    )
