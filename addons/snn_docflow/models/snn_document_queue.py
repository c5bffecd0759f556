"""Where an official lands and what the kanban shows first: their own queue, not a tracker."""

from odoo import api, models

# Open kanban columns: the chain's work in progress. The ends (issued, cancelled, and those
# other modules add, recalled) grow without bound and need no daily look: folded.
OPEN_STATES = ("draft", "head_review", "director_review", "approved")


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
                group["__fold"] = group.get("state") not in OPEN_STATES
        return result
