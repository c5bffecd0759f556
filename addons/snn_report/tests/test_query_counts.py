"""The clerk's registers and searches cost the same number of queries with 3 and with 9
issued documents: nothing queries once per entry or per found document."""

from odoo.tests import tagged

from odoo.addons.snn_docflow.tests.web_client import (
    SUBLIST_LIMIT,
    QueryCountMixin,
    first_page,
    form_read,
    view_spec,
)

from .common import ReportCase


@tagged("post_install", "-at_install")
class TestQueryCounts(QueryCountMixin, ReportCase):
    def make_records(self, count):
        """``count`` documents issued on paper (numbered in the register, no signing)."""
        for index in range(count):
            self.issue_on_paper(
                self.partner,
                subject=f"V/v kế hoạch kiểm tra số {index}",
                document_type_id=(self.type_letter, self.type_decision)[index % 2].id,
            )

    def test_register_list_and_entries(self):
        """The Registers list, and a register opened: its entries (the form's list)."""
        N = self.N
        self.make_records(N)
        Register = self.env["snn.register"].with_user(self.clerk)
        before, after = self.assertQueriesDoNotGrow(
            lambda: first_page(Register, [], view_spec(Register))
        )
        self.assertEqual(before, after)  # the registers, whatever they number
        spec = view_spec(Register, "form")
        register = self.register.id

        def entries():
            (record,) = form_read(Register, [register], spec)
            return len(record["document_ids"])

        before, after = self.assertQueriesDoNotGrow(entries)
        self.assertEqual((before, after), (3 * N, min(5 * N, SUBLIST_LIMIT)))

    def test_search_by_code_and_subject(self):
        """The documents list searched as the search view searches a code or a subject."""
        N = self.N
        self.make_records(N)
        Document = self.env["snn.document"].with_user(self.clerk)
        spec = view_spec(Document)
        code = self.company.snn_org_code
        for domain in ([("code", "ilike", code)], [("subject", "ilike", "kế hoạch kiểm tra")]):
            with self.subTest(domain=domain):
                found = len(Document.search(domain))
                before, after = self.assertQueriesDoNotGrow(
                    lambda domain=domain: first_page(Document, domain, spec)
                )
                self.assertEqual((before, after), ((found,) * 2, (found + 2 * N,) * 2))

    def test_metadata_export(self):
        """The metadata export reads its documents' recipients, deliveries and prints per
        batch, not per document."""
        self.make_records(self.N)
        wizard = self.env["snn.metadata.export"].with_user(self.clerk).create({})
        before, after = self.assertQueriesDoNotGrow(lambda: len(wizard._rows()))
        self.assertEqual((before, after), (self.N, 3 * self.N))
