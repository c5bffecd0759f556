from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_sign.bridge.local_request import public_key_b64
from snn_sign.errors import SnnSignError
from snn_sign.longterm import LongTermPolicy, check_proxy_url
from snn_sign.verify import load_roots

from .certificate_holder import certificate_chain, check_certificate_holder, check_pc_key
from .res_users import check_image, check_managed, manager_sets_up_signing
from .secret_file import check_secret_name, read_secret, reason

SIGNING_FIELDS = frozenset(
    {
        "snn_seal_bridge_id",
        "snn_seal_key",
        "snn_seal_image",
        "snn_trust_roots",
        "snn_esign_trial_date",
        "snn_esign_mandatory_date",
        "snn_tsa_url",
        "snn_revocation_policy",
        "snn_archive_renewal_days",
        "snn_tsa_username",
        "snn_tsa_secret_file",
        "snn_ca_proxy_url",
        "snn_seal_sign_mode",
        "snn_seal_local_key",
        "snn_seal_local_certificate",
        "snn_local_bridge_url",
        "snn_local_request_key_file",
        "snn_csc_service_id",
        "snn_csc_credential",
        "snn_csc_token_file",
    }
)
SEAL_SIGN_MODES = [
    ("server", "Token bridge of the server"),
    ("local", "Token on the clerk's PC: their browser and the PC's token bridge"),
    ("remote", "Remote signing service (CSC): the clerk who issues authorises the seal"),
]
DEFAULT_LOCAL_BRIDGE_URL = "http://127.0.0.1:8899"  # the local profile's example port
REVOCATION_POLICIES = [
    ("refuse", "Refuse to sign"),
    ("record", "Sign and record “revocation not checked”"),
]


class ResCompany(models.Model):
    # The seal image is written through the company only (checked, by its own managers),
    # never as an ir.attachment put in its place (snn_docflow's snn.record.files).
    _name = "res.company"
    _inherit = ["res.company", "snn.record.files"]

    snn_seal_bridge_id = fields.Many2one(
        "snn.sign.bridge",
        string="Seal Token Bridge",
        groups="snn_docflow.group_manager",
        check_company=True,
    )
    snn_seal_key = fields.Char(string="Seal Key Label", groups="snn_docflow.group_manager")
    snn_seal_sign_mode = fields.Selection(
        SEAL_SIGN_MODES,
        string="Seal Signing Mode",
        default="server",
        required=True,
        groups="snn_docflow.group_manager",
        help="Where the seal's key is. Token bridge of the server: the server seals when the "
        "clerk issues. Token on the clerk's PC: the clerk who issues confirms the seal on "
        "their PC's token bridge, from their browser. Remote signing service: the clerk who "
        "issues authorises the seal with the organisation's PIN/OTP at the service.",
    )
    # The seal's credential at a remote-signing service: the same names as a person's (on
    # res.users), so the service's client reads either (snn.csc.service._client).
    snn_csc_service_id = fields.Many2one(
        "snn.csc.service",
        string="Seal's Remote Signing Service",
        groups="snn_docflow.group_manager",
        check_company=True,
    )
    snn_csc_credential = fields.Char(
        string="Seal's Remote Credential ID",
        groups="snn_docflow.group_manager",
        help="The identifier of the organisation's seal key at the remote-signing service.",
    )
    snn_csc_token_file = fields.Char(
        string="Seal's Remote Access Token File",
        groups="snn_docflow.group_manager",
        help="The NAME of the file holding the organisation's access token for the service, "
        "in the company's directory of the server's secrets directory: never in the database.",
    )
    snn_seal_local_key = fields.Char(
        string="Seal Key Label on the PC Token",
        groups="snn_docflow.group_manager",
        help="The label of the seal's key on the token plugged into the clerk's PC.",
    )
    snn_seal_local_certificate = fields.Text(
        string="Certificate of the Seal on the PC",
        groups="snn_docflow.group_manager",
        help="PEM: the certificate of that key, then its CA certificates. The seal must be "
        "made with exactly this certificate.",
    )
    snn_local_bridge_url = fields.Char(
        string="Token Bridge on the PCs",
        default=DEFAULT_LOCAL_BRIDGE_URL,
        groups="snn_docflow.group_manager",
        help="Where the browser finds the token bridge of an official's own PC: always "
        "http://127.0.0.1 and the port of its configuration.",
    )
    snn_local_request_key_file = fields.Char(
        string="Request Key File for the PCs",
        groups="snn_docflow.group_manager",
        help="The NAME of the file holding Odoo's private Ed25519 request key, in the "
        "company's directory of the server's secrets directory. Odoo signs with it each "
        "request it hands a PC's token bridge; the bridges have the public half.",
    )
    snn_local_request_public_key = fields.Char(
        string="Public Request Key (for the PCs' bridges)",
        compute="_compute_local_request_public_key",
        groups="snn_docflow.group_manager",
        help="Copy it into odoo_request_key of each PC's token bridge configuration.",
    )
    snn_seal_image = fields.Binary(
        string="Seal Image",
        attachment=True,
        groups="snn_docflow.group_manager",
        help="The organisation's seal, RED, at its real size, PNG with a transparent background.",
    )
    snn_trust_roots = fields.Text(
        string="Trusted Root Certificates",
        groups="snn_docflow.group_manager",
        help="PEM of the root certificates that verification trusts (e.g. the VGCA roots).",
    )
    snn_tsa_url = fields.Char(
        string="Time-Stamping Authority (TSA)",
        groups="snn_docflow.group_manager",
        help="RFC 3161 address of the time-stamping service (http or https). With it each "
        "signature is timestamped and every issued file gets an archive timestamp (PAdES "
        "B-LTA); without it the files carry the CA's answers but no timestamp.",
    )
    snn_tsa_username = fields.Char(
        string="TSA User",
        groups="snn_docflow.group_manager",
        help="When the time-stamping authority asks for HTTP basic authentication.",
    )
    snn_tsa_secret_file = fields.Char(
        string="TSA Password File",
        groups="snn_docflow.group_manager",
        help="The NAME of the file holding the TSA password, in this company's directory of "
        "the server's secrets directory (as a token bridge's secret): never in the database.",
    )
    snn_revocation_policy = fields.Selection(
        REVOCATION_POLICIES,
        string="When the CA Cannot Be Asked",
        default="refuse",
        required=True,
        groups="snn_docflow.group_manager",
        help="Before signing, the signer's and the seal's certificates are checked with the "
        "CA's OCSP responder or CRL, as the certificates name them. Revoked is always refused; "
        "this says what happens when the CA does not answer.",
    )
    snn_ca_proxy_url = fields.Char(
        string="Proxy to the CA and TSA",
        groups="snn_docflow.group_manager",
        help="An HTTP proxy (http://host:port) through which the server asks the CA's OCSP "
        "responders and CRLs and the time-stamping authority, when it may not reach them "
        "directly: the province's proxy, or a mirror of the CA's services behind one. Empty: "
        "directly, at the addresses the certificates name. No user or password in it.",
    )
    snn_archive_renewal_days = fields.Integer(
        string="Renew Archive Timestamps (Days Before)",
        default=180,
        groups="snn_docflow.group_manager",
        help="An issued file's archive timestamp is renewed this many days before its "
        "time-stamping authority's certificate expires.",
    )
    snn_esign_trial_date = fields.Date(
        string="E-signing Trial From",
        help="From this date the clerk chooses e-signed (default) or paper.",
    )
    snn_esign_mandatory_date = fields.Date(
        string="E-signing Mandatory From",
        help="From this date every document that is not secret is e-signed.",
    )

    @api.constrains("snn_esign_trial_date", "snn_esign_mandatory_date")
    def _check_esign_period(self):
        for company in self:
            trial, mandatory = company.snn_esign_trial_date, company.snn_esign_mandatory_date
            if trial and mandatory and mandatory < trial:
                raise ValidationError(
                    self.env._("E-signing becomes mandatory after its trial starts, not before.")
                )

    @api.constrains(
        "snn_tsa_url", "snn_archive_renewal_days", "snn_tsa_secret_file", "snn_ca_proxy_url"
    )
    def _check_tsa_url(self):
        for company in self.sudo():
            check_secret_name(self.env, company.snn_tsa_secret_file)
            try:
                check_proxy_url((company.snn_ca_proxy_url or "").strip() or None)
            except SnnSignError as error:
                raise ValidationError(engine_words(self.env, error)) from None
            if company.snn_archive_renewal_days < 0:
                raise ValidationError(
                    self.env._("The renewal margin is a number of days, 0 or more.")
                )
            url = (company.snn_tsa_url or "").strip()
            if url and urlsplit(url).scheme not in ("http", "https"):
                raise ValidationError(
                    self.env._("The time-stamping authority's address starts with http or https.")
                )

    @api.depends("snn_local_request_key_file")
    def _compute_local_request_public_key(self):
        for company in self:
            try:
                company.snn_local_request_public_key = public_key_b64(
                    company.sudo()._local_request_key()
                )
            except (UserError, SnnSignError):
                company.snn_local_request_public_key = False

    @api.constrains(
        "snn_seal_sign_mode",
        "snn_seal_local_key",
        "snn_seal_local_certificate",
        "snn_csc_service_id",
        "snn_csc_credential",
        "snn_csc_token_file",
    )
    def _check_seal_elsewhere_setup(self):
        self.sudo()._check_company(["snn_csc_service_id"])
        for company in self.sudo():
            check_secret_name(self.env, company.snn_csc_token_file)
            if company.snn_seal_sign_mode == "remote":
                company._check_remote_seal()
            if company.snn_seal_sign_mode == "local" or company.snn_seal_local_certificate:
                try:
                    company._check_local_seal_key()
                except UserError as error:
                    raise ValidationError(error.args[0]) from None

    @api.constrains("snn_local_bridge_url", "snn_local_request_key_file")
    def _check_local_bridge_setup(self):
        for company in self.sudo():
            check_secret_name(self.env, company.snn_local_request_key_file)
            url = urlsplit((company.snn_local_bridge_url or "").strip())
            if company.snn_local_bridge_url and (
                url.scheme != "http"
                or url.hostname not in ("127.0.0.1", "localhost")
                or url.path not in ("", "/")
                or url.username
                or url.password
            ):
                raise ValidationError(
                    self.env._(
                        "The token bridge on the PCs is reached at http://127.0.0.1 and the port "
                        "of its configuration: it listens on the PC's loopback only."
                    )
                )

    def _local_bridge_url(self):
        return (self.sudo().snn_local_bridge_url or DEFAULT_LOCAL_BRIDGE_URL).strip().rstrip("/")

    def _local_request_key(self):
        """Odoo's private request key (PEM), read from the company's secret file."""
        company = self.sudo()
        if not company.snn_local_request_key_file:
            raise UserError(
                self.env._(
                    "Signing on a PC needs Odoo's request key: a manager names its file "
                    "(Request Key File for the PCs) in the settings of %s.",
                    company.name,
                )
            )
        try:
            key = read_secret(self.env, company, company.snn_local_request_key_file)
        except OSError as error:
            raise UserError(
                self.env._(
                    "The request key file “%(file)s” cannot be read: %(why)s",
                    file=company.snn_local_request_key_file,
                    why=reason(error),
                )
            ) from None
        public_key_b64(key)  # an Ed25519 private key, or the engine's words
        return key

    def _check_local_seal(self):
        """The seal's key on the clerk's PC: label, certificate valid now and issued to the
        organisation, and Odoo's request key (sudo record)."""
        self._check_local_seal_key()
        try:
            self._local_request_key()
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None

    def _check_local_seal_key(self):
        check_pc_key(
            self.env,
            self.snn_seal_local_key,
            self.snn_seal_local_certificate,
            [self.name, self.snn_org_full_name],
            self.env._(
                "Sealing with the token on the clerk's PC needs the seal's key label and "
                "certificate in the settings of %s.",
                self.name,
            ),
        )

    def _check_remote_seal(self):
        """The service answers for the seal's credential, and its certificate is valid now and
        issued to the organisation (sudo record)."""
        if not (self.snn_csc_service_id and self.snn_csc_credential):
            raise ValidationError(
                self.env._(
                    "Sealing at a remote-signing service needs the service and the seal's "
                    "credential ID in the settings of %s.",
                    self.name,
                )
            )
        info = self.snn_csc_service_id._credential(self)
        check_certificate_holder(
            self.env, info.certificate_chain[0], [self.name, self.snn_org_full_name]
        )

    def _seal_chain(self):
        """DER of the seal's certificate chain (its certificate first), wherever its key is."""
        company = self.sudo()
        if company.snn_seal_sign_mode == "local":
            return certificate_chain(self.env, company.snn_seal_local_certificate)
        if company.snn_seal_sign_mode == "remote":
            return company.snn_csc_service_id._credential(company).certificate_chain
        signer = company.snn_seal_bridge_id._signer(company.snn_seal_key)
        return (signer.signing_cert.dump(),)

    @api.constrains("snn_seal_bridge_id", "snn_seal_key", "snn_seal_image", "snn_trust_roots")
    def _check_seal_setup(self):
        self.sudo()._check_company(["snn_seal_bridge_id"])  # the seal's bridge is the company's
        for company in self.sudo().with_context(bin_size=False):
            check_image(self.env, company.snn_seal_image, "red")
            if company.snn_trust_roots:
                try:
                    load_roots([company.snn_trust_roots.encode()])
                except SnnSignError as error:
                    raise ValidationError(engine_words(self.env, error)) from None
            if bool(company.snn_seal_bridge_id) != bool(company.snn_seal_key):
                raise ValidationError(
                    self.env._("Set both the seal's token bridge and its key label, or neither.")
                )
            if company.snn_seal_bridge_id:
                company.snn_seal_bridge_id._check_key(
                    company.snn_seal_key, [company.name, company.snn_org_full_name]
                )

    def write(self, vals):
        if manager_sets_up_signing(self, vals, SIGNING_FIELDS):
            check_managed(self, vals)
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    @api.model
    def _guarded_file_fields(self):
        return {"snn_seal_image"}  # Odoo's own images of a company stay as Odoo keeps them

    def _esign_mode(self, day):
        """'paper' before the trial, 'choice' during it, 'mandatory' from the mandatory date."""
        self.ensure_one()
        if self.snn_esign_mandatory_date and day >= self.snn_esign_mandatory_date:
            return "mandatory"
        if self.snn_esign_trial_date and day >= self.snn_esign_trial_date:
            return "choice"
        return "paper"

    def _trust_roots(self):
        return [self.sudo().snn_trust_roots.encode()] if self.sudo().snn_trust_roots else []

    def _long_term_policy(self):
        """What signing asks of the CA and the TSA for this organisation (snn_sign.longterm)."""
        company = self.sudo()
        return LongTermPolicy(
            trust_roots=tuple(company._trust_roots()),
            tsa_url=(company.snn_tsa_url or "").strip() or None,
            unreachable=company.snn_revocation_policy or "refuse",
            tsa_auth=company._tsa_auth(),
            proxy=(company.snn_ca_proxy_url or "").strip() or None,
        )

    def _tsa_auth(self):
        """(user, password) for the TSA, the password read from the company's secret file;
        None without a user. A file that cannot be read is said, not skipped."""
        if not self.snn_tsa_username:
            return None
        try:
            password = read_secret(self.env, self, self.snn_tsa_secret_file)
        except OSError as error:
            raise UserError(
                self.env._(
                    "The TSA password file “%(file)s” cannot be read: %(why)s",
                    file=self.snn_tsa_secret_file or "",
                    why=reason(error),
                )
            ) from None
        return self.snn_tsa_username, password.decode("utf-8", "replace")
