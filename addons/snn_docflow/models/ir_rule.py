"""A part of a document is seen and changed exactly as its document: its record rules are
the document's, written once here instead of copied onto every part.

Odoo applies a delegated parent's rules to its children the same way (``_inherits`` in
``ir.rule._compute_domain``): the parent's rule domain, computed for the current user and
mode, through the link field. A rule ``[('document_id', 'any', [])]`` would not do it: rule
domains are evaluated as superuser, where ``any`` applies no rule on the document.
"""

from odoo import api, models
from odoo.fields import Domain


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _compute_domain(self, model_name, mode="read"):
        domain = super()._compute_domain(model_name, mode)
        link = getattr(self.env.registry[model_name], "_snn_rules_from", None)
        if not link:
            return domain
        if isinstance(link, tuple):  # a part of one of several kinds of parent: as the one set
            return domain & Domain.OR(
                Domain(name, "!=", False) & self._parent_domain(model_name, name, mode)
                for name in link
            )
        return domain & self._parent_domain(model_name, link, mode)

    def _parent_domain(self, model_name, link, mode):
        parent = self.env[model_name]._fields[link].comodel_name
        return Domain(link, "any", self._compute_domain(parent, mode))
