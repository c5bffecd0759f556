"""Deleting: only a fresh draft goes, anything with a trail is cancelled instead."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestDeleting(DocflowCase):
    def test_only_a_fresh_draft_by_its_drafter_or_a_manager(self):
        mine = self.make_draft()
        with self.assertRaises(AccessError):  # not even visible to another drafter
            mine.with_user(self.drafter2).unlink()
        mine.with_user(self.drafter).unlink()
        self.assertFalse(mine.exists())
        managed = self.make_draft()
        managed.with_user(self.manager).unlink()
        self.assertFalse(managed.exists())

    def test_anything_with_a_trail_gets_a_clear_message(self):
        returned = self.walk(self.make_draft(), "head_review")
        returned.with_user(self.head).action_return("Sửa")
        cases = {
            "returned draft": returned,
            "head_review": self.walk(self.make_draft(), "head_review"),
            "approved": self.walk(self.make_draft(), "approved"),
            "issued": self.walk(self.make_draft(), "issued"),
        }
        cancelled = self.walk(self.make_draft(), "issued")
        cancelled.with_user(self.manager).action_cancel("Sai nơi nhận")
        cases["cancelled"] = cancelled
        for name, document in cases.items():
            for user in (self.drafter, self.manager):
                with self.subTest(case=name, user=user.login):
                    with self.assertRaises(UserError) as caught:
                        document.with_user(user).unlink()
                    self.assertNotIn("psycopg2", str(caught.exception))
            with self.subTest(case=name, user="superuser"):
                with self.assertRaisesExactly(UserError) as caught:
                    document.sudo().unlink()
                self.assertIn("Cancel it instead", str(caught.exception))
            self.assertTrue(document.exists())
