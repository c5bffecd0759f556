"""Deadlines of assignments follow the calendar in Vietnam: an assignment is overdue from
the day after its deadline until its document is done."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.snn_docflow.tests.common import DocflowCase

from snn_sign_testkit.sample_letter import make_letter_pdf

from .test_paper import paper_values


@tagged("post_install", "-at_install")
class TestDeadlines(DocflowCase):
    def overdue(self, user):
        Assignment = self.env["snn.incoming.assignment"].with_user(user)
        return Assignment.search([("is_overdue", "=", True)])

    def test_overdue_from_the_day_after_until_done(self):
        with freeze_time("2019-05-20 03:00:00"):  # 10:00 on 20/05 in Tuyên Quang
            incoming = (
                self.env["snn.incoming.document"]
                .with_user(self.clerk)
                .create(paper_values(make_letter_pdf()))
            )
            incoming.with_user(self.clerk).action_register()
            incoming.with_user(self.director).action_assign(
                "Phòng KHTC tham mưu, báo cáo trước 21/5.",
                "2019-05-21",
                [{"department_id": self.unit_khtc.id, "role": "main"}],
            )
            main = incoming.sudo().assignment_ids
            self.assertFalse(main.is_overdue)
            self.assertNotIn(main, self.overdue(self.head2))
        with freeze_time("2019-05-21 16:30:00"):  # 23:30 on the deadline day
            self.env.invalidate_all()
            self.assertFalse(main.is_overdue)
            self.assertNotIn(main, self.overdue(self.head2))
        with freeze_time("2019-05-21 17:30:00"):  # 00:30 on 22/05 in Vietnam, 21/05 in UTC
            self.env.invalidate_all()
            self.assertTrue(main.is_overdue)
            self.assertEqual(self.overdue(self.head2), main)
            not_overdue = self.env["snn.incoming.assignment"].search([("is_overdue", "=", False)])
            self.assertNotIn(main, not_overdue)
            incoming.with_user(self.head2).action_done()
            self.env.invalidate_all()
            self.assertEqual(incoming.sudo().state, "done")
            self.assertFalse(main.is_overdue)
            self.assertNotIn(main, self.overdue(self.head2))
