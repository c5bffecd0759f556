"""One print request is one print: the clerk's print dialog (the wizard) records its copies
once, however often its button is pressed or its call replayed over RPC; a new request is a
new print."""

from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ReportCase

RECORDED = "3 paper copies recorded; file copy kept by VT, VP. The file is downloading."
RECORDED_VI = "Đã ghi sổ 3 bản giấy; bản lưu do VT, VP giữ. Tệp đang được tải về."


@tagged("post_install", "-at_install")
class TestPaperPrintOnce(HttpCase, ReportCase):
    def call(self, user, model, method, args):
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user set it
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, args
        )

    def print_rows(self, document):
        return document.approval_ids.filtered(lambda r: r.action == "print_paper")

    def test_the_same_request_twice_records_once(self):
        document = self.issue_to(self.unit_khtc)
        wizard = self.call(
            self.clerk, "snn.paper.print", "create", [{"document_id": document.id, "copies": 3}]
        )
        first = self.call(self.clerk, "snn.paper.print", "action_print", [[wizard]])
        again = self.call(self.clerk, "snn.paper.print", "action_print", [[wizard]])
        self.env.invalidate_all()
        self.assertRecordValues(document, [{"paper_copies": 3, "file_copy_holder": "VT, VP"}])
        self.assertEqual(len(self.print_rows(document)), 1, "one trail row for one print")
        # The first press says what was recorded, then downloads and closes the dialog.
        self.assertEqual(first["tag"], "display_notification")
        self.assertEqual(first["params"]["message"], RECORDED)
        download = first["params"]["next"]
        self.assertEqual(download["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/snn.document/{document.id}/signed_file", download["url"])
        self.assertEqual((download["target"], download["close"]), ("new", True))
        # The replay records nothing and says so; the file is offered again.
        self.assertNotIn("3 paper copies recorded", again["params"]["message"])
        self.assertIn("recorded already", again["params"]["message"])
        self.assertEqual(again["params"]["next"], download)
        # Printing again later is a new request, and a new print.
        later = self.call(
            self.clerk, "snn.paper.print", "create", [{"document_id": document.id, "copies": 2}]
        )
        self.call(self.clerk, "snn.paper.print", "action_print", [[later]])
        self.env.invalidate_all()
        self.assertEqual(document.paper_copies, 5)
        self.assertEqual(len(self.print_rows(document)), 2)

    def test_another_clerk_cannot_replay_my_request(self):
        document = self.issue_to(self.unit_khtc)
        wizard = self.call(
            self.clerk, "snn.paper.print", "create", [{"document_id": document.id, "copies": 3}]
        )
        other = new_test_user(self.env, "t_clerk_b", "snn_docflow.group_clerk")
        with self.assertRaises(Fault):
            self.call(other, "snn.paper.print", "action_print", [[wizard]])
        self.env.invalidate_all()
        self.assertEqual(document.paper_copies, 0)
        self.assertFalse(self.print_rows(document))

    def test_a_vietnamese_clerk_reads_the_confirmation_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["snn_report"], ["vi_VN"])
        self.clerk.lang = "vi_VN"
        document = self.issue_to(self.unit_khtc)
        wizard = (
            self.env["snn.paper.print"]
            .with_user(self.clerk)
            .with_context(lang="vi_VN")
            .create({"document_id": document.id, "copies": 3})
        )
        self.assertEqual(wizard.action_print()["params"]["message"], RECORDED_VI)
        self.assertIn("Tệp đang được tải lại", wizard.action_print()["params"]["message"])
        self.assertEqual(document.paper_copies, 3)
