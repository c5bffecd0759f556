"""The sealed attachments (snn_signing) travel with the signed document, in their order: in the
edXML message and the e-mail (``_signed_files``), and to units and organisations of the
database as files of their incoming document."""

from odoo import models


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def _signed_files(self):
        return super()._signed_files() + self._sealed_attachment_files()


class SnnDelivery(models.Model):
    _inherit = "snn.delivery"  # pylint: disable=consider-merging-classes-inherited

    def _send_internal(self):
        """A unit or organisation of the database receives the sealed attachments too, as
        files of its incoming document (readable by whoever reads that document)."""
        result = super()._send_internal()
        files = self.document_id._sealed_attachment_files()
        if files and self.incoming_id:
            self.env["ir.attachment"].create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "mimetype": "application/pdf",
                        "description": title,
                        "res_model": "snn.incoming.document",
                        "res_id": self.incoming_id.id,
                    }
                    for name, data, title in files
                ]
            )
        return result
