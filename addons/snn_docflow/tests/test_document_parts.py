"""A part of a document (here a recipient line) belongs to it for life: moved by nobody, over
RPC as each role, through the line or through a document's One2many, nor by the superuser's
code. (snn_signing's test_attachment_parts.py tests the same for appendices.)"""

import base64
from xmlrpc.client import Fault

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import DocflowCase, xmlrpc_as
from .test_chain_guards import FORGED_CONTEXT, unique_pdf


@tagged("post_install", "-at_install")
class TestDocumentParts(HttpCase, DocflowCase):
    def xmlrpc(self, user, model, method, args):
        return xmlrpc_as(self, user, model, method, args, FORGED_CONTEXT)

    def setUp(self):
        super().setUp()
        self.own_draft = self.make_draft(subject="Nháp của người soạn")
        self.line = self.own_draft.recipient_ids.filtered("partner_id")
        # Another document, under the director's review and then approved: its recipients
        # get the signed PDF at issue.
        self.victim = self.walk(
            self.make_draft(subject="Văn bản khác", file=base64.b64encode(unique_pdf())),
            "approved",
        )
        self.victim_lines = self.victim.recipient_ids

    def assert_nothing_moved(self):
        self.env.invalidate_all()
        self.assertEqual(self.line.document_id, self.own_draft)
        self.assertEqual(self.victim.recipient_ids, self.victim_lines)

    def test_a_recipient_line_is_not_moved_into_another_document(self):
        attacks = {
            "write the line": (
                "snn.document.recipient",
                "write",
                [self.line.ids, {"document_id": self.victim.id}],
            ),
            "link it from the other document": (
                "snn.document",
                "write",
                [self.victim.ids, {"recipient_ids": [(4, self.line.id, 0)]}],
            ),
            "set the other document's lines": (
                "snn.document",
                "write",
                [
                    self.victim.ids,
                    {"recipient_ids": [(6, 0, (self.victim_lines | self.line).ids)]},
                ],
            ),
        }
        for user in (self.drafter, self.head, self.director, self.clerk, self.manager):
            for name, (model, method, args) in attacks.items():
                with self.subTest(user=user.login, attack=name):
                    with self.assertRaises(Fault):
                        self.xmlrpc(user, model, method, args)
                    self.assert_nothing_moved()

    def test_not_even_the_superusers_code_moves_a_line(self):
        for target in (self.victim, self.make_draft(subject="Nháp khác")):
            with self.subTest(target=target.subject), self.assertRaises(UserError):
                self.line.sudo().write({"document_id": target.id})
        self.assert_nothing_moved()

    def test_a_line_is_added_only_where_its_user_may_edit(self):
        with self.assertRaises(Fault):
            self.xmlrpc(
                self.drafter,
                "snn.document.recipient",
                "create",
                [{"document_id": self.victim.id, "partner_id": self.partner.id}],
            )
        self.assert_nothing_moved()
        # What the drafter may do stays possible: a line of their own draft changes.
        self.xmlrpc(
            self.drafter, "snn.document.recipient", "write", [self.line.ids, {"purpose": "action"}]
        )
        self.assertEqual(self.line.purpose, "action")
