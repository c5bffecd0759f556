"""An incoming document its sender withdraws (an internal recall) is handled by nobody any
more: every to-do on it goes, the director's "assign it" of the receiving organisation too."""

from odoo.tests import new_test_user

from odoo.addons.snn_dispatch.tests.common import DispatchCase


class TestWithdrawnTodos(DispatchCase):
    def test_a_recall_closes_every_todo_of_the_receiving_organisation(self):
        director_sxd = new_test_user(
            self.env,
            "t_director_sxd",
            "snn_docflow.group_director",
            name="Giám đốc Sở Xây dựng",
            company_id=self.company2.id,
            company_ids=[(6, 0, self.company2.ids)],
        )
        document = self.issue_to(self.company2.partner_id)
        self.dispatch()
        incoming = document.delivery_ids.incoming_id
        self.assertEqual(incoming.company_id, self.company2)
        incoming.with_user(self.clerk2).action_register()
        self.assertEqual(incoming.activity_ids.user_id, director_sxd, "asked to assign it")

        document.with_user(self.clerk).action_recall("Ban hành nhầm")
        self.dispatch()
        self.assertEqual(incoming.state, "withdrawn")
        self.assertFalse(incoming.activity_ids, "nobody is asked to handle a withdrawn document")
        self.assertIn("Ban hành nhầm", incoming.message_ids[0].body)
