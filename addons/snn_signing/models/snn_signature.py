from odoo import fields, models

KINDS = [
    ("personal", "Signer"),
    ("organization", "Organisation (seal)"),
    ("attachment", "Attachment (organisation)"),
]


class SnnSignature(models.Model):
    """One digital signature of an issued document, and what the verifier said of it."""

    _name = "snn.signature"
    _inherit = ["snn.document.child"]
    _description = "Digital Signature of an Outgoing Document"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    kind = fields.Selection(KINDS, required=True)
    key_label = fields.Char()
    field_name = fields.Char(string="Signature Field")
    subject = fields.Char(string="Certificate Subject")
    serial = fields.Char(string="Certificate Serial")
    issuer = fields.Char(string="Certificate Issuer")
    signing_time = fields.Char(help="As signed, ISO 8601 with the Vietnam offset (+07:00).")
    intact = fields.Boolean(help="The signed bytes are unchanged.")
    trusted = fields.Boolean(help="The certificate chains to a configured trusted root.")
    valid = fields.Boolean(help="Intact, trusted, and no change after signing that is not allowed.")
    modification_level = fields.Char()
    revocation_checked = fields.Boolean(
        help="Whether revocation (CRL/OCSP) was checked. Offline verification does not check it."
    )
    verdict = fields.Char(compute="_compute_verdict")
    reasons = fields.Text()
    verified_at = fields.Datetime()

    def _compute_verdict(self):
        for signature in self:
            if not signature.intact:
                signature.verdict = self.env._("Altered")
            elif not signature.trusted:
                signature.verdict = self.env._("Not trusted")
            elif not signature.valid:
                signature.verdict = self.env._("Changed after signing")
            elif not signature.revocation_checked:
                signature.verdict = self.env._("Valid (revocation not checked)")
            else:
                signature.verdict = self.env._("Valid")
