"""The document's trail as its users check it: the hash chain of its rows, its head on the
document, and (in modules that add one) an anchor outside the database."""

from odoo import models


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def check_trail(self):
        """Rows of this document's trail that were altered outside Odoo (empty when intact)."""
        self.ensure_one()
        self.check_access("read")  # callable over RPC: only on documents the caller may see
        return self.sudo().approval_ids._broken_links()

    def action_check_trail(self):
        """The "Check trail" button: every proof the trail offers, said to the user."""
        self.ensure_one()
        self.check_access("read")
        problems = self._trail_problems()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Trail of “%s”", self.display_name),
                "message": "\n".join(problems)
                or self.env._("The trail is intact: every step is as it was recorded."),
                "type": "danger" if problems else "success",
                "sticky": bool(problems),
            },
        }

    def _trail_problems(self):
        """What is wrong with this document's trail, in words (empty when intact).

        Altered rows break the hash chain; rows cut off at the end no longer reach the head
        kept on the document; a document past draft without a trail lost it whole. Modules
        that anchor the head outside the database add their check (_trail_anchor_problems).
        """
        self.ensure_one()
        rows = self.sudo().approval_ids
        problems = []
        broken = rows._broken_links()
        if broken:
            problems.append(
                self.env._(
                    "Trail rows changed outside Odoo: %s.",
                    ", ".join(f"#{row.id} ({row.action})" for row in broken),
                )
            )
        last = rows.sorted("id")[-1:]
        if (last.hash or False) != (self.sudo().trail_head_hash or False):
            problems.append(
                self.env._("The last rows of the trail are missing: it ends before its head.")
            )
        if not rows and (self.state != "draft" or self.number):
            problems.append(self.env._("The document has been through steps but has no trail."))
        return problems + self._trail_anchor_problems()

    def _trail_anchor_problems(self):
        """Hook: problems found by an outside anchor of the trail's head (none here)."""
        return []
