"""Each role's first screens cost the same number of queries with 3 and with 9 documents:
nothing in the lists (a compute, a rule, a widget's field) queries once per record."""

from odoo.tests import tagged

from .common import DocflowCase
from .web_client import (
    QueryCountMixin,
    first_page,
    kanban_first_page,
    search_filter,
    view_spec,
)

N = 3


@tagged("post_install", "-at_install")
class TestQueryCounts(QueryCountMixin, DocflowCase):
    def make_documents(self, count, until=None):
        """``count`` drafts of both types and several urgencies, walked up to ``until``."""
        types = (self.type_letter, self.type_decision)
        urgencies = ("normal", "urgent", "flash")
        documents = self.env["snn.document"]
        for index in range(count):
            document = self.make_draft(
                subject=f"V/v kế hoạch số {index}",
                document_type_id=types[index % 2].id,
                urgency=urgencies[index % 3],
            )
            if until:
                self.walk(document, until)
            documents |= document
        return documents

    def assertQueueStable(self, user, state):
        """``user``'s "Waiting for Me" list (the action's filter) over documents in ``state``."""
        self.make_documents(N, state)
        Document = self.env["snn.document"].with_user(user)
        spec = view_spec(Document)
        domain = search_filter(Document, "filter_activities_my")
        before, after = self.assertQueriesDoNotGrow(
            lambda: first_page(Document, domain, spec),
            lambda: self.make_documents(2 * N, state),
        )
        self.assertEqual((before, after), ((N, N), (3 * N, 3 * N)))

    def test_head_queue(self):
        self.assertQueueStable(self.head, "head_review")

    def test_director_queue(self):
        self.assertQueueStable(self.director, "director_review")

    def test_clerk_queue(self):
        self.assertQueueStable(self.clerk, "approved")

    def test_drafter_my_documents(self):
        """The drafter's "My Documents": drafts and documents in review."""

        def grow(count):
            self.make_documents(count)
            self.make_documents(count, "head_review")

        grow(N)
        Document = self.env["snn.document"].with_user(self.drafter)
        domain = search_filter(Document, "my_documents")
        before, after = self.assertQueriesDoNotGrow(
            lambda: first_page(Document, domain, view_spec(Document)),
            lambda: grow(2 * N),
        )
        self.assertEqual((before, after), ((2 * N, 2 * N), (6 * N, 6 * N)))

    def test_documents_list_and_kanban(self):
        """The manager's "Outgoing Documents": the kanban by state it opens on, and its list."""

        def grow(count):
            for state in (None, "head_review", "director_review", "approved"):
                self.make_documents(count, state)

        grow(N)
        Document = self.env["snn.document"].with_user(self.manager)
        list_spec, kanban_spec = view_spec(Document), view_spec(Document, "kanban")
        before, after = self.assertQueriesDoNotGrow(
            lambda: first_page(Document, [], list_spec), lambda: grow(2 * N)
        )
        self.assertEqual((before, after), ((4 * N, 4 * N), (12 * N, 12 * N)))
        grow(N)  # 4 N, then 6 N cards in each of the 4 columns (up to 40 shown in each)
        before, after = self.assertQueriesDoNotGrow(
            lambda: kanban_first_page(Document, [], "state", kanban_spec), lambda: grow(2 * N)
        )
        self.assertEqual((before, after), ((16 * N, 16 * N), (24 * N, 24 * N)))
