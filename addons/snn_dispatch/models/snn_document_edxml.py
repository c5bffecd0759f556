"""The document as an edXML message (QCVN 102:2016): what the exchange and e-mails carry."""

from odoo import models

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_now

from snn_edxml.edxml import EdxmlDocument, EdxmlFile, Organ, build_document

PRIORITY = {"normal": 0, "urgent": 1, "very_urgent": 2, "flash": 3}


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def _edxml_document_id(self):
        """``{sender OrganId},{yyyy/MM/dd},{number}/{notation}``: how receivers deduplicate."""
        return self._edxml(self.env["snn.delivery"], with_files=False).document_id

    def _edxml_message(self, deliveries, recall=False):
        """The message to ``deliveries`` (one ``To`` each); checked before it is written:
        an ``EdxmlError`` names the field that breaks a rule."""
        return build_document(self._edxml(deliveries, recall=recall))

    def _edxml_business(self, recall):
        """What the message asks of its recipients: a new document (0), the recall of one
        (1), or, for a replacing document, the replacement (3) of the one it replaces, which
        the recipients withdraw (a correcting letter is a new document of its own)."""
        if recall:
            return {"business_doc_type": 1, "business_reason": self.recall_reason or ""}
        original = self.replaces_id
        if original:
            return {
                "business_doc_type": 3,
                # Part of the message, as its other fields in Vietnamese, whoever sends it.
                "business_reason": f"Thay thế văn bản số {original.code} ngày {original._date()}",
                "replaces": [original._edxml_document_id()],
            }
        return {"business_doc_type": 0, "business_reason": ""}

    def _edxml(self, deliveries, recall=False, with_files=True):
        self.ensure_one()
        document = self.sudo()
        company = document.company_id
        number, _slash, notation = document.code.partition("/")
        return EdxmlDocument(
            sender=Organ(
                organ_id=company.snn_organ_id or "",
                name=company.snn_org_full_name or company.name,
                in_charge=company.snn_governing_body or "",
                address=", ".join(filter(None, [company.street, company.city])),
                email=company.email or "",
                telephone=company.phone or "",
                website=company.website or "",
            ),
            recipients=[
                Organ(organ_id=d.organ_id or "", name=d.recipient_name, email=d.email or "")
                for d in deliveries
            ],
            code_number=number,
            code_notation=notation,
            place=company.snn_place or "",
            promulgation_date=document.issue_date,
            document_type=str(document.document_type_id.id),
            type_name=document.document_type_id.name,
            subject=document.subject,
            signer_competence=document.signer_authority or "",
            signer_position=document.signer_position or "",
            signer_full_name=document.signer_id.name or "",
            priority=PRIORITY[document.urgency],
            **document._edxml_business(recall),
            staff_name=self.env.user.name,
            staff_email=self.env.user.email or "",
            timestamp=vietnam_now(),
            files=[
                EdxmlFile(name=name, content_type="application/pdf", data=data, description=text)
                for name, data, text in document._signed_files()
            ]
            if with_files and document.signed_sha256
            else [],
            to_places=[
                (line.department_id or line.partner_id).display_name
                for line in document.recipient_ids
            ],
        )
