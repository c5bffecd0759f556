"""The certificates that verification of received files trusts, per organisation: the
roots and intermediates of the Vietnamese government CA (VGCA) and of the Vietnam National
Root CA ship as the default set (from the engine, each checked against its fingerprint); a
manager adds others (e.g. a test CA) or disables one for their organisation."""

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from snn_sign.trust import default_certificates

EDITABLE = frozenset({"name", "kind", "pem", "source", "active"})


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
    subject = fields.Char(string="Certificate Subject", compute="_compute_details", store=True)
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
        """The certificate, or None when the text is not one certificate in PEM form. Parsed
        in full here: asn1crypto parses lazily, so a damaged certificate (or a private key
        pasted by mistake) would otherwise fail later, in the computed fields, as an error
        the manager cannot read."""
        try:
            data = (self.pem or "").encode()
            if not pem.detect(data):
                return None
            kind, _headers, der = pem.unarmor(data)
            if kind != "CERTIFICATE":
                return None
            cert = asn1_x509.Certificate.load(der)
            cert.native  # noqa: B018 - parse it all, fail here
            return cert
        except (ValueError, TypeError):
            return None

    def write(self, vals):
        """A shipped certificate is enabled or disabled, never changed; the fingerprint and
        the rest are read from the certificate, never written."""
        if not self.env.su:
            for certificate in self:
                allowed = {"active"} if certificate.builtin else EDITABLE
                if vals.keys() - allowed:
                    raise AccessError(
                        self.env._(
                            "“%s”: only its name, kind, certificate, source and whether it is "
                            "used can be changed; a shipped one is only enabled or disabled.",
                            certificate.name,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_added(self):
        """A shipped certificate is disabled, not deleted (it would come back at the next
        update of the module, and the store would not say it was removed on purpose)."""
        if self.filtered("builtin"):
            raise UserError(self.env._("A shipped certificate is disabled, not deleted."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # What the certificate says is read from it, and only the install ships: values a
            # client sends for those are not taken.
            vals_list = [
                {k: v for k, v in vals.items() if k in EDITABLE or k == "company_id"}
                for vals in vals_list
            ]
        return super().create(vals_list)

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
        if companies is None:  # every organisation: a handful of records
            companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for company in companies:
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
