import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Agency codes of the national directory ("mã định danh", QCVN 102:2016), e.g. 000.00.00.H53.
ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def check_organ_id(env, organ_id):
    if organ_id and not ORGAN_ID_RE.match(organ_id):
        raise ValidationError(
            env._(
                "“%s” is not an agency code of the national directory: it looks like "
                "000.00.00.H53 (three digits, two, two, a capital letter and two digits).",
                organ_id,
            )
        )


class ResPartner(models.Model):
    _inherit = "res.partner"

    snn_organ_id = fields.Char(
        string="Agency Code (OrganId)",
        index="btree_not_null",
        copy=False,
        help="The agency's code in the national directory, e.g. 000.00.00.H53: documents go "
        "to it by edXML through the document exchange.",
    )

    @api.constrains("snn_organ_id")
    def _check_snn_organ_id(self):
        for partner in self:
            check_organ_id(self.env, partner.snn_organ_id)
