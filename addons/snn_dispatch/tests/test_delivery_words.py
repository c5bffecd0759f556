"""What the clerk reads about a delivery, as the clerk's client gets it over RPC: statuses
in words, no count of failed sends on a copy delivered at once, and the Deliveries menu
opening on the copies that need the clerk, the refused ones included."""

from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDeliveryWords(HttpCase, DispatchCase):
    def call(self, model, method, args, kwargs=None):
        password = self.clerk.login + "x" * (8 - len(self.clerk.login))  # as new_test_user
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.clerk.id, password, model, method, args, kwargs or {}
        )

    def test_a_copy_delivered_at_once_shows_words_and_no_send_count(self):
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        delivery = document.delivery_ids
        self.assertRecordValues(delivery, [{"state": "received", "attempts": 0}])
        [event] = self.call(
            "snn.delivery.event",
            "search_read",
            [[("delivery_id", "=", delivery.id), ("state", "=", "received")]],
            {"fields": ["status_code", "status"]},
        )
        self.assertEqual(event["status_code"], "01")
        words = dict(
            self.call("snn.delivery.event", "fields_get", [["status"]])["status"]["selection"]
        )
        self.assertEqual(words[event["status"]], "Arrived")
        # The count is of failed sends, and the form shows it only when there was one.
        label = self.call("snn.delivery", "fields_get", [["attempts"]])["attempts"]["string"]
        self.assertEqual(label, "Failed Attempts")
        form = self.call("snn.delivery", "get_views", [[[False, "form"]]])["views"]["form"]
        self.assertIn('<field name="attempts" invisible="not attempts"', form["arch"])

    def test_the_deliveries_menu_opens_on_the_refused_copies_too(self):
        refused = self.issue_to(self.unit_khtc)
        delivered = self.issue_to(self.unit_khtc)
        self.dispatch()
        refused.delivery_ids._receive_status("02", "Sai thể thức")
        # The action as the web client loads it for the clerk.
        self.authenticate(self.clerk.login, self.clerk.login)
        action = self.make_jsonrpc_request(
            "/web/action/load", {"action_id": "snn_dispatch.snn_delivery_action"}
        )
        defaults = {
            key.removeprefix("search_default_")
            for key, value in safe_eval(action["context"]).items()
            if key.startswith("search_default_") and value
        }
        search = self.call("snn.delivery", "get_views", [[[False, "search"]]])["views"]
        arch = search["search"]["arch"]
        domains = []
        for name in sorted(defaults):
            marker = f'<filter name="{name}" '
            self.assertIn(marker, arch, "each default is a filter of the search view")
            tail = arch.split(marker, 1)[1]
            domains.append(safe_eval(tail.split('domain="', 1)[1].split('"', 1)[0]))
        # The default filters are one group (no separator between them): they add up.
        domain = ["|"] * (len(domains) - 1) + [term for d in domains for term in d]
        shown = self.call("snn.delivery", "search", [domain])
        self.assertIn(refused.delivery_ids.id, shown)
        self.assertNotIn(delivered.delivery_ids.id, shown, "a received copy needs nothing")
