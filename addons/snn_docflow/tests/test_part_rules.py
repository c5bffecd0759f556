"""A part of a document (recipient line, trail row, delivery, signature, appendix, …) is read
and changed exactly as the record it hangs off: its rules are its parent's, written once
(models/ir_rule.py), not copied onto each model. Tried for every such model of the installed
add-ons, every role of the access matrix, each mode."""

from odoo.tests import tagged

from .access_matrix_common import AccessMatrixCase


@tagged("post_install", "-at_install")
class TestPartsFollowTheirDocument(AccessMatrixCase):
    def rules_allow(self, record, user, mode):
        """Whether the record rules let ``user`` do ``mode`` on ``record`` (the access rights
        of the model aside: those say what a role may do on any record of it)."""
        domain = self.env["ir.rule"].with_user(user)._compute_domain(record._name, mode)
        return bool(record.sudo().with_context(active_test=False).filtered_domain(domain))

    def test_a_part_is_seen_and_changed_exactly_as_its_parent(self):
        parts = [
            (record, self.env.registry[model_name]._snn_rules_from)
            for model_name, records in sorted(self.world.items())
            if getattr(self.env.registry[model_name], "_snn_rules_from", None)
            for _tag, record in records
        ]
        self.assertTrue({"snn.document.recipient", "snn.approval"} <= {r._name for r, _ in parts})
        for record, rules_from in parts:
            # A part of one of several kinds of record (a copy: of an outgoing or an incoming
            # document) follows the one it has.
            links = rules_from if isinstance(rules_from, tuple) else (rules_from,)
            parent = next(record.sudo()[link] for link in links if record.sudo()[link])
            for role, user in self.users.items():
                for mode in ("read", "write", "create", "unlink"):
                    with self.subTest(model=record._name, role=role, mode=mode):
                        self.assertEqual(
                            self.rules_allow(record, user, mode),
                            self.rules_allow(parent, user, mode),
                        )
        # Not an empty proof: some parts are hidden from some roles, shown to others.
        seen = {self.rules_allow(r, u, "read") for r, _ in parts for u in self.users.values()}
        self.assertEqual(seen, {True, False})

    def test_the_drafter_reads_the_lines_of_their_draft_only(self):
        draft = self.world["snn.document"][0][1]
        lines = draft.recipient_ids
        Recipient = self.env["snn.document.recipient"]
        self.assertEqual(Recipient.with_user(self.drafter).search([("id", "in", lines.ids)]), lines)
        self.assertFalse(Recipient.with_user(self.drafter2).search([("id", "in", lines.ids)]))
        self.assertFalse(Recipient.with_user(self.clerk_b).search([("id", "in", lines.ids)]))
