"""An appendix belongs to its document for life: the drafter's own appendix is not moved into
a document under the director's review (it would be sealed with the organisation's key as that
document's appendix at issue), over RPC as any role, nor by the superuser's code; one is added
only to a draft its user may edit, and that is checked before the file is converted."""

import base64
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.tests.common import DocflowCase, xmlrpc_as
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT, unique_pdf

from .test_office_draft import make_docx


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

    def test_an_appendix_is_added_only_to_a_draft_its_user_may_edit(self):
        from ..models import office_conversion  # noqa: PLC0415

        docx = base64.b64encode(make_docx("Phụ lục cài vào")).decode()
        with patch.object(office_conversion, "to_pdf", wraps=office_conversion.to_pdf) as to_pdf:
            for user in (self.drafter, self.drafter2, self.head, self.clerk):
                with self.subTest(user=user.login), self.assertRaises(Fault):
                    self.xmlrpc(
                        user,
                        "snn.document.attachment",
                        "create",
                        [
                            {
                                "document_id": self.victim.id,
                                "name": "Phụ lục cài vào",
                                "file": docx,
                                "file_name": "cai-vao.docx",
                            }
                        ],
                    )
            self.assertEqual(to_pdf.call_count, 0, "nothing converted for a refused appendix")
        self.assert_nothing_moved()
