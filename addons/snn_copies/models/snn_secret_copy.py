"""Paper copies of a document that is not "normal" (Decree 30 Art. 25-27 leave them to the law
on state secrets: no electronic copy). The clerk records each one: the form, how many sheets
of copies were made, who authorised it and why; it takes a number in the organisation's
confidential series of copies of the year (a series of its own, apart from the electronic
copies' one; 01 again on 1 January). Nothing is sealed or stored but the record, which nobody
changes or deletes afterwards."""

from odoo import api, fields, models

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today
from odoo.addons.snn_docflow.models.snn_register import create_numbered


class SnnSecretCopy(models.Model):
    _name = "snn.secret.copy"
    _description = "Paper Copy of a Secret Document"
    _inherit = ["snn.copy.record"]

    copies = fields.Integer(string="Paper Copies Made", required=True, readonly=True)
    authorised_by_id = fields.Many2one("res.users", required=True, readonly=True)
    reason = fields.Text(required=True, readonly=True)
    made_on = fields.Date(readonly=True)

    _number_unique = models.UniqueIndex(
        "(company_id, number_year, number) WHERE number IS NOT NULL",
        "A number of the confidential series of copies is taken once a year.",
    )
    _one_original = models.Constraint(
        "CHECK ((document_id IS NULL) <> (incoming_id IS NULL))",
        "A copy is of exactly one document.",
    )
    _some_copies = models.Constraint("CHECK (copies > 0)", "At least one paper copy is made.")

    @api.depends("number", "form")
    def _compute_display_name(self):
        forms = dict(self._fields["form"]._description_selection(self.env))
        for copy in self:
            copy.display_name = f"{copy.number:02d} ({forms.get(copy.form, '')})"

    def _append_only_refusals(self):
        return (
            self.env._("A paper copy's record cannot be changed: record a new one."),
            self.env._("A paper copy's record cannot be deleted: it is numbered."),
        )

    @api.model
    def _make(self, original, made):
        """The record of paper copies of ``original`` (sudo), numbered in its organisation's
        confidential series of the year; ``made``: the clerk's checked values (form, copies,
        authorised_by_id, reason, pages)."""
        link, original_id = self._link_to(original)
        today = vietnam_today()

        def values(number):
            return {
                "company_id": original.company_id.id,
                link: original_id,
                **made,
                "number": number,
                "number_year": today.year,
                "source_code": original.code,
                "made_by_id": self.env.uid,
                "made_on": today,
            }

        return create_numbered(
            self.sudo(),
            original.company_id.id,
            today.year,
            ("company_id", "number_year", "number"),
            values,
        )
