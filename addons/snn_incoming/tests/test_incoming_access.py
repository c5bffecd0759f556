"""Who sees and moves a registered document from another agency, attacked as a client would:
over XML-RPC with a forged context, and through the ORM with any context. Every refusal
leaves the document, its assignments and its status outbox as they were (re-read as the
superuser)."""

import base64
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.snn_docflow.tests.common import DocflowCase, xmlrpc_as
from odoo.addons.snn_docflow.tests.test_chain_guards import FORGED_CONTEXT

from snn_sign_testkit.sample_letter import make_letter_pdf

from .test_paper import paper_values

DEADLINE = "2030-06-30"


@tagged("post_install", "-at_install")
class TestIncomingAccess(HttpCase, DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scan = make_letter_pdf()
        drafter = "snn_docflow.group_drafter"
        cls.member_khtc = new_test_user(cls.env, "t_member_khtc", drafter, name="Nhân viên KHTC")
        cls.member_vp = new_test_user(cls.env, "t_member_vp", drafter, name="Nhân viên VP")
        cls.member_tt = new_test_user(cls.env, "t_member_tt", drafter, name="Thanh tra viên")
        cls.unit_tt = cls.env["hr.department"].create({"name": "Thanh tra", "snn_code": "TTr"})
        for user, unit in (
            (cls.member_khtc, cls.unit_khtc),
            (cls.member_vp, cls.unit_vp),
            (cls.member_tt, cls.unit_tt),
        ):
            cls.env["hr.employee"].create(
                {"name": user.name, "user_id": user.id, "department_id": unit.id}
            )
        # Another department of the province in the same database, with its own director.
        cls.company_b = cls.env["res.company"].create(
            {"name": "Sở Xây dựng", "snn_org_code": "SXD"}
        )
        cls.director_b = new_test_user(
            cls.env,
            "t_director_sxd",
            "snn_docflow.group_director",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def rpc(self, user, model, method, args):
        return xmlrpc_as(self, user, model, method, args, FORGED_CONTEXT)

    def registered(self, **values):
        incoming = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(self.scan, **values))
        )
        incoming.with_user(self.clerk).action_register()
        return incoming.sudo()

    def assigned(self, **values):
        incoming = self.registered(**values)
        incoming.with_user(self.director).action_assign(
            "Phòng KHTC chủ trì, Văn phòng theo dõi.",
            DEADLINE,
            [
                {"department_id": self.unit_khtc.id, "role": "main"},
                {"department_id": self.unit_vp.id, "role": "inform"},
            ],
        )
        return incoming

    def snapshot(self, incoming):
        self.env.invalidate_all()
        fields = ["state", "incoming_number", "sender_request", "instruction", "deadline"]
        assignments = incoming.assignment_ids.read(
            ["incoming_id", "department_id", "user_id", "role", "deadline", "state"]
        )
        return incoming.read(fields)[0], assignments

    def assert_refused(self, user, model, method, args):
        with self.assertRaises(Fault):
            self.rpc(user, model, method, args)

    # ------------------------------------------------------------------ reading

    def test_only_the_units_named_read_it(self):
        incoming = self.registered()
        for user in (self.member_khtc, self.member_vp, self.member_tt):
            with self.subTest(user=user.login, assigned=False):
                self.assert_refused(user, "snn.incoming.document", "read", [incoming.ids])
        incoming.with_user(self.director).action_assign(
            "Phòng KHTC chủ trì.",
            DEADLINE,
            [
                {"department_id": self.unit_khtc.id, "role": "main"},
                {"department_id": self.unit_vp.id, "role": "inform"},
            ],
        )
        for user in (self.member_khtc, self.member_vp):
            with self.subTest(user=user.login, assigned=True):
                read = self.rpc(user, "snn.incoming.document", "read", [incoming.ids, ["subject"]])
                self.assertEqual(read[0]["subject"], incoming.subject)
        self.assert_refused(self.member_tt, "snn.incoming.document", "read", [incoming.ids])
        with self.assertRaises(AccessError):
            incoming.with_user(self.member_tt).with_context(**FORGED_CONTEXT).read(["subject"])
        found = (
            self.env["snn.incoming.document"]
            .with_user(self.member_tt)
            .with_context(**FORGED_CONTEXT)
            .search([("id", "=", incoming.id)])
        )
        self.assertFalse(found)

    # ------------------------------------------------------------------ assignments

    def test_only_the_steps_change_an_assignment(self):
        incoming = self.assigned()
        other = self.registered(code="46/UBND-NN")
        main = incoming.assignment_ids.filtered(lambda a: a.role == "main")
        before = self.snapshot(incoming)
        attacks = {
            "role": {"role": "inform"},
            "unit": {"department_id": self.unit_tt.id},
            "deadline": {"deadline": "2031-01-01"},
            "done": {"state": "done"},
            "move": {"incoming_id": other.id},
            "pass and more": {"user_id": self.member_khtc.id, "deadline": "2031-01-01"},
        }
        users = (self.head2, self.member_khtc, self.director, self.clerk, self.manager)
        for user in users:
            for name, vals in attacks.items():
                with self.subTest(user=user.login, attack=name):
                    self.assert_refused(user, "snn.incoming.assignment", "write", [main.ids, vals])
                    with self.assertRaises(AccessError):
                        main.with_user(user).with_context(**FORGED_CONTEXT).write(vals)
            with self.subTest(user=user.login, attack="create"):
                line = {
                    "incoming_id": incoming.id,
                    "department_id": self.unit_tt.id,
                    "role": "main",
                }
                self.assert_refused(user, "snn.incoming.assignment", "create", [[line]])
            with self.subTest(user=user.login, attack="unlink"):
                self.assert_refused(user, "snn.incoming.assignment", "unlink", [main.ids])
        self.assertEqual(self.snapshot(incoming), before)
        self.assertFalse(other.assignment_ids)

    def test_a_head_passes_it_within_the_unit_only(self):
        incoming = self.assigned()
        main = incoming.assignment_ids.filtered(lambda a: a.role == "main")
        inform = incoming.assignment_ids - main
        # To someone outside KHTC, by its head; by the head of another unit.
        self.assert_refused(
            self.head2,
            "snn.incoming.assignment",
            "write",
            [main.ids, {"user_id": self.member_vp.id}],
        )
        with self.assertRaises(AccessError):
            main.with_user(self.head2).write({"user_id": self.member_tt.id})
        self.assert_refused(
            self.head,
            "snn.incoming.assignment",
            "write",
            [main.ids, {"user_id": self.member_vp.id}],
        )
        self.assert_refused(
            self.member_khtc,
            "snn.incoming.assignment",
            "write",
            [main.ids, {"user_id": self.member_khtc.id}],
        )
        self.env.invalidate_all()
        self.assertFalse(main.user_id)
        # Each head to a person of their own unit.
        self.rpc(
            self.head2,
            "snn.incoming.assignment",
            "write",
            [main.ids, {"user_id": self.member_khtc.id}],
        )
        self.rpc(
            self.head,
            "snn.incoming.assignment",
            "write",
            [inform.ids, {"user_id": self.member_vp.id}],
        )
        self.env.invalidate_all()
        self.assertEqual((main.user_id, inform.user_id), (self.member_khtc, self.member_vp))

    # ------------------------------------------------------------------ status outbox

    def test_the_status_outbox_is_the_systems(self):
        incoming = self.registered()
        status = self.env["snn.incoming.status"].create({"incoming_id": incoming.id, "code": "03"})
        for user in (self.clerk, self.manager, self.director, self.member_khtc):
            with self.subTest(user=user.login):
                self.assert_refused(
                    user,
                    "snn.incoming.status",
                    "create",
                    [[{"incoming_id": incoming.id, "code": "06"}]],
                )
                self.assert_refused(
                    user, "snn.incoming.status", "write", [status.ids, {"state": "sent"}]
                )
                with self.assertRaises(AccessError):
                    status.with_user(user).with_context(**FORGED_CONTEXT).write({"code": "15"})
        self.env.invalidate_all()
        statuses = self.env["snn.incoming.status"].search([("incoming_id", "=", incoming.id)])
        self.assertEqual(statuses, status)
        self.assertEqual((status.code, status.state), ("03", "pending"))

    # ------------------------------------------------------------------ steps by the wrong role

    def test_steps_by_the_wrong_role_change_nothing(self):
        received = (
            self.env["snn.incoming.document"]
            .with_user(self.clerk)
            .create(paper_values(self.scan, code="50/UBND-NN"))
            .sudo()
        )
        registered = self.registered()
        asked = self.registered(code="51/UBND-NN")
        asked.write({"sender_request": "recall"})  # as the exchange leaves it
        before = [self.snapshot(r) for r in (received, registered, asked)]
        lines = [{"department_id": self.unit_khtc.id, "role": "main"}]
        for user in (self.drafter, self.head, self.director, self.outsider, self.director_b):
            with self.subTest(user=user.login, step="register"):
                self.assert_refused(
                    user, "snn.incoming.document", "action_register", [received.ids]
                )
        for user in (self.clerk, self.head2, self.drafter, self.director_b):
            with self.subTest(user=user.login, step="assign"):
                self.assert_refused(
                    user,
                    "snn.incoming.document",
                    "action_assign",
                    [registered.ids, "Tự phân công", DEADLINE, lines],
                )
        with self.assertRaises(AccessError):  # another organisation's director, in the ORM
            registered.with_user(self.director_b).action_assign("Tự phân công", DEADLINE, lines)
        for user in (self.director, self.head, self.drafter, self.director_b):
            with self.subTest(user=user.login, step="agree"):
                self.assert_refused(
                    user, "snn.incoming.document", "action_agree_sender_request", [asked.ids]
                )
        self.assertEqual([self.snapshot(r) for r in (received, registered, asked)], before)
        self.assertEqual(received.state, "received")
        self.assertEqual((registered.state, asked.sender_request), ("accepted", "recall"))

    def test_a_draft_is_not_linked_to_an_incoming_document_over_rpc(self):
        incoming = self.assigned()
        draft = self.make_draft()
        self.assert_refused(
            self.drafter, "snn.document", "write", [draft.ids, {"reply_to_id": incoming.id}]
        )
        vals = {
            "subject": "Trả lời tự gắn",
            "document_type_id": self.type_letter.id,
            "department_id": self.unit_vp.id,
            "file": base64.b64encode(self.scan).decode(),
            "reply_to_id": incoming.id,
        }
        self.assert_refused(self.drafter, "snn.document", "create", [[vals]])
        self.env.invalidate_all()
        self.assertFalse(draft.reply_to_id)
        self.assertFalse(incoming.reply_ids)
