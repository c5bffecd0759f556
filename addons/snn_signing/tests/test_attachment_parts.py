"""An appendix belongs to its document for life: the drafter's own appendix is not moved into
a document under the director's review (it would be sealed with the organisation's key as that
document's appendix at issue), over RPC as any role, nor by the superuser's code. (One is added
only to a draft its user may edit, before its file is converted: snn_office's
test_attachment_office.py.)"""

import base64
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.tests.common import DocflowCase, xmlrpc_as
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT, unique_pdf


@tagged("post_install", "-at_install")
class TestAttachmentParts(HttpCase, DocflowCase):
    def xmlrpc(self, user, model, method, args):
        return xmlrpc_as(self, user, model, method, args, FORGED_CONTEXT)

    def setUp(self):
        super().setUp()
        self.own_draft = self.make_draft(
            subject="Nháp có phụ lục",
            attachment_ids=[
                Command.create(
                    {
                        "name": "Phụ lục của người soạn",
                        "file": base64.b64encode(unique_pdf()),
                        "file_name": "phu-luc.pdf",
                    }
                )
            ],
        )
        self.appendix = self.own_draft.attachment_ids
        self.victim = self.walk(
            self.make_draft(subject="Văn bản đang chờ duyệt", file=base64.b64encode(unique_pdf())),
            "director_review",
        )

    def assert_nothing_moved(self):
        self.env.invalidate_all()
        self.assertEqual(self.appendix.document_id, self.own_draft)
        self.assertFalse(self.victim.attachment_ids)

    def test_an_appendix_is_not_moved_into_a_document_under_review(self):
        attacks = {
            "write the appendix": (
                "snn.document.attachment",
                "write",
                [self.appendix.ids, {"document_id": self.victim.id}],
            ),
            "link it from the other document": (
                "snn.document",
                "write",
                [self.victim.ids, {"attachment_ids": [(4, self.appendix.id, 0)]}],
            ),
        }
        for user in (self.drafter, self.head, self.director, self.manager):
            for name, (model, method, args) in attacks.items():
                with self.subTest(user=user.login, attack=name):
                    with self.assertRaises(Fault):
                        self.xmlrpc(user, model, method, args)
                    self.assert_nothing_moved()
        with self.assertRaises(UserError):
            self.appendix.sudo().write({"document_id": self.victim.id})
        self.assert_nothing_moved()
        # Approved, the document under review carries no appendix of the drafter's.
        self.victim.with_user(self.director).action_approve()
        self.assertFalse(self.victim.attachment_ids)
