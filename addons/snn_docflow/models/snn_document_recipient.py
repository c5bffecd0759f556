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
    # Indexed: the documents list is searched by recipient (the partner's or unit's name
    # first, then the lines that name them); each line names one of the two.
    partner_id = fields.Many2one(
        "res.partner",
        string="Outside Organisation",
        index="btree_not_null",
        help="Receives by e-mail and edXML.",
    )
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

    def write(self, vals):
        self.document_id._check_content_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self.document_id._check_content_editable()
