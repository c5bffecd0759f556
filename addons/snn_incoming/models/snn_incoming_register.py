from odoo import api, fields, models

from odoo.addons.snn_docflow.models.snn_register import take_next_number


class SnnIncomingRegister(models.Model):
    """An incoming register (sổ đăng ký văn bản đến): numbers 1, 2, 3 … per calendar year,
    one series for paper and electronic documents (Decree 30 Art. 22.2), gap-free; secret
    documents have a register of their own (Art. 22.4)."""

    _name = "snn.incoming.register"
    _inherit = ["snn.organisation.record"]
    _description = "Incoming Document Register"
    _order = "confidential, name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    confidential = fields.Boolean(
        string="For Secret Documents",
        help="Numbers secret documents (Mật, Tối mật, Tuyệt mật) in a series of their own.",
    )
    active = fields.Boolean(default=True)

    @api.model
    def _find_for(self, incoming):
        """The register of ``incoming``'s organisation (its secret one for a secret document);
        made on first use, so a new organisation registers without set-up."""
        confidential = incoming.confidentiality != "normal"
        domain = [("company_id", "=", incoming.company_id.id), ("confidential", "=", confidential)]
        register = self.sudo().search(domain, limit=1)
        if not register:
            name = (
                self.env._("Secret Incoming Documents")
                if confidential
                else self.env._("Incoming Documents")
            )
            register = self.sudo().create(
                {"name": name, "company_id": incoming.company_id.id, "confidential": confidential}
            )
        return register

    def _take_number_for(self, incoming, year):
        """The next số đến of ``year`` for ``incoming`` (the outgoing register's rule)."""
        self.ensure_one()
        return take_next_number(
            incoming, self.id, year, ("incoming_register_id", "incoming_year", "incoming_number")
        )
