"""Replacing and correcting attacked as a client would: over XML-RPC with a forged context,
as each role that may not, and by linking a draft to an issued document by hand. Every
refusal leaves the original and the documents as they were (re-read as the superuser)."""

from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import DocflowCase, xmlrpc_as
from .test_chain_guards import FORGED_CONTEXT


@tagged("post_install", "-at_install")
class TestReplaceOverRpc(HttpCase, DocflowCase):
    def setUp(self):
        super().setUp()
        self.original = self.walk(self.make_draft(), "issued").with_env(self.env)
        self.assertEqual(self.original.state, "issued")

    def rpc(self, user, method, args):
        return xmlrpc_as(self, user, "snn.document", method, args, FORGED_CONTEXT)

    def follow_ups(self):
        return self.env["snn.document"].search(
            ["|", ("replaces_id", "=", self.original.id), ("corrects_id", "=", self.original.id)]
        )

    def test_who_may_not_start_one_gets_nothing(self):
        for user in (self.drafter2, self.clerk, self.director2, self.outsider):
            for method in ("action_replace", "action_correct"):
                with self.subTest(user=user.login, method=method), self.assertRaises(Fault):
                    self.rpc(user, method, [self.original.ids])
        self.assertFalse(self.follow_ups())

    def test_a_draft_is_not_linked_by_hand(self):
        draft = self.make_draft()
        for field in ("replaces_id", "corrects_id", "replaced_by_id"):
            with self.subTest(field=field), self.assertRaises(Fault):
                self.rpc(self.drafter, "write", [draft.ids, {field: self.original.id}])
        values = {
            "subject": "Tự gắn thay thế",
            "document_type_id": self.type_letter.id,
            "department_id": self.unit_vp.id,
            "replaces_id": self.original.id,
        }
        with self.assertRaises(Fault):
            self.rpc(self.drafter, "create", [[values]])
        with self.assertRaises(Fault):
            self.rpc(self.manager, "write", [self.original.ids, {"replaced_by_id": draft.id}])
        self.env.invalidate_all()
        self.assertFalse(self.follow_ups())
        self.assertFalse(self.original.replaced_by_id)

    def test_its_drafter_starts_one_and_gets_the_new_draft(self):
        [draft_id] = self.rpc(self.drafter, "action_replace", [self.original.ids])
        draft = self.env["snn.document"].browse(draft_id)
        self.assertEqual((draft.replaces_id, draft.state), (self.original, "draft"))
        with self.assertRaises(Fault):  # one at a time, over RPC too
            self.rpc(self.manager, "action_replace", [self.original.ids])
        [letter_id] = self.rpc(self.manager, "action_correct", [self.original.ids])
        self.assertEqual(self.env["snn.document"].browse(letter_id).corrects_id, self.original)
