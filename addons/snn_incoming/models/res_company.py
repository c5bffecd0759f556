from odoo import api, fields, models

from odoo.addons.snn_signing.models.res_users import check_managed, manager_sets_up_signing

INCOMING_FIELDS = frozenset({"snn_incoming_alias_name"})


class ResCompany(models.Model):
    _inherit = "res.company"

    snn_trust_certificate_ids = fields.One2many(
        "snn.trust.certificate",
        "company_id",
        string="Trusted Certificates",
        groups="snn_docflow.group_manager",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["snn.trust.certificate"]._install_defaults(companies)
        return companies

    def _trust_certificates(self, kind):
        return (
            self.env["snn.trust.certificate"]
            .sudo()
            .search([("company_id", "=", self.id), ("kind", "=", kind)])
        )

    def _trust_roots(self):
        """The company's own roots (snn_signing) and the active roots of its trust store."""
        return super()._trust_roots() + [c.pem.encode() for c in self._trust_certificates("root")]

    def _trust_intermediates(self):
        return [c.pem.encode() for c in self._trust_certificates("intermediate")]


class ResCompanyIncomingAlias(models.Model):
    """The e-mail address where other agencies' documents arrive (the clerks' mailbox): an
    Odoo mail alias creating incoming documents of this organisation (snn_incoming_mail.py)."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    snn_incoming_alias_id = fields.Many2one(
        "mail.alias",
        string="Incoming Documents Alias",
        readonly=True,
        copy=False,
        groups="snn_docflow.group_manager",
    )
    snn_incoming_alias_name = fields.Char(
        string="Incoming Documents E-mail",
        compute="_compute_snn_incoming_alias_name",
        inverse="_inverse_snn_incoming_alias_name",
        groups="snn_docflow.group_manager",
        help="The part before @ of the address where other agencies send documents by e-mail.",
    )

    def write(self, vals):
        # The manager sets the alias of the companies they manage, as the exchange settings.
        if manager_sets_up_signing(self, vals, INCOMING_FIELDS):
            check_managed(self, vals)
            return super(ResCompanyIncomingAlias, self.sudo()).write(vals)
        return super().write(vals)

    def _compute_snn_incoming_alias_name(self):
        for company in self:
            company.snn_incoming_alias_name = company.sudo().snn_incoming_alias_id.alias_name

    def _inverse_snn_incoming_alias_name(self):
        model = self.env["ir.model"]._get_id("snn.incoming.document")
        for company in self.sudo():
            name = company.snn_incoming_alias_name
            if company.snn_incoming_alias_id:
                company.snn_incoming_alias_id.alias_name = name
            elif name:
                company.snn_incoming_alias_id = self.env["mail.alias"].create(
                    {
                        "alias_name": name,
                        "alias_model_id": model,
                        "alias_defaults": repr({"company_id": company.id}),
                        "alias_contact": "everyone",
                        "alias_domain_id": company.alias_domain_id.id,
                    }
                )
