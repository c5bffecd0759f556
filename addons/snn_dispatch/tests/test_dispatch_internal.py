from odoo.exceptions import AccessError, UserError

from .common import DispatchCase


class TestInternalDelivery(DispatchCase):
    """Another unit of the organisation and another organisation of the same database get an
    incoming document in Odoo; its handling flows back to the sender's delivery."""

    def test_a_unit_receives_and_its_handling_flows_back(self):
        document = self.issue_to(self.unit_khtc)
        delivery = document.delivery_ids
        self.assertRecordValues(delivery, [{"channel": "internal", "state": "queued"}])
        self.dispatch()
        self.assertEqual(delivery.state, "received")
        self.assertTrue(delivery.sent_at and delivery.received_at)
        self.assertEqual(delivery.event_ids.mapped("state"), ["queued", "sent", "received"])
        incoming = delivery.incoming_id
        self.assertRecordValues(
            incoming,
            [
                {
                    "department_id": self.unit_khtc.id,
                    "company_id": self.company.id,
                    "outgoing_id": document.id,
                    "code": document.code,
                    "issue_date": document.issue_date,
                    "subject": document.subject,
                    "state": "received",
                }
            ],
        )
        self.assertEqual(
            incoming.with_context(bin_size=False).file,
            document.with_context(bin_size=False).signed_file,
        )
        todo = incoming.activity_ids
        self.assertEqual(todo.user_id, self.head2, "a to-do for the head of the receiving unit")

        # The unit's people see it; the other unit's head and a drafter elsewhere do not.
        Incoming = self.env["snn.incoming.document"]
        self.assertEqual(Incoming.with_user(self.head2).search([]), incoming)
        self.assertEqual(Incoming.with_user(self.member_khtc).search([]), incoming)
        for user in (self.head, self.drafter, self.outsider, self.clerk2):
            self.assertFalse(Incoming.with_user(user).search([]), user.name)
            with self.assertRaises(AccessError):
                incoming.with_user(user).read(["subject"])

        # A member of the unit reads it but does not handle it; nobody edits it.
        with self.assertRaisesExactly(AccessError):
            incoming.with_user(self.member_khtc).action_accept()
        with self.assertRaisesExactly(AccessError):
            incoming.with_user(self.head2).write({"state": "done"})
        with self.assertRaisesExactly(AccessError):
            Incoming.with_user(self.manager).create(
                {"subject": "forged", "company_id": self.company.id}
            )

        incoming.with_user(self.head2).action_accept()
        self.assertEqual(delivery.state, "accepted")
        self.assertFalse(incoming.activity_ids, "the to-do is done")
        incoming.with_user(self.head2).action_process()
        self.assertEqual(delivery.state, "processing")
        incoming.with_user(self.head2).action_done()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(
            delivery.event_ids.mapped("status_code"), [False, False, "01", "03", "05", "06"]
        )
        with self.assertRaisesExactly(UserError):
            incoming.with_user(self.head2).action_refuse("too late")

    def test_a_refusal_needs_a_reason_and_reaches_the_sender(self):
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        incoming = document.delivery_ids.incoming_id
        with self.assertRaisesExactly(UserError):
            incoming.with_user(self.head2).action_refuse("  ")
        incoming.with_user(self.head2).action_refuse("Không thuộc thẩm quyền")
        self.assertRecordValues(
            document.delivery_ids,
            [{"state": "refused", "status_note": "Không thuộc thẩm quyền"}],
        )

    def test_another_organisation_of_the_database_receives_through_its_clerks(self):
        document = self.issue_to(self.company2.partner_id)
        delivery = document.delivery_ids
        self.assertEqual(delivery.channel, "internal")
        self.dispatch()
        incoming = delivery.incoming_id
        self.assertRecordValues(
            incoming, [{"company_id": self.company2.id, "department_id": False}]
        )
        self.assertEqual(incoming.activity_ids.user_id, self.clerk2)
        Incoming = self.env["snn.incoming.document"]
        self.assertEqual(Incoming.with_user(self.clerk2).search([]), incoming)
        self.assertFalse(Incoming.with_user(self.clerk).search([]), "not the sender's clerks")
        incoming.with_user(self.clerk2).action_accept()
        self.assertEqual(delivery.state, "accepted")
        # The sender's people read the delivery; the receiver's clerk does not see the sender's.
        self.assertEqual(delivery.with_user(self.drafter).state, "accepted")
        with self.assertRaises(AccessError):
            delivery.with_user(self.clerk2).read(["state"])
