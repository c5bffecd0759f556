from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_sign.bridge.client import BridgeClient
from snn_sign.bridge.signer import BridgeSigner
from snn_sign.errors import SnnSignError

from .certificate_holder import check_certificate_holder
from .secret_file import check_secret_name, read_secret, reason


class SnnSignBridge(models.Model):
    """A token bridge (snn-token-bridge) that signs with keys on a PKCS#11 token.

    The HMAC secret is read from a file on the Odoo server, named here and looked up in the
    bridge's company's directory of the server's secrets directory (see secret_file.py); it is
    never stored in the database nor shown. Every pyHanko Signer the module uses comes from
    ``_signer()``, so another signing service (a CSC remote-signing provider, the VGCA Sign
    Service) is another implementation of that one method, not a change to the issue step.
    """

    _name = "snn.sign.bridge"
    _description = "Token Bridge"
    _order = "name"

    name = fields.Char(required=True)
    url = fields.Char(string="URL", required=True, help="E.g. http://127.0.0.1:8899")
    client_name = fields.Char(required=True, default="odoo")
    secret_file = fields.Char(
        required=True,
        help="Name of the file holding this client's HMAC secret, in this company's directory "
        "of the server's secrets directory (secrets_dir in the [snn] section of Odoo's "
        "configuration file, then the company's id: e.g. "
        "/etc/odoo/snn-secrets/1/bridge.secret), mode 0600. A name only: no path. The secret "
        "itself never enters the database.",
    )
    timeout = fields.Float(
        string="Timeout (s)",
        default=5.0,
        help="How long one request may take. The register stays locked while the bridge "
        "signs, so a dead bridge holds other clerks of the same register this long at most.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)

    @api.constrains("timeout")
    def _check_timeout(self):
        for bridge in self:
            if not 0 < bridge.timeout <= 60:
                raise ValidationError(self.env._("The timeout must be between 0 and 60 seconds."))

    @api.constrains("secret_file")
    def _check_secret_file(self):
        for bridge in self:
            check_secret_name(self.env, bridge.secret_file)

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals and not self.env.su:
            # Odoo checks the record rules before a write only: a bridge moved to a company
            # the user does not manage (and so to that company's secret files) is refused.
            self.check_access("write")
        return result

    def _secret(self):
        self.ensure_one()
        try:
            secret = read_secret(self.env, self.sudo().company_id, self.secret_file)
        except OSError as error:
            raise UserError(
                self.env._(
                    "The secret file “%(file)s” of the token bridge “%(name)s” cannot be read "
                    "in the directory of %(company)s on the Odoo server (%(error)s). Ask the "
                    "administrator to check the file and its permissions.",
                    file=self.secret_file,
                    name=self.name,
                    company=self.sudo().company_id.name,
                    error=reason(error),
                )
            ) from None
        if not secret:
            raise UserError(
                self.env._("The secret file of the token bridge “%s” is empty.", self.name)
            )
        return secret

    def _client(self):
        self.ensure_one()
        return BridgeClient(self.url, self.client_name, self._secret(), timeout=self.timeout or 5.0)

    def _signer(self, key_label):
        """The pyHanko Signer of ``key_label`` on this bridge (the one place signers come
        from). Raises UserError with the bridge's own bilingual words when it fails.

        Kept for the request (the cursor's cache): the issue's checks, its two signatures and
        the trail anchor ask the bridge for its keys once per key, not once per use.
        """
        self.ensure_one()
        signers = self.env.cr.cache.setdefault("snn_sign_signers", {})
        key = (
            self.id,
            self.url,
            self.client_name,
            self.company_id.id,
            self.secret_file,
            self.timeout,
            key_label,
        )
        if key not in signers:
            client = self._client()
            try:
                signers[key] = BridgeSigner(client, key_label)
            except SnnSignError as error:
                client.close()
                raise UserError(engine_words(self.env, error)) from None
        return signers[key]

    def _key_info(self, key_label):
        """What the bridge says of ``key_label`` (subject, issuer, serial, validity, chain)."""
        return self._signer(key_label).key_info

    def _check_key(self, key_label, holder_names, when=None):
        """Refuse a key the bridge does not offer, whose certificate is not valid ``when``
        (default now) or does not name one of ``holder_names`` (the person, the
        organisation)."""
        info = self._key_info(key_label)
        check_certificate_holder(
            self.env, info["certificate"].encode(), holder_names, label=key_label, when=when
        )
        return info

    def action_test_connection(self):
        """List the keys this bridge offers, with their certificates (managers only)."""
        self.ensure_one()
        self.check_access("write")
        with self._client() as client:
            try:
                keys = client.keys(refresh=True)
            except SnnSignError as error:
                raise UserError(engine_words(self.env, error)) from None
        lines = [
            self.env._(
                "%(label)s (%(purpose)s): %(subject)s — issuer %(issuer)s — serial %(serial)s — "
                "valid %(start)s to %(end)s",
                label=key["label"],
                purpose=key.get("purpose", ""),
                subject=key.get("subject", ""),
                issuer=key.get("issuer", ""),
                serial=key.get("serial", ""),
                start=key.get("not_before", "")[:10],
                end=key.get("not_after", "")[:10],
            )
            for key in keys
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Token bridge “%s” answers", self.name),
                "message": "\n".join(lines) or self.env._("It offers no key to this client."),
                "type": "success" if lines else "warning",
                "sticky": True,
            },
        }
