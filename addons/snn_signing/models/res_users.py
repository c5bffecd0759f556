import base64

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from snn_sign.errors import SnnSignError
from snn_sign.images import check_signature_image

# What the outgoing-documents manager sets on a director (and may set without being an
# administrator of users): see write().
SIGNING_FIELDS = frozenset({"snn_sign_bridge_id", "snn_sign_key", "snn_signature_image"})


def manager_sets_up_signing(records, vals, signing_fields):
    """The outgoing-documents manager sets up signing (these fields only) without being an
    administrator of users or companies; the write then runs as superuser, after a read
    check on the records."""
    return (
        bool(vals)
        and vals.keys() <= signing_fields
        and not records.env.su
        and records.env.user.has_group("snn_docflow.group_manager")
    )


def check_image(env, image, colour):
    """ValidationError with the engine's bilingual words when an image does not fit."""
    if not image:
        return
    try:
        check_signature_image(base64.b64decode(image), colour)
    except SnnSignError as error:
        raise ValidationError(str(error)) from None


class ResUsers(models.Model):
    _inherit = "res.users"

    snn_sign_bridge_id = fields.Many2one(
        "snn.sign.bridge",
        string="Signing Token Bridge",
        groups="snn_docflow.group_manager",
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
        for user in self.sudo().with_context(bin_size=False):
            check_image(self.env, user.snn_signature_image, "blue")
            if bool(user.snn_sign_bridge_id) != bool(user.snn_sign_key):
                raise ValidationError(
                    self.env._("Set both the token bridge and the key label, or neither.")
                )
            if user.snn_sign_bridge_id:
                user.snn_sign_bridge_id._check_key(user.snn_sign_key, [user.name])

    def write(self, vals):
        if manager_sets_up_signing(self, vals, SIGNING_FIELDS):
            self.check_access("read")
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)
