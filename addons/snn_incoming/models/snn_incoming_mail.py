"""Arrival by e-mail: an Odoo mail alias of the organisation (its clerks' mailbox) turns an
e-mail into an incoming document, its first PDF as the document's file, an attached edXML
message (if any) filling in the number, date, sender and subject; the other files are kept
on the record. The clerk checks it and registers it like any other."""

import base64
import logging

from odoo import api, fields, models

from snn_edxml.edxml import EdxmlError, parse_document

from .snn_incoming_receive import URGENCY

_logger = logging.getLogger(__name__)


class SnnIncomingDocument(models.Model):
    _inherit = "snn.incoming.document"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """The mail gateway's creation: only from the alias, which sets the organisation."""
        values = dict(custom_values or {})
        company = self.env["res.company"].browse(values.get("company_id")).exists()
        if not company:
            raise ValueError("incoming documents by e-mail need the alias of an organisation")
        attachments = msg_dict.get("attachments") or []
        pdfs = [a for a in attachments if a.fname.lower().endswith(".pdf")]
        edxml = next((a for a in attachments if a.fname.lower().endswith((".edxml", ".xml"))), None)
        values = {
            "source": "email",
            "company_id": company.id,
            "sender_name": msg_dict.get("email_from") or "",
            "subject": (msg_dict.get("subject") or "").strip() or self.env._("(no subject)"),
            "received_at": fields.Datetime.now(),
            **self._values_from_edxml(edxml),
        }
        twin = self._find_twin(
            company, values.get("sender_organ_id"), values.get("code"), values.get("issue_date")
        )
        if twin:  # the gateway posts the e-mail on the one received before
            twin._alert_duplicate(values["sender_name"], msg_dict.get("message_id") or "")
            return twin
        if pdfs:
            values["file"] = base64.b64encode(_raw(pdfs[0].content))
            values["file_name"] = pdfs[0].fname
        incoming = super(SnnIncomingDocument, self.sudo()).message_new(msg_dict, values)
        incoming._verify_signatures()
        incoming._ask_head_to_handle()
        return incoming

    @api.model
    def _values_from_edxml(self, attachment):
        if attachment is None:
            return {}
        try:
            message = parse_document(_raw(attachment.content))
        except EdxmlError as error:
            _logger.info("edXML attached to an e-mail not read: %s", error)
            return {}
        return {
            "sender_name": message.sender.name or message.sender.organ_id,
            "sender_organ_id": message.sender.organ_id,
            "code": f"{message.code_number}/{message.code_notation}",
            "issue_date": message.promulgation_date,
            "subject": message.subject,
            "urgency": URGENCY.get(message.priority, "normal"),
            "document_type_name": message.type_name or False,
            "signer_name": message.signer_full_name or False,
        }


def _raw(content):
    return content.encode() if isinstance(content, str) else content
