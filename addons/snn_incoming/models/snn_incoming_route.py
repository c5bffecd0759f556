"""Suggested routing: which unit usually handles what comes from whom (the office's own
rules, edited by its clerks and managers, e.g. "documents of the Department of Finance about
budgets: Planning and Finance, 10 days"). The director's Assign form starts from the first
route that matches; the director changes what they want."""

from odoo import api, fields, models


class SnnIncomingRoute(models.Model):
    _name = "snn.incoming.route"
    _inherit = ["snn.organisation.record"]
    _description = "Incoming Document Routing Suggestion"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)
    sender_organ_id = fields.Char(
        string="Sender's Agency Code", help="Only documents from this agency (empty: any)."
    )
    document_type_name = fields.Char(
        string="Document Type", help="Only this type, e.g. Công văn (empty: any)."
    )
    keyword = fields.Char(help="Only documents whose subject contains this (empty: any).")
    department_id = fields.Many2one(
        "hr.department", string="Main Unit", required=True, check_company=True
    )
    coordinate_department_ids = fields.Many2many(
        "hr.department", string="Coordinating Units", check_company=True
    )
    deadline_days = fields.Integer(string="Days to Handle", default=7)

    def _matches(self, incoming):
        self.ensure_one()
        subject = (incoming.subject or "").casefold()
        return (
            (not self.sender_organ_id or self.sender_organ_id == incoming.sender_organ_id)
            and (
                not self.document_type_name
                or self.document_type_name.casefold()
                == (incoming.document_type_name or "").casefold()
            )
            and (not self.keyword or self.keyword.casefold() in subject)
        )

    @api.model
    def _suggest(self, incoming):
        """The first matching route of the document's organisation (empty if none)."""
        routes = self.sudo().search([("company_id", "=", incoming.company_id.id)])
        return next((route for route in routes if route._matches(incoming)), self.browse())
