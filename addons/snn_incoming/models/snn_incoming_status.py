"""Status messages to the sending agency, kept until the exchange took them (an outbox).

A step writes its status here in its own transaction; the receive cron sends what is pending
after that transaction committed. So a step that rolled back never told the sender, and a
status the exchange could not take now goes out on a later run (the same day, as Decree 30
Art. 21.2.c asks), in the order the steps happened."""

import logging

from odoo import api, fields, models

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_now

from snn_edxml.edxml import EdxmlStatus, Organ, build_status
from snn_edxml.exchange import ExchangeError, ExchangeRefused

_logger = logging.getLogger(__name__)
DESCRIPTIONS = {
    "01": "Đã đến - Phần mềm quản lý văn bản đã nhận nhưng văn thư chưa xử lý",
    "02": "Từ chối tiếp nhận văn bản điện tử",
    "03": "Tiếp nhận văn bản điện tử, vào sổ văn bản đến",
    "04": "Lãnh đạo: Phân công xử lý",
    "05": "Đang xử lý văn bản đến",
    "06": "Hoàn thành xử lý",
    "15": "Đồng ý yêu cầu của bên gửi",
    "16": "Từ chối yêu cầu của bên gửi",
}


class SnnIncomingStatus(models.Model):
    _name = "snn.incoming.status"
    _description = "Status Message to the Sender"
    _order = "id"
    _inherit = ["snn.document.child"]
    _snn_parent_fields = ("incoming_id",)
    _snn_rules_from = "incoming_id"

    incoming_id = fields.Many2one(
        "snn.incoming.document", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="incoming_id.company_id", store=True, index=True)
    code = fields.Char(required=True, readonly=True)
    description = fields.Text(readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("refused", "Refused by the Exchange")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    sent_at = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True)

    def _edxml(self):
        incoming = self.incoming_id
        company = incoming.company_id
        return build_status(
            EdxmlStatus(
                sender=Organ(
                    organ_id=company.snn_organ_id,
                    name=company.snn_org_full_name or company.name,
                ),
                response_for=incoming.edxml_document_id,
                response_for_organ=incoming.sender_organ_id or "",
                status_code=self.code,
                description=self.description or DESCRIPTIONS.get(self.code, ""),
                timestamp=vietnam_now(),
                staff_name=self.create_uid.name or "",
            )
        )

    @api.model
    def _send_pending(self, company, client, commit):
        """Send ``company``'s pending statuses in order; stop at the first the exchange cannot
        take now (the rest keep their order for the next run)."""
        pending = self.search([("company_id", "=", company.id), ("state", "=", "pending")])
        # Built before the first commit empties the cache (else each one reads its document
        # and company again, with the prefetch of all the pending ones).
        messages = [(status, status._edxml()) for status in pending]
        for status, edxml in messages:
            try:
                client.send_status(edxml)
            except ExchangeRefused as error:
                _logger.warning("Status %s refused by the exchange: %s", status.id, error)
                status.write({"state": "refused", "error": str(error)})
            except ExchangeError as error:
                _logger.warning("Status %s not sent (next run): %s", status.id, error)
                break
            else:
                status.write({"state": "sent", "sent_at": fields.Datetime.now()})
            if commit:  # sent is sent: a later failure must not send it again
                self.env["ir.cron"]._commit_progress(1)
