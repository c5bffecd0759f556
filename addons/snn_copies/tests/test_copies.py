"""Electronic copies as the clerk makes them, and every way around them a client could try:
another role, another organisation, a secret or unissued original, a forged context over
XML-RPC, a planted file, an edit or a deletion. The copies are read back with snn_sign, with
poppler's pdfsig and pdftotext."""

import base64
import subprocess
from xmlrpc.client import Fault

import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today
from odoo.addons.snn_docflow.tests.common import xmlrpc_as
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT
from odoo.addons.snn_incoming.tests.test_paper import paper_values
from odoo.addons.snn_signing.tests.common import pdfsig

from snn_sign import verify_pdf
from snn_sign.extract import pdf_page_count
from snn_sign_testkit.pdf_reading import field_box, words_in_field
from snn_sign_testkit.sample_letter import PAGE_H, make_letter_pdf

from .common import CopyCase


@tagged("post_install", "-at_install")
class TestCopies(CopyCase):
    # ------------------------------------------------------------------ making copies

    def test_each_form_is_sealed_top_right_and_numbered_in_the_series_of_the_year(self):
        document = self.issued()
        year = vietnam_today().year
        sao_y = self.copy_of(document, "sao_y")
        sao_luc = self.copy_of(document, "sao_luc")
        extract = self.copy_of(document, "trich_sao", "1")
        self.assertEqual(
            [(c.number, c.number_year, c.code) for c in (sao_y, sao_luc, extract)],
            [(1, year, "01/SY"), (2, year, "02/SL"), (3, year, "03/TS")],
        )
        self.assertEqual(document.copy_ids, sao_y + sao_luc + extract)
        self.assertEqual(document.copy_count, 3)
        self.assertEqual(sao_y.file_name, f"SY-01-{document.code.replace('/', '-')}.pdf")
        self.assertEqual((extract.pages, sao_y.pages), ("1", False))
        self.assertEqual(sao_y.made_by_id, self.clerk)
        original = base64.b64decode(document.signed_file)
        for copy, label, signatures in (
            (sao_y, "SAO Y", 3),  # the director's, the seal's, the copy's
            (sao_luc, "SAO LỤC", 3),
            (extract, "TRÍCH SAO", 1),  # an extract leaves the original's out
        ):
            with self.subTest(form=copy.form):
                pdf = base64.b64decode(copy.file)
                report = verify_pdf(pdf, self.roots())
                self.assertTrue(report.ok, report.to_dict())
                self.assertEqual(len(report.signatures), signatures)
                output, status = pdfsig(pdf)
                self.assertEqual(status, 0, output)
                self.assertEqual(output.count("Signature is Valid."), signatures, output)
                words = words_in_field(pdf, "CopySignature")
                page, (x1, _y1, _x2, y2) = field_box(pdf, "CopySignature")
                self.assertEqual(page, 0)
                org = self.company.snn_org_full_name or self.company.name
                self.assertEqual(" ".join(words), f"{label} {org} {copy.signing_time}")
                self.assertGreater(x1, 595 / 2, "right half of page 1")
                self.assertGreater(y2, PAGE_H - 72, "its top inch")
                self.assertTrue(copy.signing_time.startswith(f"{year}-"))
                self.assertTrue(copy.signing_time.endswith("+07:00"))
                self.assertIn(self.running.pki.org_name, copy.seal_subject)
        # A full copy is the original, byte for byte, under the copy's seal.
        self.assertTrue(base64.b64decode(sao_y.file).startswith(original))
        self.assertEqual(pdf_page_count(base64.b64decode(extract.file)), 1)
        self.assertIn(
            "01/SY",
            document.message_ids[:3].mapped("body")[-1]
            + "".join(document.message_ids.mapped("body")),
        )

    def test_a_copy_that_fails_takes_no_number(self):
        document = self.issued()
        first = self.copy_of(document)
        for pages in ("2", "", "1-", "a"):
            with self.subTest(pages=pages), self.assertRaisesRegex(UserError, "pages to extract"):
                self.copy_of(document, "trich_sao", pages)
        with self.assertRaisesRegex(UserError, "form of copy"):
            self.copy_of(document, "photocopy")
        # A manager moved the seal to the clerk's PC: refused, said so.
        self.env.cr.execute(
            "UPDATE res_company SET snn_seal_sign_mode = 'local' WHERE id = %s", [self.company.id]
        )
        self.company.invalidate_recordset(["snn_seal_sign_mode"])
        with self.assertRaisesRegex(UserError, "token bridge of the server"):
            self.copy_of(document)
        self.assertFalse(document.with_user(self.clerk).can_make_copy, "no button either")
        with self.assertRaisesRegex(UserError, "token bridge of the server"):
            document.with_user(self.clerk).action_open_copy_wizard()
        self.env.cr.execute(
            "UPDATE res_company SET snn_seal_sign_mode = 'server' WHERE id = %s", [self.company.id]
        )
        self.company.invalidate_recordset(["snn_seal_sign_mode"])
        self.assertEqual(self.copy_of(document).number, first.number + 1, "no gap")

    def test_the_series_continues_within_a_year_and_restarts_on_1_january(self):
        year = vietnam_today().year
        document = self.issued()
        earlier = self.copy_of(document)
        self.env.cr.execute(  # last year's series went up to 41; this year's to 07 elsewhere
            """
            INSERT INTO snn_document_copy
                (company_id, document_id, form, number, number_year, code, create_date)
            VALUES (%s, %s, 'sao_y', 41, %s, '41/SY', now()),
                   (%s, %s, 'sao_y', 7, %s, '07/SY', now())
            """,
            [self.company.id, document.id, year - 1, self.company.id, document.id, year],
        )
        self.assertEqual(earlier.number, 1)
        self.assertEqual(self.copy_of(document).number, 8)

    def test_the_incoming_documents_are_copied_in_the_same_series(self):
        incoming = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(make_letter_pdf(2)))
        )
        with self.assertRaisesRegex(UserError, "register it first"):
            self.copy_of(incoming)
        incoming.with_user(self.clerk).action_register()
        document_copy = self.copy_of(self.issued())
        copy = self.copy_of(incoming, "trich_sao", "2, 1")
        self.assertEqual(copy.number, document_copy.number + 1)
        self.assertEqual((copy.incoming_id, copy.document_id), (incoming, self.env["snn.document"]))
        self.assertEqual((copy.source_code, copy.pages), ("45/UBND-NN", "2, 1"))
        pdf = base64.b64decode(copy.file)
        self.assertTrue(verify_pdf(pdf, self.roots()).ok)
        self.assertEqual(pdf_page_count(pdf), 2)
        self.assertEqual(incoming.copy_ids, copy)

    def test_the_register_and_the_periodic_report_count_them(self):
        document = self.issued()
        first, extract = self.copy_of(document), self.copy_of(document, "trich_sao", "1")
        incoming = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(make_letter_pdf(2)))
        )
        incoming.with_user(self.clerk).action_register()
        with self.assertRaisesRegex(UserError, "made from a sao y"):
            self.copy_of(incoming, "sao_luc")
        self.copy_of(incoming, "sao_y")
        self.copy_of(incoming, "sao_luc")
        self.copy_of(self.issued(), "sao_y")
        # The register: the document's row names its copies.
        self.assertIn(f"Copies: {first.code}, {extract.code}", document._register_note())
        # The periodic report of this year: a table of copies by form, outgoing and incoming.
        today = vietnam_today()
        wizard = (
            self.env["snn.period.report"]
            .with_user(self.clerk)
            .create({"period": "year", "year": today.year})
        )
        table = wizard._extra_tables()[-1]
        self.assertEqual(
            table["rows"],
            [
                ["Sao y", 2, 1, 3],
                ["Sao lục", 0, 1, 1],
                ["Trích sao", 1, 0, 1],
                ["Tổng cộng", 3, 2, 5],
            ],
        )
        last_year = (
            self.env["snn.period.report"]
            .with_user(self.clerk)
            .create({"period": "year", "year": today.year - 1})
        )
        self.assertEqual(last_year._extra_tables()[-1]["rows"][-1], ["Tổng cộng", 0, 0, 0])
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.clerk)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("snn_report.action_report_period", wizard.ids)
        )
        # Row by row as poppler lays the page out.
        lines = [
            " ".join(line.split())
            for line in subprocess.run(
                ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
            )
            .stdout.decode()
            .splitlines()
        ]
        self.assertIn("Bản sao điện tử (số thứ tự riêng của bản sao)", lines)
        for row in ("Sao y 2 1 3", "Sao lục 0 1 1", "Trích sao 1 0 1", "Tổng cộng 3 2 5"):
            self.assertIn(row, lines)

    # ------------------------------------------------------------------ who, and what

    def test_only_a_clerk_of_the_organisation_copies_an_issued_normal_document(self):
        document = self.issued()
        for user in (self.drafter, self.head, self.director, self.clerk_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.copy_of(document, user=user)
        approved = self.walk(self.make_letter(), "approved")
        with self.assertRaises(UserError):
            self.copy_of(approved)
        secret = self.issued(confidentiality="secret")
        with self.assertRaisesRegex(UserError, "copied on paper"):
            self.copy_of(secret)
        originals = document | approved | secret
        self.assertFalse(
            self.env["snn.document.copy"].sudo().search([("document_id", "in", originals.ids)])
        )

    def test_a_secret_document_is_copied_on_paper_in_the_confidential_series(self):
        secret = self.issued(confidentiality="secret").with_env(self.env)
        self.assertFalse(secret.signed_file, "issued on paper")
        normal_copy = self.copy_of(self.issued())  # the electronic series goes on apart
        year = vietnam_today().year

        def paper(
            form="sao_y", copies=2, who=None, reason="Gửi Thanh tra tỉnh", pages=None, user=None
        ):
            return secret.with_user(user or self.clerk).action_make_paper_copy(
                form, copies, (who or self.director).id, reason, pages
            )

        with self.assertRaisesRegex(UserError, "made from a sao y"):
            paper("sao_luc")
        first = paper()
        extract = paper("trich_sao", 1, pages="1")
        second = paper("sao_luc", 1)
        self.assertEqual(
            [(c.number, c.number_year, c.form, c.copies) for c in (first, extract, second)],
            [(1, year, "sao_y", 2), (2, year, "trich_sao", 1), (3, year, "sao_luc", 1)],
        )
        self.assertRecordValues(
            first,
            [
                {
                    "document_id": secret.id,
                    "authorised_by_id": self.director.id,
                    "made_by_id": self.clerk.id,
                    "reason": "Gửi Thanh tra tỉnh",
                    "source_code": secret.code,
                }
            ],
        )
        self.assertEqual(extract.pages, "1")
        self.assertEqual(normal_copy.number, 1, "its own series")
        self.assertEqual(secret.with_user(self.clerk).secret_copy_ids, first | extract | second)
        self.assertFalse(secret.copy_ids, "no electronic copy of it")
        # Each wrong input refused, and no number burnt by it.
        for values, words in (
            ({"copies": 0}, "how many"),
            ({"reason": "  "}, "reason"),
            ({"who": self.clerk}, "authorised by a director"),
            ({"who": self.director2, "form": "photocopy"}, "form of copy"),
            ({"form": "trich_sao", "pages": "9"}, "page"),
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, words):
                paper(**values)
        for user in (self.drafter, self.director, self.clerk_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                paper(user=user)
        with self.assertRaisesRegex(UserError, "not secret"):
            self.issued().with_user(self.clerk).action_make_paper_copy(
                "sao_y", 1, self.director.id, "x"
            )
        self.assertEqual(paper().number, 4, "no gap")
        # Nobody changes or deletes the record; over XML-RPC nobody plants one.
        for user in (self.clerk, self.manager):
            with self.assertRaises(UserError):
                first.with_user(user).write({"copies": 20})
            with self.assertRaises(UserError):
                first.with_user(user).unlink()
        with self.assertRaises(Fault):
            xmlrpc_as(
                self,
                self.manager,
                "snn.secret.copy",
                "create",
                [
                    [
                        {
                            "document_id": secret.id,
                            "company_id": self.company.id,
                            "form": "sao_y",
                            "copies": 1,
                            "number": 99,
                            "authorised_by_id": self.director.id,
                            "reason": "x",
                        }
                    ]
                ],
                FORGED_CONTEXT,
            )
        self.assertEqual(len(secret.sudo().secret_copy_ids), 4)

    def test_the_clerks_dialog_records_paper_copies_of_a_secret_document(self):
        secret = self.issued(confidentiality="secret").with_env(self.env)
        self.assertTrue(secret.with_user(self.clerk).can_make_paper_copy)
        self.assertFalse(secret.with_user(self.clerk).can_make_copy)
        action = secret.with_user(self.clerk).action_open_copy_wizard()
        wizard = (
            self.env["snn.copy.wizard"]
            .with_user(self.clerk)
            .with_context(**action["context"])
            .create({"copies": 3, "authorised_by_id": self.director.id, "reason": "Lưu hồ sơ"})
        )
        self.assertTrue(wizard.on_paper)
        result = wizard.action_make()
        self.assertIn("01", result["params"]["message"])
        self.assertEqual(secret.secret_copy_ids.copies, 3)

    def test_nobody_changes_deletes_or_plants_a_copy(self):
        copy = self.copy_of(self.issued())
        for user in (self.clerk, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):  # AccessError is one
                    copy.with_user(user).write({"code": "99/SY"})
                with self.assertRaises(UserError):
                    copy.with_user(user).unlink()
        with self.assertRaises(UserError):
            copy.sudo().write({"file": base64.b64encode(b"%PDF-1.4 forged")})
        with self.assertRaises(UserError):
            copy.sudo().unlink()
        with self.assertRaises(UserError):
            self.env["ir.attachment"].create(
                {
                    "name": "forged.pdf",
                    "res_model": "snn.document.copy",
                    "res_id": copy.id,
                    "res_field": "file",
                    "datas": base64.b64encode(b"%PDF-1.4 forged"),
                }
            )
        with self.assertRaises(AccessError):
            self.env["snn.document.copy"].with_user(self.clerk).create(
                {"company_id": self.company.id, "document_id": copy.document_id.id, "form": "sao_y"}
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE snn_document_copy SET code = '99/SY' WHERE id = %s", [copy.id]
            )
        self.assertEqual(copy.code, "01/SY")

    def test_a_copy_is_read_as_its_original(self):
        copy = self.copy_of(self.issued())
        copy.with_user(self.drafter2).check_access("read")  # a normal document: every member
        with self.assertRaises(AccessError):
            copy.with_user(self.clerk_b).check_access("read")
        self.assertFalse(self.env["snn.document.copy"].with_user(self.clerk_b).search([]))

    def test_over_xmlrpc_with_any_context(self):
        document = self.issued()
        self.env.cr.flush()
        with self.assertRaises(Fault):
            xmlrpc_as(
                self,
                self.drafter,
                "snn.document",
                "action_make_copy",
                [[document.id], "sao_y"],
                FORGED_CONTEXT,
            )
        with self.assertRaises(Fault):
            xmlrpc_as(
                self,
                self.clerk_b,
                "snn.document",
                "action_make_copy",
                [[document.id], "sao_y"],
                FORGED_CONTEXT,
            )
        self.assertFalse(document.copy_ids)
        (copy_id,) = xmlrpc_as(
            self, self.clerk, "snn.document", "action_make_copy", [[document.id], "sao_y"], {}
        )
        self.assertEqual(self.env["snn.document.copy"].browse(copy_id).code, "01/SY")

    def test_the_clerks_dialog(self):
        document = self.issued()
        action = document.with_user(self.clerk).action_open_copy_wizard()
        wizard = (
            self.env["snn.copy.wizard"]
            .with_user(self.clerk)
            .with_context(**action["context"])
            .create({"form": "trich_sao", "pages": "1"})
        )
        with self.assertRaises(AccessError):  # the dialog is the clerk's alone
            wizard.with_user(self.manager).write({"form": "sao_luc"})
        opened = wizard.action_make()
        copy = self.env["snn.document.copy"].browse(opened["res_id"])
        self.assertEqual(
            (opened["res_model"], copy.code, copy.document_id),
            ("snn.document.copy", "01/TS", document),
        )
        with self.assertRaises(AccessError):  # a document of another organisation: not linked
            self.env["snn.copy.wizard"].with_user(self.clerk_b).create(
                {"document_id": document.id, "form": "sao_y"}
            )
        with self.assertRaises(AccessError):
            document.with_user(self.drafter).action_open_copy_wizard()
