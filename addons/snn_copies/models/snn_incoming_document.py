import base64

from odoo import models
from odoo.exceptions import UserError


class SnnIncomingDocument(models.Model):
    _name = "snn.incoming.document"
    _inherit = ["snn.incoming.document", "snn.copy.source"]

    def _copy_link(self):
        return "incoming_id"

    def _get_cannot_copy_state_reasons(self, paper=False):
        """Copies are of a registered incoming document (it has its số đến), not withdrawn or
        refused."""
        if not self.incoming_number or self.state in ("refused", "withdrawn"):
            return [
                UserError(
                    self.env._(
                        "“%s” is not a registered incoming document: register it first.",
                        self.display_name,
                    )
                )
            ]
        return []

    def _copy_source_bytes(self):
        received = self.with_context(bin_size=False).file
        return base64.b64decode(received) if received else b""
