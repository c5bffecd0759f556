"""The print wizards and reports as side doors: a clerk of another organisation names our
document, register or company in a wizard of theirs (the form's context, the fields), or
asks the report route for a print request that is not theirs. Each is refused before
anything of ours shows; nothing is made (read back as superuser)."""

from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from .common import ReportCase


@tagged("post_install", "-at_install")
class TestReportSideDoors(HttpCase, ReportCase):
    def password(self, user):
        return user.login + "x" * (8 - len(user.login))  # as new_test_user set it

    def call(self, user, model, method, args, kwargs=None):
        kwargs = {"context": FORGED_CONTEXT, **(kwargs or {})}
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, self.password(user), model, method, args, kwargs
        )

    def refused(self, user, model, method, args, kwargs=None):
        with self.assertRaises(Fault, msg=f"{user.login} {model}.{method}") as caught:
            self.call(user, model, method, args, kwargs)
        return caught.exception.faultString

    def test_the_paper_print_wizard_never_shows_another_organisations_document(self):
        document = self.issue_to(self.unit_khtc, subject="Kế hoạch tài chính năm 2027")
        spec = {"document_id": {}, "code": {}, "issue_date": {}, "esign": {}, "copies": {}}
        context = {**FORGED_CONTEXT, "default_document_id": document.id}
        before = self.env["snn.paper.print"].search_count([])
        # clerk2 keeps the paper of another organisation (Sở Xây dựng).
        for door, method, args, kwargs in (
            ("default_get", "default_get", [list(spec)], {"context": context}),
            ("onchange", "onchange", [[], {}, [], spec], {"context": context}),
            (
                "onchange with the field",
                "onchange",
                [[], {"document_id": document.id}, [], spec],
                {},
            ),
            ("create", "create", [{"document_id": document.id}], {}),
        ):
            with self.subTest(door=door):
                message = self.refused(self.clerk2, "snn.paper.print", method, args, kwargs)
                self.assertIn("You may not read", message)
                self.assertNotIn(document.code, message)
                self.assertNotIn("Kế hoạch tài chính", message)
        self.assertEqual(self.env["snn.paper.print"].search_count([]), before)
        self.assertEqual(document.paper_copies, 0)
        # Our clerk opens it as before.
        values = self.call(
            self.clerk,
            "snn.paper.print",
            "onchange",
            [[], {}, [], spec],
            {"context": {"default_document_id": document.id}},
        )["value"]
        self.assertEqual(values["code"], document.code)

    def test_the_register_and_period_wizards_never_name_another_organisations_records(self):
        self.issue_to(self.unit_khtc)
        before = (
            self.env["snn.register.print"].search_count([]),
            self.env["snn.period.report"].search_count([]),
        )
        for message in (
            self.refused(
                self.clerk2, "snn.register.print", "create", [{"register_id": self.register.id}]
            ),
            self.refused(
                self.clerk2,
                "snn.register.print",
                "onchange",
                [[], {}, [], {"register_id": {"fields": {"display_name": {}}}}],
                {"context": {"default_register_id": self.register.id}},
            ),
            self.refused(
                self.clerk2,
                "snn.period.report",
                "create",
                [{"company_id": self.company.id, "period": "year", "year": 2026}],
            ),
        ):
            self.assertIn("You may not read", message)
            self.assertNotIn(self.register.name, message)
        after = (
            self.env["snn.register.print"].search_count([]),
            self.env["snn.period.report"].search_count([]),
        )
        self.assertEqual(after, before)

    def test_a_report_is_rendered_only_for_a_print_request_its_user_may_read(self):
        self.issue_to(self.unit_khtc)
        ours = self.call(
            self.clerk, "snn.register.print", "create", [{"register_id": self.register.id}]
        )
        for user in (self.clerk2, self.manager, self.drafter):
            with self.subTest(user=user.login):
                self.authenticate(user.login, self.password(user))
                response = self.url_open(f"/report/html/snn_report.register_document/{ours}")
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(self.register.name, response.text)
        self.authenticate(self.clerk.login, self.password(self.clerk))
        response = self.url_open(f"/report/html/snn_report.register_document/{ours}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.register.name, response.text)
