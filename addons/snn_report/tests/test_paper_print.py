from odoo.exceptions import AccessError, UserError

from .common import ReportCase


class TestPaperPrint(ReportCase):
    """Paper originals (Art. 18.5): the clerk prints an issued document; the register keeps
    the copies made and who keeps the file copy, and nobody else writes them."""

    def test_the_clerk_prints_the_signed_pdf_and_the_copies_add_up(self):
        document = self.issue_to(self.unit_khtc, self.partner)
        wizard = (
            self.env["snn.paper.print"].with_user(self.clerk).create({"document_id": document.id})
        )
        self.assertEqual(wizard.file_copy_holder, "VT, VP", "as the seed's 'Lưu: VT, VP.'")
        self.assertEqual(wizard.copies, 2, "no recipient on paper: the two file copies")
        action = wizard.action_print()["params"]["next"]
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/snn.document/{document.id}/signed_file", action["url"])
        self.assertIn("filename=01-SNN-VP.pdf", action["url"])
        document.with_user(self.clerk).action_print_paper(3, "VT, KHTC")
        self.assertRecordValues(
            document, [{"paper_copies": 5, "file_copy_holder": "VT, KHTC", "state": "issued"}]
        )
        self.assertTrue(document.first_printed_at)
        rows = document.approval_ids.filtered(lambda r: r.action == "print_paper")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.mapped("user_id"), self.clerk)
        self.assertIn("3 paper copies printed; file copy kept by VT, KHTC.", rows.mapped("comment"))
        self.assertEqual(document._trail_problems(), [], "the signed trail head still verifies")

    def test_a_paper_issue_prints_the_approved_pdf_with_one_copy_per_paper_recipient(self):
        document = self.issue_on_paper(self.unit_khtc, self.partner)
        wizard = (
            self.env["snn.paper.print"].with_user(self.clerk).create({"document_id": document.id})
        )
        self.assertEqual(wizard.copies, 4, "two recipients on paper and two file copies")
        action = wizard.action_print()["params"]["next"]
        self.assertIn(f"/web/content/snn.document/{document.id}/file?", action["url"])
        self.assertEqual(document.paper_copies, 4)

    def test_secret_documents_print_the_same_way(self):
        document = self.issue_secret(self.unit_khtc)
        document.with_user(self.clerk).action_print_paper(2, "VT")
        self.assertEqual(document.paper_copies, 2)

    def test_only_a_clerk_prints_and_only_an_issued_document(self):
        document = self.issue_to(self.unit_khtc)
        for user in (self.drafter, self.head, self.director):
            with self.assertRaises(AccessError, msg=user.name):
                document.with_user(user).action_print_paper(1, "VT")
            with self.assertRaises(AccessError, msg=user.name):
                self.env["snn.paper.print"].with_user(user).create({"document_id": document.id})
        approved = self.walk(self.make_letter(), "approved")
        with self.assertRaises(UserError):
            approved.with_user(self.clerk).action_print_paper(1, "VT")
        document.with_user(self.clerk).action_recall("Thay thế")
        with self.assertRaises(UserError):
            document.with_user(self.clerk).action_print_paper(1, "VT")
        self.assertEqual(document.paper_copies, 0)

    def test_the_counts_are_written_by_the_step_only(self):
        document = self.issue_to(self.unit_khtc)
        for user in (self.clerk, self.manager):
            with self.assertRaises(AccessError):
                document.with_user(user).write({"paper_copies": 100})
            with self.assertRaises(AccessError):
                document.with_user(user).write({"file_copy_holder": "Nobody"})
        for copies, holder in (
            (0, "VT"),
            (-2, "VT"),
            (1000, "VT"),
            ("3", "VT"),
            (True, "VT"),
            (2, "  "),
        ):
            with self.assertRaises(UserError, msg=repr((copies, holder))):
                document.with_user(self.clerk).action_print_paper(copies, holder)
        self.assertRecordValues(document, [{"paper_copies": 0, "file_copy_holder": False}])
        self.assertFalse(document.approval_ids.filtered(lambda r: r.action == "print_paper"))
