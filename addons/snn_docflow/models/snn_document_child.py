"""Records that hang off a document (recipient lines, appendices, deliveries, signatures,
trail rows and anchors, …) belong to it for life.

The rights on such a record are its document's rights: a drafter edits the recipient lines of
their own draft, nobody writes a signature. A record that could be moved would carry those
rights along: a line written in one's own draft, then moved into a document under the
director's review, is sent (or sealed) with that document. So the link to the parent is set
at creation and never changed, by anybody (the superuser's code included: no step moves a
part of a document), and whether the user may add a part is asked of the parent it is added
to, before anything else happens (snn_office converts an uploaded file only after that).
"""

from odoo import api, models
from odoo.exceptions import UserError


class SnnDocumentChild(models.AbstractModel):
    _name = "snn.document.child"
    _inherit = ["snn.step.defaults"]
    _description = "Part of an Outgoing Document"

    # The Many2one fields that tie a record to what it is part of (set once, at creation).
    _snn_parent_fields = ("document_id",)
    # The parent whose record rules are this record's (models/ir_rule.py): a part is read and
    # changed exactly as its document. A tuple of links: as whichever of them is set (a part
    # of one of several kinds of record). None for a model with rules of its own.
    _snn_rules_from = "document_id"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_can_add_to(self._parents_in(vals_list))
        return super().create(vals_list)

    def write(self, vals):
        # The user's own right first: the refusal below names the record and its parent.
        self.check_access("write")
        self._check_parents_kept(vals)
        return super().write(vals)

    def _parents_in(self, vals_list):
        """{parent field: records named in ``vals_list``}, as the caller's environment."""
        parents = {}
        for name in self._snn_parent_fields:
            ids = {getattr(vals[name], "id", vals[name]) for vals in vals_list if vals.get(name)}
            parents[name] = self.env[self._fields[name].comodel_name].browse(sorted(ids))
        return parents

    def _check_can_add_to(self, parents):
        """Hook: refuse, before the record exists, a part added to a parent the user may not
        change (``parents``: {field: records}). Models users never create (deliveries,
        signatures, trail rows) rely on their access rights and add nothing here."""

    def _kept_fields(self):
        """Hook: the fields set once, at creation, and never changed: the links to the parents;
        a model adds what follows them (a stored related field of its parent)."""
        return self._snn_parent_fields

    def _check_parents_kept(self, vals):
        for name in self._kept_fields():
            if name not in vals:
                continue
            new_id = getattr(vals[name], "id", vals[name]) or False
            moved = self.filtered(
                lambda record, name=name, new_id=new_id: record[name].id != new_id
            )
            if moved:
                raise UserError(
                    self.env._(
                        "“%(record)s” (%(model)s) belongs to “%(parent)s” for good: it cannot "
                        "be moved to another record. Add a new one there instead.",
                        record=moved[0].sudo().display_name,
                        model=self.env["ir.model"]._get(self._name).name,
                        parent=moved[0].sudo()[name].display_name,
                    )
                )
