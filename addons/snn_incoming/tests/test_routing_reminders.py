"""The office's routing suggestion starts the director's Assign form; handlers are reminded
the day before their deadline, once."""

import datetime as dt

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from .common import AGENCY_ORGAN_ID, IncomingCase


@tagged("post_install", "-at_install")
class TestRoutingReminders(IncomingCase):
    def registered(self):
        self.send_from_agency()
        self.receive()
        incoming = self.received()
        incoming.with_user(self.clerk).action_register()
        return incoming

    def test_the_route_fills_the_assign_form(self):
        Route = self.env["snn.incoming.route"]
        with self.assertRaises(AccessError):  # the office's clerks keep the routes
            Route.with_user(self.drafter).create({"name": "x", "department_id": self.unit_vp.id})
        Route.with_user(self.clerk).create(
            {
                "name": "Sở Tài chính: dự toán",
                "sender_organ_id": AGENCY_ORGAN_ID,
                "keyword": "DỰ TOÁN",
                "department_id": self.unit_khtc.id,
                "coordinate_department_ids": [(6, 0, self.unit_vp.ids)],
                "deadline_days": 10,
            }
        )
        incoming = self.registered()
        action = incoming.with_user(self.director).action_open_assign_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.director)
            .with_context(**action["context"])
            .create({"instruction": "Phòng KHTC chủ trì."})
        )
        self.assertEqual(
            [(line.department_id, line.role) for line in wizard.line_ids],
            [(self.unit_khtc, "main"), (self.unit_vp, "coordinate")],
        )
        self.assertEqual(wizard.deadline, vietnam_today() + dt.timedelta(days=10))
        wizard.action_confirm()
        self.assertEqual(incoming.state, "assigned")
        self.assertEqual(incoming.deadline, vietnam_today() + dt.timedelta(days=10))
        # Another user cannot change the director's form.
        with self.assertRaises(AccessError):
            wizard.with_user(self.clerk).write({"instruction": "Sửa ý kiến"})

    def test_no_route_no_suggestion(self):
        incoming = self.registered()
        wizard = (
            self.env["snn.incoming.assign.wizard"]
            .with_user(self.director)
            .create({"incoming_id": incoming.id})
        )
        self.assertFalse(wizard.line_ids)

    def test_reminded_the_day_before_once_by_a_to_do_gone_when_done(self):
        incoming = self.registered()
        tomorrow = vietnam_today() + dt.timedelta(days=1)
        incoming.with_user(self.director).action_assign(
            "", tomorrow, [{"department_id": self.unit_khtc.id, "role": "main"}]
        )
        Assignment = self.env["snn.incoming.assignment"]
        reminder_type = self.env.ref("snn_incoming.mail_activity_type_deadline_reminder")

        def reminders():
            return incoming.activity_ids.filtered(lambda a: a.activity_type_id == reminder_type)

        Assignment._cron_remind_deadlines(days_before=0)  # not yet: due tomorrow
        self.assertFalse(reminders())
        Assignment._cron_remind_deadlines()
        Assignment._cron_remind_deadlines()
        reminder = reminders()
        self.assertEqual(len(reminder), 1, "once")
        self.assertEqual(reminder.user_id, self.head2)  # nobody named yet: the unit's head
        self.assertEqual(reminder.date_deadline, vietnam_today())
        self.assertEqual(reminder.summary, f"Due on {tomorrow.strftime('%d/%m/%Y')}")
        # In the head's to-dos (the activity menu reads them as the head).
        mine = (
            self.env["mail.activity"]
            .with_user(self.head2)
            .search([("user_id", "=", self.head2.id), ("res_model", "=", "snn.incoming.document")])
        )
        self.assertIn(reminder, mine)
        incoming.with_user(self.head2).action_done()
        self.assertFalse(reminders(), "done: nothing left to remind of")
