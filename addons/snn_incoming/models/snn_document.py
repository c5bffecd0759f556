"""The outgoing side of an answer: a draft made by "Reply" on an incoming document points
back to it (``reply_to_id``, set by that step only); sent over the exchange it carries edXML
``ResponseFor`` naming the sender's document; its issue closes the handling (status 06)."""

from odoo import fields, models

from snn_edxml.edxml import ResponseFor


class SnnDocument(models.Model):
    _inherit = "snn.document"

    reply_to_id = fields.Many2one(
        "snn.incoming.document",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The incoming document this one answers.",
    )

    def _workflow_fields(self):
        # Linking a draft to an incoming document closes that document at the draft's issue:
        # only the Reply step links.
        return super()._workflow_fields() | {"reply_to_id"}

    def _edxml(self, deliveries, recall=False, with_files=True):
        message = super()._edxml(deliveries, recall=recall, with_files=with_files)
        incoming = self.sudo().reply_to_id
        if incoming.edxml_document_id:
            number, _slash, _notation = (incoming.code or "").partition("/")
            message.response_for = [
                ResponseFor(
                    organ_id=incoming.sender_organ_id or "",
                    code=incoming.code or number,
                    promulgation_date=incoming.issue_date,
                    document_id=incoming.edxml_document_id,
                )
            ]
        return message

    def _do_issue(self):
        result = super()._do_issue()
        for incoming in self.sudo().reply_to_id:
            if incoming.state in ("assigned", "processing", "accepted"):
                incoming.message_post(
                    body=self.env._("Handled by the reply %s.", self.code or self.subject)
                )
                incoming._do_done()
        return result
