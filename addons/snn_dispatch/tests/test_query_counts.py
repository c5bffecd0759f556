"""The clerk's deliveries and issued documents cost the same number of queries with 3 and
with 9 issued documents: nothing queries once per delivery or per document."""

from odoo.tests import tagged

from odoo.addons.snn_docflow.tests.web_client import (
    QueryCountMixin,
    first_page,
    search_filter,
    view_spec,
)

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestQueryCounts(QueryCountMixin, DispatchCase):
    def make_records(self, count):
        """``count`` e-signed letters, each to a unit (delivered inside Odoo) and an agency on
        the exchange (queued until the scheduled action runs)."""
        for _index in range(count):
            self.issue_to(self.unit_khtc, self.agency)

    def test_deliveries_list(self):
        """The Deliveries action as it opens: failed, refused or not received yet."""
        N = self.N
        self.make_records(N)
        Delivery = self.env["snn.delivery"].with_user(self.clerk)
        domain = [
            "|",
            "|",
            *search_filter(Delivery, "failed"),
            *search_filter(Delivery, "refused"),
            *search_filter(Delivery, "not_received"),
        ]
        spec = view_spec(Delivery)
        before, after = self.assertQueriesDoNotGrow(lambda: first_page(Delivery, domain, spec))
        self.assertEqual((before, after), ((2 * N, 2 * N), (6 * N, 6 * N)))

    def test_issued_documents_list(self):
        """The documents list with what was delivered of each (the delivery summary)."""
        N = self.N
        self.make_records(N)
        self.dispatch()
        Document = self.env["snn.document"].with_user(self.clerk)
        domain = search_filter(Document, "issued")
        spec = view_spec(Document)
        self.assertIn("delivery_summary", spec)

        def grow():
            self.make_records(2 * N)
            self.dispatch()

        before, after = self.assertQueriesDoNotGrow(
            lambda: first_page(Document, domain, spec), grow
        )
        self.assertEqual((before, after), ((N, N), (3 * N, 3 * N)))
