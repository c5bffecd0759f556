import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_sign.errors import SnnSignError
from snn_sign.images import check_signature_image

# What the outgoing-documents manager sets on a director (and may set without being an
# administrator of users): see write().
SIGNING_FIELDS = frozenset({"snn_sign_bridge_id", "snn_sign_key", "snn_signature_image"})


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

    @api.constrains("snn_sign_bridge_id", "snn_sign_key", "snn_signature_image")
    def _check_signing_setup(self):
        # res.users checks its companies only when asked: the bridge is of the user's company.
        self.sudo()._check_company(["snn_sign_bridge_id"])
        for user in self.sudo().with_context(bin_size=False):
            check_image(self.env, user.snn_signature_image, "blue")
            if bool(user.snn_sign_bridge_id) != bool(user.snn_sign_key):
                raise ValidationError(
                    self.env._("Set both the token bridge and the key label, or neither.")
                )
            if user.snn_sign_bridge_id:
                user.snn_sign_bridge_id._check_key(user.snn_sign_key, [user.name])

    @api.model
    def _guarded_file_fields(self):
        return {"snn_signature_image"}  # Odoo's own images of a user stay as Odoo keeps them

    def write(self, vals):
        if manager_sets_up_signing(self, vals, SIGNING_FIELDS):
            check_managed(self, vals)
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)
