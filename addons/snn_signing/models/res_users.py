import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_sign.errors import SnnSignError
from snn_sign.images import check_signature_image

from .certificate_holder import certificate_chain, check_certificate_holder, check_pc_key
from .secret_file import check_secret_name

# What the outgoing-documents manager sets on a director (and may set without being an
# administrator of users): see write().
SIGNING_FIELDS = frozenset(
    {
        "snn_sign_bridge_id",
        "snn_sign_key",
        "snn_signature_image",
        "snn_sign_mode",
        "snn_csc_service_id",
        "snn_csc_credential",
        "snn_csc_token_file",
        "snn_local_key",
        "snn_local_certificate",
    }
)
SIGN_MODES = [
    ("server", "Token bridge of the server"),
    ("local", "Token on the holder's PC: their browser and the PC's token bridge"),
    ("remote", "Remote signing service (CSC): the holder authorises each signature"),
]


def manager_sets_up_signing(records, vals, signing_fields):
    """The outgoing-documents manager sets up signing (these fields only) without being an
    administrator of users or companies; the write then runs as superuser, after
    check_managed()."""
    return (
        bool(vals)
        and vals.keys() <= signing_fields
        and not records.env.su
        and records.env.user.has_group("snn_docflow.group_manager")
    )


def check_managed(records, vals):
    """AccessError unless the manager manages every record the superuser write will change.

    The rule: a manager manages the companies of their own company_ids. A company is theirs
    when it is one of them; a user is theirs when every company of the user (company_ids) is
    one of them, so a user shared with a company they do not manage is not. A many-to-one is
    given by its id only: a command or values in ``vals`` would create or change the target
    record (a token bridge) past its own access rules."""
    env = records.env
    records.check_access("read")
    for name, value in vals.items():
        field = records._fields[name]
        if field.type == "many2one" and not (value is False or isinstance(value, int)):
            raise AccessError(
                env._("%s is set by the id of an existing record, nothing else.", field.string)
            )
    managed = env.user.company_ids
    for record in records.sudo():
        companies = record if record._name == "res.company" else record.company_ids
        if not companies or companies - managed:
            raise AccessError(
                env._(
                    "%(record)s belongs to %(companies)s: you manage %(managed)s only, and "
                    "set up signing and the exchange for these alone.",
                    record=record.display_name,
                    companies=", ".join(companies.mapped("name")),
                    managed=", ".join(managed.mapped("name")),
                )
            )


def check_image(env, image, colour):
    """ValidationError with the engine's bilingual words when an image does not fit."""
    if not image:
        return
    try:
        check_signature_image(base64.b64decode(image), colour)
    except SnnSignError as error:
        raise ValidationError(engine_words(env, error)) from None


class ResUsers(models.Model):
    # The signature image is written through the user only (checked, by the user's own
    # organisation's managers), never as an ir.attachment put in its place.
    _name = "res.users"
    _inherit = ["res.users", "snn.record.files"]

    snn_sign_bridge_id = fields.Many2one(
        "snn.sign.bridge",
        string="Signing Token Bridge",
        groups="snn_docflow.group_manager",
        check_company=True,
        help="The token bridge that holds this director's personal key.",
    )
    snn_sign_key = fields.Char(
        string="Personal Key Label",
        groups="snn_docflow.group_manager",
        help="The label of the director's key on that bridge.",
    )
    snn_signature_image = fields.Binary(
        string="Signature Image",
        attachment=True,
        groups="snn_docflow.group_manager",
        help="The handwritten signature, BLUE, PNG with a transparent background.",
    )
    snn_sign_mode = fields.Selection(
        SIGN_MODES,
        string="Signing Mode",
        default="server",
        required=True,
        groups="snn_docflow.group_manager",
        help="Where the personal key is. Token bridge: the server signs when the clerk issues. "
        "Token on the holder's PC: the document waits until its holder signs it in their "
        "browser, confirming on their PC's token bridge. Remote signing service: the document "
        "waits until its holder authorises the signature with their own PIN/OTP.",
    )
    snn_local_key = fields.Char(
        string="Key Label on the PC Token",
        groups="snn_docflow.group_manager",
        help="The label of the personal key on the token plugged into the holder's PC, as "
        "the PC's token bridge configuration names it.",
    )
    snn_local_certificate = fields.Text(
        string="Certificate of the PC Key",
        groups="snn_docflow.group_manager",
        help="PEM: the certificate of that key, then its CA certificates. The signature must "
        "be made with exactly this certificate.",
    )
    snn_csc_service_id = fields.Many2one(
        "snn.csc.service",
        string="Remote Signing Service",
        groups="snn_docflow.group_manager",
        check_company=True,
    )
    snn_csc_credential = fields.Char(
        string="Remote Credential ID",
        groups="snn_docflow.group_manager",
        help="The identifier of this person's key at the remote-signing service.",
    )
    snn_csc_token_file = fields.Char(
        string="Remote Access Token File",
        groups="snn_docflow.group_manager",
        help="The NAME of the file holding this person's access token for the service, in the "
        "company's directory of the server's secrets directory: never in the database.",
    )

    @api.constrains(
        "snn_sign_bridge_id",
        "snn_sign_key",
        "snn_signature_image",
        "snn_sign_mode",
        "snn_csc_service_id",
        "snn_csc_credential",
        "snn_csc_token_file",
        "snn_local_key",
        "snn_local_certificate",
    )
    def _check_signing_setup(self):
        # res.users checks its companies only when asked: the bridge is of the user's company.
        self.sudo()._check_company(["snn_sign_bridge_id", "snn_csc_service_id"])
        for user in self.sudo().with_context(bin_size=False):
            check_image(self.env, user.snn_signature_image, "blue")
            check_secret_name(self.env, user.snn_csc_token_file)
            if bool(user.snn_sign_bridge_id) != bool(user.snn_sign_key):
                raise ValidationError(
                    self.env._("Set both the token bridge and the key label, or neither.")
                )
            if user.snn_sign_bridge_id:
                user.snn_sign_bridge_id._check_key(user.snn_sign_key, [user.name])
            if user.snn_sign_mode == "remote":
                user._check_remote_credential()
            if user.snn_sign_mode == "local":
                try:
                    user._check_local_key()
                except UserError as error:
                    raise ValidationError(error.args[0]) from None

    def _check_remote_credential(self):
        """The service answers for this person's credential, and its certificate is valid now
        and issued to them (sudo record)."""
        if not (self.snn_csc_service_id and self.snn_csc_credential):
            raise ValidationError(
                self.env._(
                    "Remote signing needs the service and the credential ID of %s.", self.name
                )
            )
        info = self.snn_csc_service_id._credential(self)
        check_certificate_holder(self.env, info.certificate_chain[0], [self.name])

    def _check_local_key(self):
        """The key label and its certificate are set, and the certificate is valid now and
        issued to this person (sudo record)."""
        check_pc_key(
            self.env,
            self.snn_local_key,
            self.snn_local_certificate,
            [self.name],
            self.env._(
                "Signing with the token on the PC needs the key label and the certificate of %s.",
                self.name,
            ),
        )

    def _personal_chain(self):
        """DER of this person's certificate chain (their certificate first) for a signature
        made away from the server: on their PC, or at the remote-signing service."""
        if self.snn_sign_mode == "local":
            return certificate_chain(self.env, self.snn_local_certificate)
        return self.snn_csc_service_id._credential(self).certificate_chain

    def _personal_certificate(self):
        """DER of this person's signing certificate, wherever their key is (sudo record)."""
        if self.snn_sign_mode in ("local", "remote"):
            return self._personal_chain()[0]
        return self.snn_sign_bridge_id._signer(self.snn_sign_key).signing_cert.dump()

    @api.model
    def _guarded_file_fields(self):
        return {"snn_signature_image"}  # Odoo's own images of a user stay as Odoo keeps them

    def write(self, vals):
        if manager_sets_up_signing(self, vals, SIGNING_FIELDS):
            check_managed(self, vals)
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)
