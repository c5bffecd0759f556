from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.snn_docflow.engine_words import engine_words
from odoo.addons.snn_signing.models.res_users import check_managed, manager_sets_up_signing
from odoo.addons.snn_signing.models.secret_file import check_secret_name, read_secret, reason

from snn_edxml.exchange import ExchangeClient, ExchangeError

from .res_partner import check_organ_id

EXCHANGE_FIELDS = frozenset(
    {"snn_organ_id", "snn_exchange_url", "snn_exchange_system_id", "snn_exchange_secret_file"}
)


class ResCompany(models.Model):
    _inherit = "res.company"

    snn_organ_id = fields.Char(
        related="partner_id.snn_organ_id",
        readonly=False,
        string="Agency Code (OrganId)",
        help="This organisation's code in the national directory: the sender of its edXML "
        "messages and the first part of their DocumentId.",
    )
    snn_exchange_url = fields.Char(
        string="Document Exchange URL",
        groups="snn_docflow.group_manager",
        help="The provincial document exchange (LGSP) endpoint, e.g. https://lgsp.example.vn.",
    )
    snn_exchange_system_id = fields.Char(
        string="Exchange System Id",
        groups="snn_docflow.group_manager",
        help="The id the exchange gave this organisation's system.",
    )
    snn_exchange_secret_file = fields.Char(
        string="Exchange Secret File",
        groups="snn_docflow.group_manager",
        help="Name of the file holding the HMAC secret shared with the exchange, in this "
        "company's directory of the server's secrets directory (secrets_dir in the [snn] "
        "section of Odoo's configuration file, then the company's id: e.g. "
        "/etc/odoo/snn-secrets/1/exchange.secret), mode 0600. A name only: no path. The "
        "secret itself never enters the database.",
    )

    @api.constrains("snn_exchange_url", "snn_exchange_system_id", "snn_exchange_secret_file")
    def _check_exchange_setup(self):
        for company in self.sudo():
            values = [
                company.snn_exchange_url,
                company.snn_exchange_system_id,
                company.snn_exchange_secret_file,
            ]
            if any(values) and not all(values):
                raise ValidationError(
                    self.env._(
                        "Set the exchange's URL, system id and secret file together, or none."
                    )
                )
            check_secret_name(self.env, company.snn_exchange_secret_file)
            if company.snn_exchange_url and not company.snn_exchange_url.startswith(
                ("http://", "https://")
            ):
                raise ValidationError(
                    self.env._(
                        "The exchange URL must start with https:// "
                        "(or http:// on a private network)."
                    )
                )

    def write(self, vals):
        if "snn_organ_id" in vals:
            check_organ_id(self.env, vals["snn_organ_id"])
        if manager_sets_up_signing(self, vals, EXCHANGE_FIELDS):
            check_managed(self, vals)
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    def _exchange_configured(self):
        self.ensure_one()
        return bool(self.sudo().snn_exchange_url and self.snn_organ_id)

    def _exchange_client(self):
        """The client of the provincial exchange; UserError saying what to set when it is
        not configured or its secret cannot be read. Kept for the transaction (the cursor's
        cache): a cron run reuses one HTTP session, and its connection, per company."""
        self.ensure_one()
        clients = self.env.cr.cache.setdefault("snn_exchange_clients", {})
        if self.id not in clients:
            clients[self.id] = self._new_exchange_client()
        return clients[self.id]

    def _new_exchange_client(self):
        """An ``snn_edxml.exchange.ExchangeTransport``: override this for another exchange."""
        company = self.sudo()
        if not company._exchange_configured():
            raise UserError(
                self.env._(
                    "The document exchange is not configured for %s: a manager sets its agency "
                    "code, the exchange URL, system id and secret file in the company's "
                    "settings.",
                    company.name,
                )
            )
        try:
            secret = read_secret(self.env, company, company.snn_exchange_secret_file)
            return ExchangeClient(company.snn_exchange_url, company.snn_exchange_system_id, secret)
        except (OSError, ExchangeError) as error:
            why = reason(error) if isinstance(error, OSError) else engine_words(self.env, error)
            raise UserError(
                self.env._(
                    "The exchange's secret file “%(file)s” of %(company)s cannot be used "
                    "(%(why)s). Ask the administrator to check the file, in the company's "
                    "directory of the server's secrets directory, and its permissions.",
                    file=company.snn_exchange_secret_file,
                    company=company.name,
                    why=why,
                )
            ) from None
