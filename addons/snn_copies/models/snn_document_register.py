"""The outgoing register's note column names the electronic copies made of a document."""

from odoo import models


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def _register_links(self):
        links = super()._register_links()
        copies = self.sudo().copy_ids.sorted(lambda c: (c.number_year, c.number))
        if copies:
            links.append(self.env._("Copies: %s", ", ".join(copies.mapped("code"))))
        return links
