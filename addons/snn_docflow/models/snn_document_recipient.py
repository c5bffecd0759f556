from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SnnDocumentRecipient(models.Model):
    """A line of "Nơi nhận": an outside organisation or an internal unit, and why it receives."""

    _name = "snn.document.recipient"
    _inherit = ["snn.document.child"]
    _description = "Outgoing Document Recipient"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    document_id = fields.Many2one("snn.document", required=True, ondelete="cascade", index=True)
    # The document's organisation on its lines: the documents list is searched by recipient
    # among the lines of the user's organisations (snn_document_search.py), and an agency
    # that receives from the whole province has lines in every one of them. Odoo fills it on
    # an upgrade by one UPDATE (a simple stored related field).
    company_id = fields.Many2one(related="document_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Outside Organisation", help="Receives by e-mail and edXML."
    )
    # Indexed: a unit's name found, its lines (a unit is of one organisation).
    department_id = fields.Many2one(
        "hr.department",
        string="Internal Unit",
        index="btree_not_null",
        help="Sees the document in Odoo.",
    )
    purpose = fields.Selection(
        [
            ("action", "For Action"),
            ("information", "For Information"),
            ("coordination", "For Coordination"),
        ],
        default="action",
        required=True,
    )

    # An agency's lines in one organisation (the search by recipient); also its lines at all.
    _partner_company_idx = models.Index("(partner_id, company_id) WHERE partner_id IS NOT NULL")

    @api.constrains("partner_id", "department_id", "document_id")
    def _check_one_target(self):
        for line in self:
            if bool(line.partner_id) == bool(line.department_id):
                raise ValidationError(
                    self.env._(
                        "Choose either an outside organisation or an internal unit "
                        "for each recipient."
                    )
                )

    def _step_only_fields(self):
        return frozenset()  # a drafter's own lines: nothing a step sets

    def _check_can_add_to(self, parents):
        parents["document_id"]._check_content_editable()

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._without_company(vals) for vals in vals_list])

    def write(self, vals):
        self.document_id._check_content_editable()
        self._check_parents_kept(vals)  # its organisation too (_kept_fields), before it goes
        return super().write(self._without_company(vals))

    def _kept_fields(self):
        return (*super()._kept_fields(), "company_id")

    @staticmethod
    def _without_company(vals):
        """The line's organisation is its document's (related): a value a client gives would be
        written through to the document's own organisation, so none is taken (a different one
        is refused on write, as a move to another document is)."""
        return {name: value for name, value in vals.items() if name != "company_id"}

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self.document_id._check_content_editable()
