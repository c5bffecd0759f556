from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Names and places change (provinces merged in 2025): settings, never constants.
    snn_org_code = fields.Char(
        string="Organisation Abbreviation",
        help="Abbreviation used in document notations, e.g. SNN in 05/SNN-VP.",
    )
    snn_place = fields.Char(
        string="Place of Issue",
        help="Printed before the issue date, e.g. Tuyên Quang.",
    )
    snn_governing_body = fields.Char(
        string="Governing Body",
        help="The line above the organisation's name, e.g. ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG.",
    )
    snn_org_full_name = fields.Char(
        string="Organisation Full Name",
        help="As printed and signed, e.g. Sở Nông nghiệp và Phát triển nông thôn.",
    )
    snn_allow_approver_issue = fields.Boolean(
        string="Approver May Also Issue",
        help="Off (the default): the person who approved a document cannot also issue it "
        "(four eyes). Turn on only for an organisation too small to keep the two apart.",
    )
