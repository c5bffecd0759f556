"""Where an official lands and what the kanban shows first: their own queue, not a tracker."""

from odoo import api, models

# Folded kanban columns: the ends of the chain grow without bound and need no daily look.
FOLDED_STATES = ("issued", "cancelled")


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def action_open_my_queue(self):
        """The app's front door (its root menu): what waits for a head, a director or a clerk;
        their own documents for a drafter, whose work starts with writing."""
        user = self.env.user
        reviewer = user.has_group("snn_docflow.group_head") or user.has_group(
            "snn_docflow.group_clerk"
        )
        queue = "snn_document_action_waiting" if reviewer else "snn_document_action_mine"
        return self.env["ir.actions.act_window"]._for_xml_id(f"snn_docflow.{queue}")

    def _web_read_group_format(self, groupby, aggregates, groups):
        result = super()._web_read_group_format(groupby, aggregates, groups)
        if groupby and groupby[0] == "state":
            for group in result:
                group["__fold"] = group.get("state") in FOLDED_STATES
        return result
