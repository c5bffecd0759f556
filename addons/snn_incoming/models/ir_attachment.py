from odoo import models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _index(self, bin_data, file_type, checksum=None):
        """No full-text copy of a received edXML message: it is text/xml, so Odoo would copy
        all of it, its files in base64 included, into index_content (about 15 ms and 0.3 MB
        per document received; bench/incoming_bench.py). Only the system's own receiving code
        (superuser) asks it: a client's context key cannot keep its uploads out of the
        search."""
        if self.env.su and self.env.context.get("snn_no_index"):
            return None
        return super()._index(bin_data, file_type, checksum=checksum)
