"""The outgoing metadata export (Decree 30 Annex VI's fields, in its order): the numbered
documents of a range that went out, of the current organisation, as the user may read them,
as a spreadsheet and as CSV with the same rows; for clerks and managers only."""

import base64
import csv
import datetime
import io
from datetime import timedelta
from unittest.mock import patch
from xmlrpc.client import Fault

import openpyxl
from pypdf import PdfReader

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.snn_dispatch.tests.common import AGENCY_ORGAN_ID, OUR_ORGAN_ID
from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from .common import ReportCase

COLUMNS = [
    "CodeNumber",
    "CodeNotation",
    "IssuedDate",
    "OrganName",
    "Subject",
    "SignerPosition",
    "SignerName",
    "RecipientOrganIds",
    "RecipientOrganNames",
    "Priority",
    "IssuedAmount",
    "DueDate",
    "PageAmount",
]


def pages_of(data):
    """The page count of a PDF, read here with pypdf (not through the engine)."""
    return len(PdfReader(io.BytesIO(base64.b64decode(data))).pages)


def as_text(value):
    """A cell as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


@tagged("post_install", "-at_install")
class TestMetadataExport(HttpCase, ReportCase):
    def setUp(self):
        super().setUp()
        # 01, e-signed, flash, to a unit of ours and an agency on the exchange; sent.
        self.signed = self.issue_to(self.unit_khtc, self.agency, urgency="flash")
        self.dispatch()
        self.cancelled = self.issue_to(self.unit_khtc)  # 02, cancelled before it was sent
        self.cancelled.with_user(self.clerk).action_cancel("Sai nơi nhận")
        self.recalled = self.issue_to(self.unit_khtc)  # 03, sent, then recalled
        self.dispatch()
        self.recalled.with_user(self.clerk).action_recall("Thay bằng văn bản khác")
        self.paper = self.issue_on_paper(self.partner)  # 04, on paper
        self.secret = self.issue_secret(self.unit_khtc)  # 01 of the confidential register
        self.draft = self.make_letter()  # never numbered
        self.today = vietnam_today()

    def wizard(self, user=None, **values):
        return self.env["snn.metadata.export"].with_user(user or self.clerk).create(values)

    def rows(self, user=None, **values):
        return self.wizard(user, **values)._rows()

    def csv_rows(self, wizard):
        action = wizard.action_export_csv()
        self.assertEqual(action["type"], "ir.actions.act_url")
        data = base64.b64decode(wizard.export_file)
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel")
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    def xlsx_sheet(self, wizard):
        wizard.action_export_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.export_file)))
        return book.active

    def test_the_columns_and_a_known_documents_values(self):
        self.paper.with_user(self.clerk).action_print_paper(3, "VT, VP")
        rows = self.rows()
        self.assertEqual(
            [(r[0], r[1]) for r in rows],
            [
                ("01", "SNN-VP"),
                ("03", "SNN-VP"),
                ("04", "SNN-VP"),
                tuple(self.secret.code.split("/")),
            ],
            "numbered and gone out, in number order per register; the cancelled 02 left out",
        )
        first = dict(zip(COLUMNS, rows[0], strict=True))
        deliveries = self.signed.sudo().delivery_ids
        self.assertEqual(set(deliveries.mapped("channel")), {"internal", "exchange"})
        self.assertTrue(all(deliveries.mapped("sent_at")), "both copies left")
        self.assertEqual(
            first,
            {
                "CodeNumber": "01",
                "CodeNotation": "SNN-VP",
                "IssuedDate": self.today,
                "OrganName": self.company.snn_org_full_name,
                "Subject": self.signed.subject,
                "SignerPosition": "PHÓ GIÁM ĐỐC",
                "SignerName": "Nguyễn Công Hàm",
                "RecipientOrganIds": f"{OUR_ORGAN_ID}; {AGENCY_ORGAN_ID}",
                "RecipientOrganNames": "Kế hoạch - Tài chính; Sở Tài chính tỉnh Tuyên Quang",
                "Priority": 3,
                "IssuedAmount": 2,
                "DueDate": None,
                "PageAmount": pages_of(self.signed.signed_file),
            },
        )
        self.assertGreater(first["PageAmount"], 0)
        self.assertTrue(self.company.snn_org_full_name)
        paper = dict(zip(COLUMNS, rows[2], strict=True))
        self.assertEqual(paper["Priority"], 0)
        self.assertEqual(paper["IssuedAmount"], 3, "three paper copies, nothing electronic")
        self.assertEqual(paper["RecipientOrganIds"], "", "UBND tỉnh has no agency code")
        self.assertEqual(paper["RecipientOrganNames"], "UBND tỉnh Tuyên Quang")
        self.assertEqual(paper["PageAmount"], pages_of(self.paper.file), "the file issued")
        recalled = dict(zip(COLUMNS, rows[1], strict=True))
        self.assertEqual(recalled["IssuedAmount"], 1, "its copy had left before the recall")
        # The secret document is in, as the confidential register prints it: the clerk may
        # read it, and it is numbered in its own register.
        secret = dict(zip(COLUMNS, rows[3], strict=True))
        self.assertEqual(secret["Subject"], self.secret.subject)
        self.assertEqual(secret["IssuedAmount"], 0, "never sent electronically, not printed")

    def test_batches_give_the_same_rows(self):
        wizard = self.wizard()
        whole = wizard._rows()
        with patch("odoo.addons.snn_report.wizards.snn_metadata_export.BATCH", 3):
            self.assertEqual(wizard._rows(), whole, "4 documents read as a batch of 3 and of 1")

    def test_the_page_count_is_stored_at_issue_and_filled_for_older_documents(self):
        self.assertEqual(self.signed.page_count, pages_of(self.signed.signed_file))
        self.assertEqual(self.paper.page_count, pages_of(self.paper.file))
        self.assertFalse(self.draft.page_count)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document SET page_count = NULL WHERE id = %s", [self.signed.id]
        )
        self.signed.invalidate_recordset(["page_count"])
        self.assertEqual(self.rows()[0][-1], pages_of(self.signed.signed_file))
        self.signed.invalidate_recordset(["page_count"])
        self.assertEqual(self.signed.page_count, pages_of(self.signed.signed_file), "kept")

    def test_csv_and_spreadsheet_read_back_as_the_same_rows(self):
        wizard = self.wizard()
        expected = [[as_text(v) for v in row] for row in wizard._rows()]
        self.assertEqual(len(expected), 4)
        read = self.csv_rows(wizard)
        self.assertEqual(read[0], COLUMNS, "one header row, Annex VI's names")
        self.assertEqual(read[1:], expected)
        self.assertEqual(read[1][2], self.today.isoformat(), "ISO 8601 dates")
        sheet = self.xlsx_sheet(wizard)
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(list(values[0]), COLUMNS)
        self.assertEqual([[as_text(v) for v in row] for row in values[1:]], expected)
        self.assertTrue(sheet.cell(2, 3).is_date, "IssuedDate is a real date cell")
        self.assertEqual(sheet.cell(2, 1).value, "01", "the number keeps its leading zero")
        self.assertIsInstance(sheet.cell(2, 10).value, int)
        action = wizard.action_export_xlsx()
        stem = f"metadata-outgoing-{self.today.year}0101-{self.today.year}1231"
        self.assertIn(f"/web/content/snn.metadata.export/{wizard.id}/export_file", action["url"])
        self.assertIn(f"filename={stem}.xlsx", action["url"])
        self.assertIn(f"filename={stem}.csv", wizard.action_export_csv()["url"])

    def test_a_date_range_keeps_only_its_documents(self):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document SET issue_date = issue_date - 40 WHERE id = %s",
            [self.signed.id],
        )
        self.signed.invalidate_recordset(["issue_date"])
        rows = self.rows(date_from=self.today - timedelta(days=10), date_to=self.today)
        self.assertEqual([r[0] for r in rows], ["03", "04", self.secret.code.split("/")[0]])
        rows = self.rows(date_from=self.today - timedelta(days=40), date_to=self.today)
        self.assertEqual(rows[0][0], "01")
        self.assertEqual(rows[0][2], self.today - timedelta(days=40))
        with self.assertRaises(UserError) as caught:
            self.wizard(date_from=self.today, date_to=self.today - timedelta(days=1))
        self.assertIn("ends before it starts", str(caught.exception))

    def test_only_the_current_organisations_documents(self):
        self.assertEqual(self.rows(self.clerk2), [], "another organisation's clerk: none of ours")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE snn_document SET company_id = %s WHERE id = %s",
            [self.company2.id, self.paper.id],
        )
        self.env.invalidate_all()
        # A manager of both organisations exports the one they work in.
        self.manager.write({"company_ids": [Command.link(self.company2.id)]})
        both = [self.company.id, self.company2.id]
        ours = (
            self.env["snn.metadata.export"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=both)
            .create({})
        )
        self.assertEqual([r[0] for r in ours._rows()], ["01", "03", self.secret.code[:2]])
        theirs = (
            self.env["snn.metadata.export"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=both[::-1])
            .create({})
        )
        self.assertEqual([(r[0], r[3]) for r in theirs._rows()], [("04", "Sở Xây dựng")])
        self.assertEqual([r[0] for r in self.rows(self.clerk2)], ["04"], "now theirs")

    def test_who_exports(self):
        for user in (self.drafter, self.head, self.director, self.outsider):
            with self.assertRaises(AccessError, msg=user.name):
                self.wizard(user)
        for user in (self.clerk, self.manager):
            self.assertEqual(len(self.rows(user)), 4)
        wizard = self.wizard()
        for user in (self.manager, self.clerk2, self.director):
            with self.assertRaises(AccessError, msg=user.name):
                wizard.with_user(user).action_export_csv()

    # ------------------------------------------------------------------ over RPC

    def password(self, user):
        return user.login + "x" * (8 - len(user.login))  # as new_test_user set it

    def call(self, user, model, method, args, kwargs=None):
        kwargs = {"context": FORGED_CONTEXT, **(kwargs or {})}
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, self.password(user), model, method, args, kwargs
        )

    def refused(self, user, model, method, args, kwargs=None):
        with self.assertRaises(Fault, msg=f"{user.login} {model}.{method}"):
            self.call(user, model, method, args, kwargs)

    def test_over_rpc_only_clerks_and_managers_and_each_their_own_request(self):
        for user in (self.drafter, self.head, self.director, self.outsider):
            self.refused(user, "snn.metadata.export", "create", [{}])
        before = self.env["snn.metadata.export"].search_count([])
        ours = self.call(self.clerk, "snn.metadata.export", "create", [{}])
        self.call(self.clerk, "snn.metadata.export", "action_export_csv", [[ours]])
        self.assertEqual(self.env["snn.metadata.export"].search_count([]), before + 1)
        for user in (self.drafter, self.head, self.director, self.manager, self.clerk2):
            self.refused(user, "snn.metadata.export", "read", [[ours], ["export_file"]])
            self.refused(user, "snn.metadata.export", "action_export_xlsx", [[ours]])
            self.refused(
                user, "snn.metadata.export", "write", [[ours], {"date_from": "2020-01-01"}]
            )
        self.authenticate(self.manager.login, self.password(self.manager))
        response = self.url_open(f"/web/content/snn.metadata.export/{ours}/export_file")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(self.signed.subject, response.text)
        self.authenticate(self.clerk.login, self.password(self.clerk))
        response = self.url_open(f"/web/content/snn.metadata.export/{ours}/export_file")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.signed.subject, response.content.decode("utf-8-sig"))
        # Nobody writes the page count, whatever their role and context.
        for user in (self.drafter, self.director, self.clerk, self.manager):
            self.refused(user, "snn.document", "write", [self.signed.ids, {"page_count": 99}])
        self.assertEqual(self.signed.page_count, pages_of(self.signed.signed_file))
