import itertools

import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestTrail(DocflowCase):
    def test_chain_links_every_row_to_the_previous(self):
        document = self.walk(self.make_draft(), "issued")
        rows = document.approval_ids
        self.assertFalse(rows[0].previous_hash)
        for previous, row in itertools.pairwise(rows):
            self.assertEqual(row.previous_hash, previous.hash)
        self.assertFalse(document.check_trail())
        self.assertTrue(document.trail_intact)

    def _bypass_append_only(self):
        """What an attacker owning the table would do first (rolled back with the test)."""
        self.env.cr.execute("ALTER TABLE snn_approval DISABLE TRIGGER snn_approval_append_only")

    def test_sql_cannot_change_the_trail(self):
        document = self.walk(self.make_draft(), "approved")
        row = document.approval_ids[0]
        for statement in (
            "UPDATE snn_approval SET comment = 'x' WHERE id = %s",
            "DELETE FROM snn_approval WHERE id = %s",
        ):
            with (
                self.subTest(statement=statement),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.RaiseException),
                self.env.cr.savepoint(),
            ):
                self.env.cr.execute(statement, (row.id,))
        self.assertFalse(document.check_trail())

    def test_an_edited_row_is_detected(self):
        document = self.walk(self.make_draft(), "issued")
        forward = document.approval_ids.filtered(lambda r: r.action == "forward")
        # Someone with database access rewrites who forwarded it.
        self._bypass_append_only()
        self.env.cr.execute(
            "UPDATE snn_approval SET user_id = %s WHERE id = %s", (self.manager.id, forward.id)
        )
        self.env.invalidate_all()
        self.assertEqual(document.check_trail(), forward)
        self.assertFalse(document.trail_intact)

    def test_a_deleted_row_is_detected(self):
        document = self.walk(self.make_draft(), "issued")
        forward = document.approval_ids.filtered(lambda r: r.action == "forward")
        self._bypass_append_only()
        self.env.cr.execute("DELETE FROM snn_approval WHERE id = %s", (forward.id,))
        self.env.invalidate_all()
        self.assertTrue(document.check_trail(), "the row after the gap no longer links")

    def test_trail_check_only_on_visible_documents(self):
        secret = self.walk(self.make_draft(confidentiality="secret"), "issued")
        self.assertFalse(secret.with_user(self.drafter).check_trail())
        with self.assertRaises(AccessError):
            secret.with_user(self.drafter2).check_trail()

    def test_nobody_edits_or_deletes_the_trail(self):
        document = self.walk(self.make_draft(), "approved")
        row = document.approval_ids[0]
        for user in (self.drafter, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesExactly(UserError):
                    row.with_user(user).write({"comment": "rewritten"})
                with self.assertRaisesExactly(AccessError):  # no role may delete rows at all
                    row.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["snn.approval"].with_user(user).create(
                        {
                            "document_id": document.id,
                            "user_id": user.id,
                            "action": "approve",
                            "from_state": "x",
                            "to_state": "y",
                            "timestamp": "2019-01-01 00:00:00",
                        }
                    )
        # Not even the superuser, through the ORM.
        with self.assertRaisesExactly(UserError):
            row.sudo().write({"comment": "rewritten"})
        with self.assertRaisesExactly(UserError):
            row.sudo().unlink()
        self.assertFalse(document.check_trail())

    def test_a_row_proves_the_register_at_its_step(self):
        document = self.walk(self.make_draft(), "issued")
        issue = document.approval_ids.filtered(lambda r: r.action == "issue")
        self.assertEqual(
            (issue.register_id, issue.number, issue.number_year, issue.code, issue.issue_date),
            (document.register_id, 1, document.number_year, "01/SNN-VP", document.issue_date),
        )
        self.assertEqual(issue.file_sha256, document.approved_sha256)
        self._bypass_append_only()
        for column, value in (
            ("number", 2),
            ("code", "'02/SNN-VP'"),
            ("number_year", 2018),
            ("issue_date", "'2019-01-01'"),
            ("register_id", self.register_secret.id),
            ("file_sha256", "'" + "0" * 64 + "'"),
        ):
            with self.subTest(column=column):
                savepoint = self.env.cr.savepoint()
                self.env.cr.execute(
                    f"UPDATE snn_approval SET {column} = {value} WHERE id = %s",
                    (issue.id,),
                )
                self.env.invalidate_all()
                self.assertEqual(document.check_trail(), issue)
                self.assertFalse(document.trail_intact)
                savepoint.close(rollback=True)
                self.env.invalidate_all()
                self.assertTrue(document.trail_intact)

    def test_rows_cut_off_at_the_end_are_detected(self):
        document = self.walk(self.make_draft(), "issued")
        last = document.approval_ids.sorted("id")[-1]
        self._bypass_append_only()
        self.env.cr.execute("DELETE FROM snn_approval WHERE id = %s", (last.id,))
        self.env.invalidate_all()
        self.assertFalse(document.check_trail(), "what remains is a valid chain…")
        self.assertFalse(document.trail_intact, "…that no longer reaches the document's head")
        self.assertIn("missing", " ".join(document._trail_problems()))

    def test_a_whole_trail_deleted_is_detected(self):
        document = self.walk(self.make_draft(), "issued")
        self._bypass_append_only()
        self.env.cr.execute("DELETE FROM snn_approval WHERE document_id = %s", (document.id,))
        self.env.invalidate_all()
        self.assertFalse(document.trail_intact)
        self.env.cr.execute(
            "UPDATE snn_document SET trail_head_hash = NULL WHERE id = %s", (document.id,)
        )
        self.env.invalidate_all()
        self.assertFalse(document.trail_intact, "an issued document without a trail")

    def test_check_trail_button_says_what_it_found(self):
        document = self.walk(self.make_draft(), "issued")
        action = document.with_user(self.drafter).action_check_trail()
        self.assertEqual(action["params"]["type"], "success")
        self._bypass_append_only()
        self.env.cr.execute(
            "DELETE FROM snn_approval WHERE id = %s", (document.approval_ids.sorted("id")[-1].id,)
        )
        self.env.invalidate_all()
        action = document.with_user(self.drafter).action_check_trail()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("missing", action["params"]["message"])
