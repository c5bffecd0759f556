from odoo import models


class SnnDelivery(models.Model):
    _inherit = "snn.delivery"

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
