"""The documents list searched by recipient: "Recipient" in the search bar finds the documents
of whose "Nơi nhận" an outside organisation or an internal unit of that name is part."""

from odoo import fields, models
from odoo.fields import Domain


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    recipient_search = fields.Char(
        string="Recipient Name",
        compute="_compute_recipient_search",
        search="_search_recipient_search",
        help="Searches the recipients (outside organisations and internal units) by name.",
    )

    def _compute_recipient_search(self):
        self.recipient_search = False  # a search, not a value

    def _search_recipient_search(self, operator, value):
        """The lines of the organisations the user works in now (env.companies, which Odoo
        checks against the user's own), through the (partner_id, company_id) index: an agency
        that receives from all of a province's organisations has lines in each of them, and
        a document of another organisation is not shown anyway (company rule). A negative
        operator is the ORM's negation of the positive one (NotImplemented)."""
        if operator in Domain.NEGATIVE_OPERATORS:
            return NotImplemented
        target = Domain("partner_id", operator, value) | Domain("department_id", operator, value)
        return Domain(
            "recipient_ids", "any", Domain("company_id", "in", self.env.companies.ids) & target
        )
