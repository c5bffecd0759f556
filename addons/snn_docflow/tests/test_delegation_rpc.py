"""A delegation as a client attacks it: over XML-RPC and the JSON-2 API, as each role that may
not record, change, delete or end one, with a forged context. Every refusal changes nothing;
the director and a manager go through the same doors."""

from datetime import datetime, timedelta
from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.snn_document_workflow import vietnam_today
from .common import DocflowCase
from .test_chain_guards import FORGED_CONTEXT


@tagged("post_install", "-at_install")
class TestDelegationRpc(HttpCase, DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_b = cls.env["res.company"].create({"name": "Sở Tài chính", "snn_org_code": "STC"})
        cls.manager_b = new_test_user(
            cls.env,
            "t_deleg_mgr_b",
            "snn_docflow.group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        cls.deputy = cls.director2
        cls.refused = {
            "drafter": cls.drafter,
            "head": cls.head,
            "clerk": cls.clerk,
            "outsider": cls.outsider,
            "deputy": cls.deputy,
            "manager_b": cls.manager_b,
        }
        cls.api_keys = {
            user: cls.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(scope="rpc", name="test", expiration_date=datetime.now() + timedelta(days=1))
            for user in (*cls.refused.values(), cls.director, cls.manager)
        }
        today = vietnam_today()
        Delegation = cls.env["snn.delegation"]
        cls.scheduled = Delegation.create(cls._vals(today + timedelta(days=10), 2))
        cls.running = Delegation.create(cls._vals(today, 2))

    @classmethod
    def _vals(cls, start, days):
        return {
            "company_id": cls.company.id,
            "delegator_id": cls.director.id,
            "delegate_id": cls.director2.id,
            "date_from": str(start),
            "date_to": str(start + timedelta(days=days)),
        }

    # ----------------------------------------------------------- two protocols

    def xmlrpc(self, user, method, args, ids=None):
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user sets it
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            password,
            "snn.delegation",
            method,
            [ids, *args] if ids is not None else args,
            {"context": FORGED_CONTEXT},
        )

    def json2(self, user, method, args, ids=None):
        payload = {"context": FORGED_CONTEXT}
        if ids is not None:
            payload["ids"] = ids
        if method == "create":
            payload["vals_list"] = args[0]
        elif method == "write":
            payload["vals"] = args[0]
        response = self.url_open(
            f"/json/2/snn.delegation/{method}",
            json=payload,
            headers={"Authorization": f"Bearer {self.api_keys[user]}"},
        )
        if response.status_code != 200:
            raise Fault(response.status_code, response.json().get("message", response.text))
        return response.json()

    def snapshot(self):
        self.env.invalidate_all()
        Delegation = self.env["snn.delegation"].sudo()
        return Delegation.search([]).read(["date_from", "date_to", "state", "delegate_id"])

    # ----------------------------------------------------------- refusals

    @mute_logger("odoo.http")
    def test_every_other_role_is_refused_over_rpc(self):
        before = self.snapshot()
        later = vietnam_today() + timedelta(days=30)
        attempts = {
            "create": (None, [[self._vals(later, 1)]]),
            "write": (self.scheduled.ids, [{"date_to": str(later)}]),
            "unlink": (self.scheduled.ids, []),
            "action_end": (self.running.ids, []),
        }
        for protocol in ("xmlrpc", "json2"):
            for role, user in self.refused.items():
                for method, (ids, args) in attempts.items():
                    with self.subTest(protocol=protocol, role=role, method=method):
                        with self.assertRaises(Fault):
                            getattr(self, protocol)(user, method, args, ids)
        self.assertEqual(self.snapshot(), before, "a refusal changes nothing")

    @mute_logger("odoo.http")
    def test_the_director_and_a_manager_are_refused_what_nobody_may_do(self):
        before = self.snapshot()
        attempts = {
            "write its state": (self.scheduled.ids, "write", [{"state": "done"}]),
            "change a started one": (self.running.ids, "write", [{"date_to": "2040-01-01"}]),
            "delete a started one": (self.running.ids, "unlink", []),
            "start it in the past": (self.scheduled.ids, "write", [{"date_from": "2020-01-01"}]),
            "end a scheduled one": (self.scheduled.ids, "action_end", []),
        }
        for protocol in ("xmlrpc", "json2"):
            for user in (self.director, self.manager):
                for name, (ids, method, args) in attempts.items():
                    with self.subTest(protocol=protocol, user=user.login, attempt=name):
                        with self.assertRaises(Fault):
                            getattr(self, protocol)(user, method, args, ids)
        self.assertEqual(self.snapshot(), before)

    def test_the_director_records_and_a_manager_ends_over_rpc(self):
        later = vietnam_today() + timedelta(days=30)
        (made,) = self.json2(self.director, "create", [[self._vals(later, 1)]])
        self.assertEqual(self.env["snn.delegation"].browse(made).delegator_id, self.director)
        self.xmlrpc(self.manager, "action_end", [], self.running.ids)
        self.env.invalidate_all()
        self.assertEqual(self.running.state, "done")
