"""Side doors of dispatch: an empty "send again" that woke the scheduled action for anyone,
the recall/refuse wizard naming a document its user may not read, and statuses that answer
no question a delivery asked (a recall answer where no recall went out)."""

from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from snn_edxml.edxml import EdxmlStatus, Organ, build_status

from ..models.snn_delivery_status import ANSWERS, OUT
from ..models.snn_incoming_document import OPEN_STATES
from .common import AGENCY_ORGAN_ID, DispatchCase

STATUS_LOGGER = "odoo.addons.snn_dispatch.models.snn_delivery_status"


class TestStatusesAnswerAQuestion(DispatchCase):
    def answer(self, delivery, code, description=""):
        status = EdxmlStatus(
            sender=Organ(organ_id=AGENCY_ORGAN_ID, name="Sở Tài chính"),
            response_for=delivery.edxml_document_id,
            status_code=code,
            description=description,
        )
        return self.exchange.post_status(build_status(status))

    def sent_to_agency(self):
        document = self.issue_to(self.agency)
        self.dispatch()  # sent
        self.dispatch()  # the stand-in's "arrived" comes back
        delivery = document.delivery_ids
        self.assertRecordValues(delivery, [{"state": "received", "recall_state": False}])
        return document, delivery

    def snapshot(self, delivery):
        delivery.invalidate_recordset()
        return (
            delivery.read(["state", "recall_state", "status_note", "handled_at"])[0],
            delivery.event_ids.ids,
            delivery.document_id.activity_ids.ids,
        )

    def test_a_recall_answer_for_a_document_never_recalled_changes_nothing(self):
        document, delivery = self.sent_to_agency()
        before = self.snapshot(delivery)
        for code in ("15", "16"):
            with self.subTest(code=code):
                message_id = self.answer(delivery, code, "Đồng ý thu hồi")
                with self.assertLogs(STATUS_LOGGER, "WARNING") as logs:
                    self.dispatch()
                self.assertEqual(self.snapshot(delivery), before)
                [line] = [line for line in logs.output if f"Status {code} " in line]
                self.assertIn(f"exchange message {message_id}", line)
                self.assertIn(f"delivery {delivery.id}", line)
                self.assertIn("no recall was sent", line)
        self.assertEqual(document.state, "issued")
        # Answered all the same (acknowledged), so that it does not come again.
        self.assertIn(message_id, self.exchange.statuses_acked())

    def test_a_refusal_after_acceptance_answers_nothing(self):
        _document, delivery = self.sent_to_agency()
        self.answer(delivery, "03")
        self.dispatch()
        self.assertEqual(delivery.state, "accepted")
        before = self.snapshot(delivery)
        message_id = self.answer(delivery, "02", "Sai nơi nhận")
        with self.assertLogs(STATUS_LOGGER, "WARNING") as logs:
            self.dispatch()
        self.assertEqual(self.snapshot(delivery), before)
        self.assertIn(f"exchange message {message_id}", logs.output[0])
        self.assertIn("the delivery is accepted", logs.output[0])

    def test_a_recall_answer_to_a_recall_that_went_out_is_kept(self):
        document, delivery = self.sent_to_agency()
        document.with_user(self.clerk).action_recall("Sai thể thức")
        self.dispatch()  # the recall goes out
        self.assertEqual(delivery.recall_state, "sent")
        self.answer(delivery, "15")
        self.dispatch()
        self.assertRecordValues(delivery, [{"state": "recalled", "recall_state": "agreed"}])

    def test_an_internal_receivers_step_follows_the_same_rule(self):
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        delivery = document.delivery_ids
        incoming = delivery.incoming_id
        # The sender recalled this copy in a transaction of its own while the head still had
        # the incoming document open (the delivery as the head's step then finds it).
        delivery.write({"state": "recalled", "recall_state": "agreed"})
        before = self.snapshot(delivery)
        with self.assertLogs(STATUS_LOGGER, "WARNING") as logs:
            incoming.with_user(self.head2).action_refuse("Không thuộc thẩm quyền")
        self.assertEqual(self.snapshot(delivery), before)
        self.assertIn(f"incoming document {incoming.id}", logs.output[0])
        self.assertIn(f"delivery {delivery.id}", logs.output[0])

    def test_every_receivers_step_answers_the_question_its_delivery_asks(self):
        """A receiver's step is offered only from states whose delivery awaits the status the
        step sends back (accept 03, process 05, done 06, refuse 02)."""
        document = self.issue_to(self.unit_khtc)
        self.dispatch()
        incoming = document.delivery_ids.incoming_id.with_user(self.head2)
        steps = {
            "03": incoming._get_cannot_accept_reasons,
            "05": incoming._get_cannot_process_reasons,
            "06": incoming._get_cannot_done_reasons,
            "02": incoming._get_cannot_refuse_reasons,
        }
        offered = 0
        for code, reasons in steps.items():
            states, recall_states = ANSWERS[code]
            self.assertIsNone(recall_states, code)
            for state in OPEN_STATES:
                incoming.sudo().state = state
                if not reasons():
                    offered += 1
                    # An incoming document's open states are its delivery's of the same name.
                    self.assertIn(state, states, f"status {code} from {state}")
        self.assertEqual(offered, 1 + 2 + 3 + 1)
        self.assertEqual(set(OUT), {"sent", "received", "accepted", "processing", "done"})


@tagged("post_install", "-at_install")
class TestNoClientDefaults(DispatchCase):
    def test_an_issue_under_forged_defaults_makes_plain_deliveries(self):
        """The issue creates the deliveries as superuser under the clerk's context: a
        ``default_`` key there must not mark them sent or received before anything left."""
        document = self.make_letter(
            recipient_ids=[
                Command.create({"department_id": self.unit_khtc.id}),
                Command.create({"partner_id": self.agency.id}),
            ]
        )
        self.walk(document, "approved")
        document.with_user(self.clerk).with_context(
            default_sent_at="2019-02-18 08:00:00",
            default_received_at="2019-02-18 08:00:00",
            default_edxml_document_id="forged",
            default_status_note="forged",
            default_attempts=99,
        ).action_issue()
        deliveries = document.with_env(self.env).delivery_ids
        self.assertEqual(len(deliveries), 2)
        for delivery in deliveries:
            self.assertRecordValues(
                delivery,
                [
                    {
                        "state": "queued",
                        "sent_at": False,
                        "received_at": False,
                        "edxml_document_id": False,
                        "status_note": False,
                        "attempts": 0,
                    }
                ],
            )


class TestDispatchSideDoorsRpc(HttpCase, DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, "t_portal_sd", "base.group_portal")

    def call(self, user, model, method, args, kwargs=None):
        kwargs = {"context": FORGED_CONTEXT, **(kwargs or {})}
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user set it
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, args, kwargs
        )

    def dispatch_triggers(self):
        cron = self.env.ref("snn_dispatch.ir_cron_dispatch")
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])

    def test_an_empty_send_again_wakes_nothing_for_anyone_but_a_clerk(self):
        triggers = self.dispatch_triggers()
        roles = (
            self.drafter,
            self.head,
            self.director,
            self.outsider,
            self.member_khtc,
            self.portal,
        )
        for user in roles:
            with self.subTest(user=user.login):
                with self.assertRaises(Fault) as caught:
                    self.call(user, "snn.delivery", "action_retry", [[]])
                self.assertIn("Only a clerk or a manager", caught.exception.faultString)
        self.assertEqual(self.dispatch_triggers(), triggers)
        # A clerk's empty call is allowed and does nothing either.
        self.call(self.clerk, "snn.delivery", "action_retry", [[]])
        self.assertEqual(self.dispatch_triggers(), triggers)

    def test_the_recall_wizard_never_names_a_document_its_user_may_not_read(self):
        secret = self.make_letter(subject="Phương án nhân sự (mật)", confidentiality="confidential")
        self.walk(secret, "issued")
        secret = secret.with_env(self.env)
        wizards = self.env["snn.document.reason.wizard"].search_count([])
        for user in (self.drafter2, self.member_khtc, self.clerk2):
            context = {**FORGED_CONTEXT, "default_document_id": secret.id, "default_mode": "recall"}
            with self.subTest(user=user.login, door="onchange"):
                with self.assertRaises(Fault) as caught:
                    self.call(
                        user,
                        "snn.document.reason.wizard",
                        "onchange",
                        [[], {}, [], {"document_id": {"fields": {"display_name": {}}}, "mode": {}}],
                        {"context": context},
                    )
                self.assertIn("You may not read", caught.exception.faultString)
                self.assertNotIn("Phương án", caught.exception.faultString)
            with self.subTest(user=user.login, door="create"):
                with self.assertRaises(Fault) as caught:
                    self.call(
                        user,
                        "snn.document.reason.wizard",
                        "create",
                        [{"document_id": secret.id, "mode": "recall", "reason": "x"}],
                    )
                self.assertIn("You may not read", caught.exception.faultString)
                self.assertNotIn("Phương án", caught.exception.faultString)
        self.assertEqual(self.env["snn.document.reason.wizard"].search_count([]), wizards)
        secret.invalidate_recordset()
        self.assertEqual(secret.state, "issued")
