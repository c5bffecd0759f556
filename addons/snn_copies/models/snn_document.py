import base64

from odoo import models
from odoo.exceptions import UserError


class SnnDocument(models.Model):
    _name = "snn.document"
    _inherit = ["snn.document", "snn.copy.source"]

    def _copy_link(self):
        return "document_id"

    def _get_cannot_copy_state_reasons(self, paper=False):
        """Copies are of the issued, e-signed document: a paper issue's original is on paper
        (copied on paper, as a secret document is)."""
        if self.state != "issued":
            return [self._moved_on_refusal()]
        if not paper and not self.signed_file:
            return [
                UserError(
                    self.env._(
                        "“%s” was issued on paper: its copies are made from the paper original.",
                        self.display_name,
                    )
                )
            ]
        return []

    def _paper_source_bytes(self):
        # A secret document is issued on paper: its pages are those of the approved PDF.
        data = (
            self.with_context(bin_size=False).signed_file or self.with_context(bin_size=False).file
        )
        return base64.b64decode(data) if data else b""

    def _copy_source_bytes(self):
        signed = self.with_context(bin_size=False).signed_file
        return base64.b64decode(signed) if signed else b""
