from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_sign.csc import CscClient
from snn_sign.errors import SnnSignError

from .secret_file import read_secret, reason


class SnnCscService(models.Model):
    """A remote-signing service that speaks the Cloud Signature Consortium API (v1), where a
    leader's key lives (Decree 68/2024 remote signing): each signature needs the holder's own
    authorisation (PIN, OTP) for the document's hash. Set up by the organisation's managers."""

    _name = "snn.csc.service"
    _inherit = ["snn.organisation.record"]  # stays with its organisation (its signers' tokens)
    _description = "Remote Signing Service (CSC)"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    service_url = fields.Char(
        string="Service Address",
        required=True,
        help="What comes before /csc/v1/ in the service's addresses (https in production).",
    )
    timeout = fields.Integer(string="Timeout (Seconds)", default=30, required=True)

    @api.constrains("service_url", "timeout")
    def _check_url(self):
        for service in self:
            parts = urlsplit((service.service_url or "").strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError(
                    self.env._("The service's address starts with https:// (or http://).")
                )
            if parts.username or parts.password:
                raise ValidationError(
                    self.env._(
                        "No user or password in the service's address: each signer's access "
                        "token is kept in a secret file."
                    )
                )
            if not 1 <= service.timeout <= 300:
                raise ValidationError(self.env._("The timeout is 1 to 300 seconds."))

    def _client(self, holder):
        """A client acting for ``holder`` (res.users, sudo): their access token read from the
        company's secret file the manager named on the user; never stored in the database."""
        self.ensure_one()
        token = None
        if holder.snn_csc_token_file:
            try:
                token = read_secret(self.env, self.company_id, holder.snn_csc_token_file)
            except OSError as error:
                raise UserError(
                    self.env._(
                        "The remote-signing access token file “%(file)s” of %(holder)s cannot "
                        "be read: %(why)s",
                        file=holder.snn_csc_token_file,
                        holder=holder.name,
                        why=reason(error),
                    )
                ) from None
        return CscClient(
            self.service_url.strip(),
            bearer_token=token.decode() if token else None,
            timeout=float(self.timeout),
        )

    def _credential(self, holder):
        """The holder's credential as the service describes it (certificate chain, whether a
        PIN and an OTP are needed, how many signatures one authorisation covers); the
        service's refusal in the user's language. Asked once per transaction: an issue reads
        it for its checks, its chain and its limits."""
        key = (
            "snn_csc_credential",
            self.id,
            holder._name,
            holder.id,
            holder.snn_csc_credential,
            holder.snn_csc_token_file,
        )
        asked = self.env.cr.cache.setdefault("snn_csc_credentials", {})
        if key not in asked:
            try:
                asked[key] = self._client(holder).credential_info(holder.snn_csc_credential)
            except SnnSignError as error:
                raise UserError(engine_words(self.env, error)) from None
        return asked[key]
