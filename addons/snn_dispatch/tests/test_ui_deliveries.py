"""The deliveries on a phone (390×844), as the clerk: the menu's first screen includes the
refused copies; on the document, cards that read completely and speak in words."""

from odoo.tests import HttpCase, tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestUiDeliveriesPhone(HttpCase, DispatchCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_the_clerk_reads_the_deliveries_on_a_phone(self):
        delivered = self.issue_to(self.unit_khtc)
        refused = self.issue_to(self.unit_khtc)
        self.dispatch()
        self.assertEqual(delivered.delivery_ids.state, "received")
        self.assertEqual(delivered.delivery_ids.attempts, 0, "delivered at the first try")
        refused.delivery_ids._receive_status("02", "Sai thể thức")
        self.assertEqual(refused.delivery_ids.state, "refused")
        self.start_tour(
            "/odoo/action-snn_dispatch.snn_delivery_action",
            "snn_dispatch_phone_deliveries_menu",
            login=self.clerk.login,
        )
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{delivered.id}",
            "snn_dispatch_phone_deliveries_document",
            login=self.clerk.login,
        )
