"""The clerk's registers and searches cost the same number of queries with 3 and with 9
issued documents: nothing queries once per entry or per found document."""

from odoo.tests import tagged

from odoo.addons.snn_docflow.tests.web_client import (
    SUBLIST_LIMIT,
    QueryCountMixin,
    first_page,
    form_read,
    search_field,
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


ROLES = ("drafter", "head", "director", "clerk", "manager")


@tagged("post_install", "-at_install")
class TestSearchQueryCounts(ReportCase):
    """What a user types in the search bar of the documents list, chosen for a field of the
    search view, as each role: the first page costs a fixed number of queries, the same with 3
    and with 9 documents found (bench/register_bench.py times them at 1,000,000). The numbers
    are the queries of the page (search, count, read of the list's fields and widgets): one
    more means something now queries per record, or the search went back to reading ids."""

    N = 3

    def make_records(self, count):
        """``count`` documents issued on paper, each found by every search below: subject,
        code, signer, recipient and the words of its PDF (the seed's letter)."""
        for index in range(count):
            self.issue_on_paper(self.partner, subject=f"V/v kế hoạch kiểm tra số {index}")

    def assertSearchStable(self, field, text, expected):
        """Typing ``text`` for ``field``: the first page as each role of ROLES makes
        ``expected[role]`` queries with N and with 3 N documents found, and shows them all."""
        self.make_records(self.N)
        pages = {}
        for role in ROLES:
            Document = self.env["snn.document"].with_user(getattr(self, role))
            domain = search_field(Document, field, text)
            spec = view_spec(Document)
            pages[role] = lambda Document=Document, domain=domain, spec=spec: first_page(
                Document, domain, spec
            )
        counts, found = {}, {}
        for role, page in pages.items():
            page()  # the ormcaches (views, rules, groups) warm, as on a running server
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            found[role] = page()
            counts[role] = self.cr.sql_log_count - start
        self.make_records(2 * self.N)
        for role, page in pages.items():
            page()
            self.env.flush_all()
            self.env.invalidate_all()
            with self.subTest(role=role), self.assertQueryCount(counts[role]):
                shown, length = page()
            # Every role sees issued documents: the ones made here all found, and shown.
            self.assertEqual((shown, length), (found[role][0] + 2 * self.N,) * 2, role)
            self.assertGreaterEqual(found[role][0], self.N, role)
        self.assertEqual(counts, expected)

    def test_search_code(self):
        self.assertSearchStable("code", self.company.snn_org_code, EXPECTED["code"])

    def test_search_subject(self):
        self.assertSearchStable("subject", "kế hoạch kiểm tra", EXPECTED["subject"])

    def test_search_signer(self):
        self.assertSearchStable("signer_id", self.director.name, EXPECTED["signer"])

    def test_search_recipient(self):
        self.assertSearchStable("recipient_ids", self.partner.name, EXPECTED["recipient"])

    def test_search_pdf_text(self):
        self.assertSearchStable("pdf_text", "quán triệt", EXPECTED["pdf_text"])


# role -> queries of the first page, per search (TestSearchQueryCounts).
EXPECTED = {
    "code": {"drafter": 16, "head": 16, "director": 16, "clerk": 16, "manager": 14},
    "subject": {"drafter": 16, "head": 16, "director": 16, "clerk": 16, "manager": 14},
    # The name typed is looked up among the users or partners first (two queries more).
    "signer": {"drafter": 18, "head": 18, "director": 18, "clerk": 18, "manager": 16},
    "recipient": {"drafter": 18, "head": 18, "director": 18, "clerk": 18, "manager": 16},
    "pdf_text": {"drafter": 16, "head": 16, "director": 16, "clerk": 16, "manager": 14},
}
