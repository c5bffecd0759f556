"""Dispatch as a client attacks it: XML-RPC as each role, with a forged context. Deliveries
and incoming documents are written by the system only; the steps check who asks."""

from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDispatchRpc(HttpCase, DispatchCase):
    def call(self, user, model, method, args, kwargs=None):
        kwargs = {"context": FORGED_CONTEXT, **(kwargs or {})}
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user set it
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, args, kwargs
        )

    def refused(self, user, model, method, args, kwargs=None):
        with self.assertRaises(Fault, msg=f"{user.login} {model}.{method}"):
            self.call(user, model, method, args, kwargs)

    def test_nobody_forges_a_delivery_a_status_or_an_incoming_document(self):
        document = self.issue_to(self.unit_khtc, self.agency)
        self.dispatch()
        delivery = document.delivery_ids.filtered("incoming_id")
        incoming = delivery.incoming_id
        fields = ["state", "channel", "sent_at", "attempts"]
        before = document.delivery_ids.sorted("id").read(fields)
        roles = (self.drafter, self.head, self.head2, self.director, self.clerk, self.manager)
        for user in roles:
            self.refused(user, "snn.delivery", "write", [delivery.ids, {"state": "done"}])
            self.refused(user, "snn.delivery", "unlink", [delivery.ids])
            self.refused(
                user,
                "snn.delivery",
                "create",
                [
                    {
                        "document_id": document.id,
                        "recipient_id": delivery.recipient_id.id,
                        "recipient_name": "x",
                        "channel": "email",
                        "email": "x@example.com",
                    }
                ],
            )
            self.refused(user, "snn.delivery", "_receive_status", [delivery.ids, "06"])
            self.refused(user, "snn.delivery", "_cron_dispatch", [])
            self.refused(
                user,
                "snn.delivery.event",
                "create",
                [{"delivery_id": delivery.id, "state": "done", "at": "2026-01-01"}],
            )
            self.refused(user, "snn.incoming.document", "write", [incoming.ids, {"state": "done"}])
            self.refused(
                user,
                "snn.incoming.document",
                "create",
                [
                    {
                        "subject": "forged",
                        "company_id": self.company.id,
                        "department_id": self.unit_khtc.id,
                    }
                ],
            )
        self.assertEqual(document.delivery_ids.sorted("id").read(fields), before)
        self.assertEqual(incoming.state, "received")

    def test_only_the_right_people_take_the_steps(self):
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        incoming = document.delivery_ids.incoming_id
        # The receiving unit's member and the sender's people do not handle it.
        for user in (self.member_khtc, self.head, self.clerk, self.drafter):
            self.refused(user, "snn.incoming.document", "action_accept", [incoming.ids])
        self.refused(self.outsider, "snn.incoming.document", "read", [incoming.ids, ["subject"]])
        # Its head does, and the sender sees it.
        self.call(self.head2, "snn.incoming.document", "action_accept", [incoming.ids])
        self.assertEqual(document.delivery_ids.state, "accepted")
        # Recall and sending again are the clerks'; a wizard is no way around the check.
        for user in (self.drafter, self.head, self.director):
            self.refused(user, "snn.document", "action_recall", [document.ids, "x"])
            wizard = self.call(
                user,
                "snn.document.reason.wizard",
                "create",
                [{"document_id": document.id, "mode": "recall", "reason": "x"}],
            )
            self.refused(user, "snn.document.reason.wizard", "action_confirm", [[wizard]])
            self.refused(user, "snn.delivery", "action_retry", [document.delivery_ids.ids])
        self.assertEqual(document.state, "issued")
        self.call(self.clerk, "snn.document", "action_recall", [document.ids, "Sai sót"])
        self.assertEqual(document.state, "recalled")
