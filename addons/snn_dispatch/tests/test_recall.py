from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.exceptions import StepTakenError

from snn_edxml.edxml import EdxmlStatus, Organ, build_status

from .common import AGENCY_ORGAN_ID, OTHER_AGENCY_ORGAN_ID, DispatchCase


class TestRecall(DispatchCase):
    """Thu hồi (Decree 30 Art. 18.4): every recipient told, the document frozen with its
    number, the trail says why."""

    def answer(self, delivery, code):
        status = EdxmlStatus(
            sender=Organ(organ_id=delivery.organ_id, name=delivery.recipient_name),
            response_for=delivery.edxml_document_id,
            status_code=code,
        )
        self.exchange.post_status(build_status(status))

    def test_recall_reaches_every_recipient_and_their_answers_are_shown(self):
        other = self.env["res.partner"].create(
            {"name": "Sở Nội vụ", "is_company": True, "snn_organ_id": OTHER_AGENCY_ORGAN_ID}
        )
        document = self.issue_to(self.unit_khtc, self.agency, other, self.mail_only)
        self.dispatch()
        self.dispatch()  # the stand-in's "arrived" statuses come back
        by_name = {d.recipient_name: d for d in document.delivery_ids}
        unit, agency, other_d, mail = (
            by_name[self.unit_khtc.display_name],
            by_name[self.agency.display_name],
            by_name[other.display_name],
            by_name[self.mail_only.display_name],
        )
        self.assertEqual((unit.state, agency.state, other_d.state), ("received",) * 3)
        number, code = document.number, document.code

        # Who may: a clerk (or a manager), with a reason, an issued document only.
        with self.assertRaisesExactly(UserError):
            document.with_user(self.clerk).action_recall("  ")
        for user in (self.drafter, self.head, self.director):
            with self.assertRaisesExactly(AccessError):
                document.with_user(user).action_recall("no")
        document.with_user(self.clerk).action_recall("Sai thể thức, sẽ ban hành văn bản thay thế")

        self.assertRecordValues(
            document,
            [
                {
                    "state": "recalled",
                    "number": number,
                    "code": code,
                    "recall_reason": "Sai thể thức, sẽ ban hành văn bản thay thế",
                }
            ],
        )
        row = document.approval_ids.sorted("id")[-1]
        self.assertEqual(
            (row.action, row.user_id, row.comment),
            ("recall", self.clerk, "Sai thể thức, sẽ ban hành văn bản thay thế"),
        )
        self.assertFalse(document._trail_problems(), "the trail, and its signed head, hold")
        with self.assertRaisesExactly(StepTakenError):  # recalled already: says by whom
            document.with_user(self.clerk).action_recall("again")
        # Still readable, marked recalled, by whoever could read it issued (another drafter).
        self.assertEqual(document.with_user(self.drafter2).state, "recalled")
        self.assertTrue(document.with_user(self.drafter2).approval_ids)

        # Internal: withdrawn at once, its head told, nothing left to handle.
        incoming = unit.incoming_id
        self.assertEqual(incoming.state, "withdrawn")
        self.assertFalse(incoming.activity_ids)
        self.assertIn(self.head2.partner_id, incoming.message_ids[0].partner_ids)
        self.assertRecordValues(unit, [{"state": "recalled", "recall_state": "agreed"}])
        with self.assertRaisesExactly(UserError):
            incoming.with_user(self.head2).action_accept()
        # E-mail not yet out of the queue: cancelled, never sent.
        self.assertEqual(mail.state, "recalled")
        self.assertEqual(mail.mail_id.state, "cancel")

        # Exchange: the recall message (BussinessDocType 1) goes by the scheduled action.
        self.assertEqual((agency.recall_state, other_d.recall_state), ("queued", "queued"))
        self.dispatch()
        recalls = [m for m in self.exchange.received() if m["business_doc_type"] == "1"]
        self.assertEqual(len(recalls), 1)
        self.assertEqual(sorted(recalls[0]["to"]), sorted([AGENCY_ORGAN_ID, OTHER_AGENCY_ORGAN_ID]))
        self.assertEqual((agency.recall_state, other_d.recall_state), ("sent", "sent"))
        self.answer(agency, "15")
        self.answer(other_d, "16")
        self.dispatch()
        self.assertRecordValues(agency, [{"state": "recalled", "recall_state": "agreed"}])
        self.assertRecordValues(other_d, [{"state": "received", "recall_state": "refused"}])
        failed_type = self.env.ref("snn_dispatch.mail_activity_type_delivery_failed")
        todo = document.activity_ids.filtered(lambda a: a.activity_type_id == failed_type)
        self.assertEqual(todo.user_id, self.clerk, "the clerks hear of the refusal")

    def test_a_recall_reason_is_its_authors_and_the_step_asks_for_it(self):
        document = self.issue_to(self.unit_khtc)
        Wizard = self.env["snn.document.reason.wizard"]
        wizard = Wizard.with_user(self.clerk).create({"document_id": document.id, "mode": "recall"})
        with self.assertRaisesExactly(UserError) as caught:
            wizard.action_confirm()
        self.assertIn("a reason is required", str(caught.exception))
        self.assertEqual(document.state, "issued")
        with self.assertRaises(AccessError):
            wizard.with_user(self.manager).read(["reason"])
        title = document.with_user(self.clerk).action_open_recall_wizard()["name"]
        self.assertEqual(title, "Recall Document")

    def test_a_cancelled_document_sends_nothing_it_had_not_sent(self):
        document = self.issue_to(self.agency, self.mail_only)
        deliveries = document.delivery_ids
        self.assertEqual(set(deliveries.mapped("state")), {"queued"})
        document.with_user(self.clerk).action_cancel("Sai thể thức")
        self.dispatch()
        for delivery in deliveries:
            with self.subTest(recipient=delivery.recipient_name):
                self.assertEqual(delivery.state, "recalled", "never sent, never failed")
                self.assertFalse(delivery.sent_at)
                self.assertIn("cancelled (Sai thể thức)", delivery.event_ids[-1:].note or "")
                self.assertNotIn("not e-signed", delivery.last_error or "")
        self.assertFalse(self.exchange.received(), "nothing reached the exchange")

    def test_a_document_already_sent_is_recalled_not_cancelled(self):
        document = self.issue_to(self.agency, self.unit_khtc)
        self.dispatch()
        self.assertEqual(set(document.delivery_ids.mapped("state")), {"sent", "received"})
        as_clerk = document.with_user(self.clerk)
        self.assertFalse(as_clerk.can_cancel, "no Cancel button once a copy is out")
        self.assertTrue(as_clerk.can_recall)
        with self.assertRaisesExactly(UserError) as caught:
            as_clerk.action_cancel("Sai thể thức")
        message = str(caught.exception)
        self.assertIn("recall it instead", message)
        self.assertIn(self.agency.display_name, message)
        self.assertIn(self.unit_khtc.display_name, message)
        self.assertEqual(document.state, "issued", "nothing changed")
        self.assertFalse(document.cancel_reason)
        self.assertTrue(document.delivery_ids.incoming_id, "the unit keeps its copy until a recall")
        as_clerk.action_recall("Sai thể thức")
        self.assertEqual(document.state, "recalled")
