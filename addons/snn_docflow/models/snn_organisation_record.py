"""A register, a document type (and any settings record of one organisation) stays in the
organisation it was made for.

Odoo checks a write against the record rules of the record as it is, not as it will be: the
manager of one organisation could otherwise hand its register, with its numbers, to another
organisation of the database (or take one over, once it is theirs). An organisation's records
are made in it and never moved, by anybody.
"""

from odoo import models
from odoo.exceptions import UserError


class SnnOrganisationRecord(models.AbstractModel):
    _name = "snn.organisation.record"
    _description = "Record of One Organisation"

    def write(self, vals):
        if "company_id" in vals:
            self.check_access("write")  # before a refusal that names the record
            new_id = getattr(vals["company_id"], "id", vals["company_id"]) or False
            moved = self.filtered(lambda record: record.company_id.id != new_id)
            if moved:
                raise UserError(
                    self.env._(
                        "“%(record)s” belongs to %(company)s and stays there: make a new one in "
                        "the other organisation instead.",
                        record=moved[0].sudo().display_name,
                        company=moved[0].sudo().company_id.name,
                    )
                )
        return super().write(vals)
