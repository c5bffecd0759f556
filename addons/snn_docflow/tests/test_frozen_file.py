"""The approved PDF is frozen: from submission on, no role and no code path changes its bytes.

The check at issue (SHA-256 of the approved file) catches what changed outside Odoo.
"""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DocflowCase
from .test_chain_guards import unique_pdf


@tagged("post_install", "-at_install")
class TestApprovedBytesAreFrozen(DocflowCase):
    def test_the_pdf_cannot_change_from_submission_on(self):
        other = base64.b64encode(unique_pdf())
        for state in ("head_review", "director_review", "approved", "issued"):
            document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), state)
            original = document.file
            attachment = self.stored_file(document)
            self.assertEqual(len(attachment), 1)
            for user in (self.drafter, self.manager):
                with self.subTest(state=state, user=user.login, path="document"):
                    with self.assertRaisesExactly(UserError):
                        document.with_user(user).write({"file": other})
                for vals in ({"datas": other}, {"raw": b"%PDF-1.4 other"}, {"res_id": 0}):
                    with self.subTest(state=state, user=user.login, path=f"attachment {vals}"):
                        with self.assertRaises(UserError):  # refusal or Odoo's access error
                            attachment.with_user(user).write(vals)
                with self.subTest(state=state, user=user.login, path="unlink"):
                    with self.assertRaises(UserError):
                        attachment.with_user(user).unlink()
            with self.subTest(state=state, path="superuser"):
                with self.assertRaisesExactly(UserError):
                    attachment.sudo().write({"datas": other})
                with self.assertRaisesExactly(UserError):
                    attachment.sudo().unlink()
                with self.assertRaisesExactly(UserError):  # a second file in its place
                    self.env["ir.attachment"].sudo().create(
                        {
                            "name": "x.pdf",
                            "datas": other,
                            "res_model": "snn.document",
                            "res_id": document.id,
                            "res_field": "file",
                        }
                    )
                with self.assertRaisesExactly(UserError):  # another file moved into its place
                    self.env["ir.attachment"].sudo().create(
                        {"name": "y.pdf", "datas": other}
                    ).write(
                        {"res_model": "snn.document", "res_id": document.id, "res_field": "file"}
                    )
            document.invalidate_recordset()
            self.assertEqual(document.file, original)

    def test_a_returned_draft_takes_a_new_file(self):
        document = self.walk(self.make_draft(), "head_review")
        document.with_user(self.head).action_return("Sửa số liệu")
        fixed = unique_pdf()
        document.with_user(self.drafter).write({"file": base64.b64encode(fixed)})
        self.walk(document, "approved")
        self.assertEqual(base64.b64decode(document.file), fixed)

    def test_approval_records_the_sha256_and_issue_checks_it(self):
        document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), "approved")
        self.assertEqual(document.approved_sha256, document._file_sha256())
        approve = document.approval_ids.filtered(lambda r: r.action == "approve")
        self.assertEqual(approve.file_sha256, document.approved_sha256)

    def test_a_file_changed_in_the_filestore_is_not_issued(self):
        document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), "approved")
        attachment = self.stored_file(document)
        self.assertTrue(attachment.store_fname, "the test needs the file in the filestore")
        with open(attachment._full_path(attachment.store_fname), "wb") as stored:
            stored.write(unique_pdf())  # what someone with access to the disk does
        self.env.invalidate_all()
        before = len(document.approval_ids)
        # No assertRaises savepoint here: in this test the refusal row shares the request's
        # transaction (the document is not committed); test_refusal_committed.py shows it
        # surviving a real rollback.
        try:
            document.with_user(self.clerk).action_issue()
        except UserError as error:
            self.assertIs(type(error), UserError)
            self.assertIn("SHA-256", str(error))
        else:
            self.fail("issued a file that is not the approved one")
        self.assertEqual(document.state, "approved")
        self.assertFalse(document.number)
        refusal = document.approval_ids[before:]
        self.assertEqual(refusal.mapped("action"), ["refuse"])
        self.assertIn("SHA-256", refusal.comment)
        self.assertEqual(refusal.user_id, self.clerk)
        self.assertFalse(document.check_trail())
        following = self.walk(self.make_draft(), "issued")
        self.assertEqual(following.number, 1, "the refusal burnt no number")
