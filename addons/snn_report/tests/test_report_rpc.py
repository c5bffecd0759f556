"""Registers, paper counts and the report as a client attacks them: XML-RPC and HTTP as each
role, with a forged context. Only the steps write the counts; only clerks who may read every
entry get a register; transient print requests belong to whoever made them."""

from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from .common import ReportCase


@tagged("post_install", "-at_install")
class TestReportRpc(HttpCase, ReportCase):
    def call(self, user, model, method, args, kwargs=None):
        kwargs = {"context": FORGED_CONTEXT, **(kwargs or {})}
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, self.password(user), model, method, args, kwargs
        )

    @staticmethod
    def password(user):
        return user.login + "x" * (8 - len(user.login))  # as new_test_user set it

    def refused(self, user, model, method, args, kwargs=None):
        with self.assertRaises(Fault, msg=f"{user.login} {model}.{method}"):
            self.call(user, model, method, args, kwargs)

    def test_nobody_but_the_print_step_writes_the_paper_counts(self):
        document = self.issue_to(self.unit_khtc)
        for user in (self.drafter, self.head, self.director, self.clerk, self.manager):
            self.refused(user, "snn.document", "write", [document.ids, {"paper_copies": 9}])
            self.refused(user, "snn.document", "write", [document.ids, {"file_copy_holder": "X"}])
            self.refused(user, "snn.document", "_do_print_paper", [document.ids, 9, "X"])
        for user in (self.drafter, self.head, self.director, self.outsider):
            self.refused(user, "snn.document", "action_print_paper", [document.ids, 2, "VT"])
            self.refused(user, "snn.paper.print", "create", [{"document_id": document.id}])
        self.assertEqual(document.paper_copies, 0)
        self.call(self.clerk, "snn.document", "action_print_paper", [document.ids, 2, "VT, VP"])
        self.assertRecordValues(document, [{"paper_copies": 2, "file_copy_holder": "VT, VP"}])

    def test_only_clerks_who_may_read_every_entry_get_a_register(self):
        self.issue_to(self.unit_khtc)
        self.issue_secret(self.unit_khtc)
        for user in (self.drafter, self.head, self.director, self.outsider):
            for register in (self.register, self.register_secret):
                self.refused(user, "snn.register.print", "create", [{"register_id": register.id}])
            self.refused(
                user,
                "snn.register",
                "_register_entries",
                [self.register.ids, "2026-01-01", "2026-12-31"],
            )
        # A clerk of another organisation names our register in a print request of theirs.
        self.refused(
            self.clerk2, "snn.register.print", "create", [{"register_id": self.register.id}]
        )
        # Our clerk prints; nobody else reads the clerk's request or its spreadsheet.
        ours = self.call(
            self.clerk, "snn.register.print", "create", [{"register_id": self.register_secret.id}]
        )
        self.call(self.clerk, "snn.register.print", "action_export_xlsx", [[ours]])
        for user in (self.manager, self.clerk2):
            self.refused(user, "snn.register.print", "read", [[ours], ["xlsx_file"]])
            self.refused(user, "snn.register.print", "action_export_xlsx", [[ours]])
        self.authenticate(self.manager.login, self.password(self.manager))
        response = self.url_open(f"/web/content/snn.register.print/{ours}/xlsx_file")
        self.assertNotEqual(response.status_code, 200)
        response = self.url_open(f"/report/html/snn_report.register_document/{ours}")
        self.assertNotIn("SỔ ĐĂNG KÝ VĂN BẢN ĐI", response.text)

    def test_only_clerks_and_managers_read_the_report(self):
        self.issue_to(self.unit_khtc)
        for user in (self.drafter, self.head, self.director, self.outsider):
            self.refused(user, "snn.document.report", "search_read", [[]], {"fields": ["code"]})
            self.refused(user, "snn.period.report", "create", [{"period": "year", "year": 2026}])
            self.refused(
                user,
                "snn.document.report",
                "formatted_read_group",
                [[], ["department_id"], ["issued_count:sum"]],
            )
        for user in (self.clerk, self.manager):
            rows = self.call(user, "snn.document.report", "search_read", [[]], {"fields": ["code"]})
            self.assertEqual(len(rows), 1)
        self.assertEqual(
            self.call(
                self.clerk2, "snn.document.report", "search_read", [[]], {"fields": ["code"]}
            ),
            [],
            "another organisation's clerk counts none of ours",
        )
        for user in (self.clerk, self.manager):
            self.refused(user, "snn.document.report", "create", [{"code": "99/X"}])
