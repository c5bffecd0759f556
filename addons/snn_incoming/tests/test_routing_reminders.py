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

    def test_reminded_the_day_before_once(self):
        incoming = self.registered()
        tomorrow = vietnam_today() + dt.timedelta(days=1)
        incoming.with_user(self.director).action_assign(
            "", tomorrow, [{"department_id": self.unit_khtc.id, "role": "main"}]
        )
        Assignment = self.env["snn.incoming.assignment"]
        Assignment._cron_remind_deadlines(days_before=0)  # not yet: due tomorrow
        self.assertFalse(incoming.assignment_ids.reminded)
        Assignment._cron_remind_deadlines()
        Assignment._cron_remind_deadlines()
        reminders = incoming.message_ids.filtered(lambda m: "Reminder" in (m.body or ""))
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.partner_ids, self.head2.partner_id)
