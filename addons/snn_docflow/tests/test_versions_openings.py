"""What Annex VI of Decree 30 asks the system to keep around a draft: each version submitted,
the reviewers' comments (without sending the draft back), and who opened a secret document."""

import base64
import hashlib
from datetime import timedelta
from unittest.mock import patch
from xmlrpc.client import Fault

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import DocflowCase, xmlrpc_as
from .test_chain_guards import FORGED_CONTEXT, unique_pdf

FORM = {"subject": {}, "state": {}, "file": {}}  # what the web client's form asks for


@tagged("post_install", "-at_install")
class TestVersionsAndOpenings(HttpCase, DocflowCase):
    def test_every_submitted_file_is_kept_with_who_and_when(self):
        first = unique_pdf()
        document = self.make_draft(file=base64.b64encode(first))
        document.with_user(self.drafter).action_submit()
        document.with_user(self.head).action_return("Sửa trích yếu và nơi nhận")
        second = unique_pdf()
        document.with_user(self.drafter).write({"file": base64.b64encode(second)})
        document.with_user(self.drafter).action_submit()
        versions = document.with_user(self.head).version_ids.sorted("sequence")
        self.assertEqual(versions.mapped("sequence"), [1, 2])
        self.assertEqual(
            [base64.b64decode(v.file) for v in versions], [first, second], "both, not the last"
        )
        self.assertEqual(
            versions.mapped("sha256"),
            [hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()],
        )
        self.assertEqual(versions.submitted_by_id, self.drafter)
        self.assertEqual(versions.mapped("after_return"), [False, "Sửa trích yếu và nơi nhận"])
        # Read as its document: another unit's drafter sees none of them.
        with self.assertRaises(AccessError):
            versions.with_user(self.drafter2).read(["file"])
        # Nobody changes, deletes or adds one; the database refuses too.
        for user in (self.drafter, self.manager):
            with self.assertRaises(UserError):
                versions[0].with_user(user).write({"file_name": "x.pdf"})
            with self.assertRaises(UserError):
                versions[0].with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["snn.document.version"].with_user(user).create(
                    {"document_id": document.id, "sequence": 9}
                )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error), self.cr.savepoint():
            self.cr.execute("DELETE FROM snn_document_version WHERE id = %s", [versions[0].id])
        # Over XML-RPC with a forged context: refused, nothing added.
        with self.assertRaises(Fault):
            xmlrpc_as(
                self,
                self.manager,
                "snn.document.version",
                "create",
                [[{"document_id": document.id, "sequence": 3}]],
                FORGED_CONTEXT,
            )
        self.assertEqual(len(document.version_ids), 2)

    def test_a_reviewer_comments_without_sending_it_back(self):
        document = self.make_draft()
        document.with_user(self.drafter).action_submit()
        document.with_user(self.head).message_post(
            body="Đề nghị bổ sung căn cứ pháp lý", message_type="comment"
        )
        self.assertEqual(document.state, "head_review")
        self.assertIn("căn cứ pháp lý", document.message_ids[0].body)
        self.assertEqual(document.message_ids[0].author_id, self.head.partner_id)
        # Whoever may not read it may not comment on it.
        with self.assertRaises(AccessError):
            document.with_user(self.drafter2).message_post(body="x", message_type="comment")

    def test_who_opened_a_secret_document_is_kept_for_the_managers(self):
        secret = self.make_draft(confidentiality="secret")
        normal = self.make_draft()
        secret.with_user(self.drafter).web_read(FORM)
        secret.with_user(self.drafter).web_read(FORM)  # saved and reloaded: one opening
        normal.with_user(self.drafter).web_read(FORM)
        secret.with_user(self.drafter).action_submit()
        secret.with_user(self.head).web_read(FORM)
        openings = secret.sudo().opening_ids
        self.assertEqual(openings.mapped("user_id"), self.head | self.drafter)
        self.assertFalse(normal.sudo().opening_ids)
        # Later the same day it is another opening.
        later = fields.Datetime.now() + timedelta(minutes=10)
        with patch.object(fields.Datetime, "now", return_value=later):
            secret.with_user(self.head).web_read(FORM)
        self.assertEqual(len(secret.sudo().opening_ids), 3)
        # Someone who may not read it gets nothing, and leaves no row either.
        with self.assertRaises(AccessError):
            secret.with_user(self.clerk).web_read(FORM)
        self.assertEqual(len(secret.sudo().opening_ids), 3)
        # The managers read the history; the people who opened it do not.
        self.assertEqual(len(secret.with_user(self.manager).opening_ids), 3)
        for user in (self.drafter, self.head):
            with self.assertRaises(AccessError):
                self.env["snn.document.opening"].with_user(user).search([])
        # Nobody plants, changes or wipes a row, over XML-RPC with a forged context either.
        row = secret.sudo().opening_ids[0]
        for method, args in (
            (
                "create",
                [
                    [
                        {
                            "document_id": secret.id,
                            "user_id": self.director.id,
                            "opened_at": "2019-01-01 00:00:00",
                        }
                    ]
                ],
            ),
            ("write", [row.ids, {"user_id": self.director.id}]),
            ("unlink", [row.ids]),
        ):
            with self.subTest(method=method), self.assertRaises(Fault):
                xmlrpc_as(self, self.manager, "snn.document.opening", method, args, FORGED_CONTEXT)
        self.assertEqual(len(secret.sudo().opening_ids), 3)

    def test_a_secret_file_downloaded_by_its_url_is_an_opening(self):
        secret = self.make_draft(confidentiality="secret")
        normal = self.make_draft()
        secret.with_user(self.drafter).action_submit()
        self.authenticate(self.head.login, self.head.login)
        # /web/content is served on a read-only cursor where a replica is configured (as
        # HttpCase simulates): the row is written without making Odoo serve it twice.
        with self.assertNoLogs("odoo.http", "WARNING"):
            for _again in range(2):  # the preview fetching the file again: one row
                response = self.url_open(f"/web/content/snn.document/{secret.id}/file")
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.content.startswith(b"%PDF"))
        rows = secret.sudo().opening_ids
        self.assertEqual(
            [(row.user_id, row.how) for row in rows], [(self.head, "file")], "no form was opened"
        )
        # The form's read over the web client's RPC (web_read: a read-only method) too.
        with self.assertNoLogs("odoo.http", "WARNING"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/snn.document/web_read",
                {
                    "model": "snn.document",
                    "method": "web_read",
                    "args": [secret.ids, FORM],
                    "kwargs": {},
                },
            )
        self.assertEqual(
            sorted(secret.sudo().opening_ids.mapped("how")), ["file", "form"], "one of each"
        )
        # The stored attachment by its own id, and a version submitted: the same document.
        attachment = self.stored_file(secret)
        version = secret.sudo().version_ids
        self.authenticate(self.drafter.login, self.drafter.login)
        response = self.url_open(f"/web/content/snn.document.version/{version.id}/file")
        self.assertEqual(response.status_code, 200)
        response = self.url_open(f"/web/content/{attachment.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            secret.sudo().opening_ids.filtered(lambda r: r.user_id == self.drafter).mapped("how"),
            ["file"],
        )
        # Who may not read it gets no file, and leaves no row; a normal document logs nothing.
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(f"/web/content/snn.document/{secret.id}/file")
        self.assertNotEqual(response.status_code, 200)
        self.url_open(f"/web/content/snn.document/{normal.id}/file")
        self.assertFalse(secret.sudo().opening_ids.filtered(lambda r: r.user_id == self.clerk))
        self.assertFalse(normal.sudo().opening_ids)
