import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

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

    @api.constrains("snn_organ_id")
    def _check_snn_organ_id_unique(self):
        """A company sends as its agency code: no other partner (another company, an outside
        agency, archived ones too) holds it. Two contacts of one outside agency may share
        theirs (the exchange addresses the agency, not the contact)."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        for partner in self.filtered("snn_organ_id"):
            others = Partner.search(
                [("snn_organ_id", "=", partner.snn_organ_id), ("id", "!=", partner.id)]
            )
            if others and companies.search_count(
                [("partner_id", "in", (partner | others).ids)], limit=1
            ):
                raise ValidationError(
                    self.env._(
                        "The agency code %(code)s is already held by %(others)s: an "
                        "organisation's agency code belongs to it alone.",
                        code=partner.snn_organ_id,
                        others=", ".join(others.mapped("display_name")),
                    )
                )

    def write(self, vals):
        if "snn_organ_id" in vals and not self.env.su:
            # A company sends as its agency code: the code of a company's partner is changed
            # only by who manages that company (through the company, see res_company.py).
            companies = self.env["res.company"].sudo().search([("partner_id", "in", self.ids)])
            if companies - self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "%s: not a company of yours; its agency code is set by its own manager, "
                        "in its settings.",
                        ", ".join(companies.mapped("name")),
                    )
                )
        return super().write(vals)
