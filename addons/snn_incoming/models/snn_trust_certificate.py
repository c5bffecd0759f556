"""The certificates that verification of received files trusts, per organisation: the
roots and intermediates of the Vietnamese government CA (VGCA) and of the Vietnam National
Root CA ship as the default set (from the engine, each checked against its fingerprint); a
manager adds others (e.g. a test CA) or disables one for their organisation."""

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from snn_sign.trust import default_certificates


class SnnTrustCertificate(models.Model):
    _name = "snn.trust.certificate"
    _inherit = ["snn.organisation.record"]
    _description = "Trusted Certificate"
    _order = "company_id, kind desc, name"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    kind = fields.Selection(
        [("root", "Root"), ("intermediate", "Intermediate")], required=True, default="root"
    )
    pem = fields.Text(string="Certificate (PEM)", required=True)
    sha256 = fields.Char(string="SHA-256", compute="_compute_details", store=True)
    subject = fields.Char(compute="_compute_details", store=True)
    not_after = fields.Date(string="Valid Until", compute="_compute_details", store=True)
    source = fields.Char(help="Where the certificate was obtained.")
    builtin = fields.Boolean(string="Shipped", readonly=True)
    active = fields.Boolean(default=True)

    _sha256_unique = models.UniqueIndex(
        "(company_id, sha256)", "This certificate is already in the organisation's trust store."
    )

    @api.depends("pem")
    def _compute_details(self):
        for certificate in self:
            cert = certificate._load()
            certificate.sha256 = cert.sha256.hex().upper() if cert else False
            certificate.subject = cert.subject.human_friendly if cert else False
            certificate.not_after = (
                cert["tbs_certificate"]["validity"]["not_after"].native.date() if cert else False
            )

    def _load(self):
        try:
            data = (self.pem or "").encode()
            der = pem.unarmor(data)[2] if pem.detect(data) else b""
            return asn1_x509.Certificate.load(der) if der else None
        except ValueError:
            return None

    @api.constrains("pem")
    def _check_pem(self):
        for certificate in self:
            cert = certificate._load()
            if cert is None:
                raise ValidationError(
                    self.env._("“%s” is not a certificate in PEM form.", certificate.name)
                )

    @api.model
    def _install_defaults(self, companies=None):
        """The shipped set for every organisation (or ``companies``) that lacks it."""
        shipped = default_certificates()
        for company in companies or self.env["res.company"].sudo().search([]):
            have = set(
                self.sudo()
                .with_context(active_test=False)
                .search([("company_id", "=", company.id)])
                .mapped("sha256")
            )
            self.sudo().create(
                [
                    {
                        "name": cert.name,
                        "company_id": company.id,
                        "kind": cert.kind,
                        "pem": cert.pem.decode(),
                        "source": cert.source,
                        "builtin": True,
                    }
                    for cert in shipped
                    if cert.sha256.upper() not in have
                ]
            )
