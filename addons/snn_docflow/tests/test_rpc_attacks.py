"""The attacks of test_chain_guards.py as a client makes them: over HTTP, as each role.

XML-RPC (/xmlrpc/2/object), JSON-RPC (/jsonrpc) and the JSON-2 API (/json/2, with an API key),
each with a forged context. Every refusal leaves the document as it was.
"""

import base64
from datetime import datetime, timedelta
from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import DocflowCase
from .test_chain_guards import FORGED_CONTEXT, unique_pdf

ATTACKS = {
    "approve itself": {"state": "approved"},
    "issue itself": {"state": "issued", "number": 9, "code": "09/SNN-VP"},
    "fake approval hash": {"approved_sha256": "0" * 64},
    "wipe the trail": {"approval_ids": [(5, 0, 0)]},
    "replace the file": {"file": base64.b64encode(b"%PDF-1.4 other\n%%EOF\n").decode()},
}


@tagged("post_install", "-at_install")
class TestRpcAttacks(HttpCase, DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_keys = {}
        for user in (cls.drafter, cls.head, cls.director, cls.clerk, cls.manager):
            cls.api_keys[user] = (
                cls.env["res.users.apikeys"]
                .with_user(user)
                ._generate(
                    scope="rpc", name="test", expiration_date=datetime.now() + timedelta(days=1)
                )
            )

    @staticmethod
    def password(user):
        return user.login + "x" * (8 - len(user.login))  # as new_test_user set it

    # ----------------------------------------------------------- three protocols

    def xmlrpc(self, user, model, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, self.password(user), model, method, args, kwargs or {}
        )

    def jsonrpc(self, user, model, method, args, kwargs=None):
        response = self.url_open(
            "/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [
                        self.env.cr.dbname,
                        user.id,
                        self.password(user),
                        model,
                        method,
                        args,
                        kwargs or {},
                    ],
                },
            },
        )
        body = response.json()
        if "error" in body:
            raise Fault(1, body["error"]["data"]["message"])
        return body["result"]

    def json2(self, user, model, method, args, kwargs=None):
        """JSON-2 names its arguments: ids, then the method's own."""
        kwargs = dict(kwargs or {})
        payload = {"context": kwargs.pop("context", {}), **kwargs}
        if method in ("write", "unlink", "read", "action_issue", "message_subscribe"):
            payload["ids"] = args[0]
            if method == "write":
                payload["vals"] = args[1]
        elif method == "create":
            payload["vals_list"] = args[0]
        response = self.url_open(
            f"/json/2/{model}/{method}",
            json=payload,
            headers={"Authorization": f"Bearer {self.api_keys[user]}"},
        )
        if response.status_code != 200:
            raise Fault(response.status_code, response.json().get("message", response.text))
        return response.json()

    PROTOCOLS = ("xmlrpc", "jsonrpc", "json2")

    def call(self, protocol, *args, **kwargs):
        return getattr(self, protocol)(*args, **kwargs)

    # ----------------------------------------------------------- attacks

    def test_no_write_moves_a_document(self):
        document = self.walk(
            self.make_draft(file=base64.b64encode(unique_pdf())), "director_review"
        )
        snapshot = document.read(["state", "number", "code", "approved_sha256", "file"])[0]
        trail = document.approval_ids.ids
        for protocol in self.PROTOCOLS:
            for user in (self.drafter, self.head, self.director, self.clerk, self.manager):
                for name, vals in ATTACKS.items():
                    with self.subTest(protocol=protocol, user=user.login, attack=name):
                        with self.assertRaises(Fault):
                            self.call(
                                protocol,
                                user,
                                "snn.document",
                                "write",
                                [[document.id], vals],
                                {"context": FORGED_CONTEXT},
                            )
        self.env.invalidate_all()
        self.assertEqual(
            document.read(["state", "number", "code", "approved_sha256", "file"])[0], snapshot
        )
        self.assertEqual(document.approval_ids.ids, trail)
        self.assertFalse(document.check_trail())

    def test_no_create_starts_past_draft(self):
        vals = {
            "subject": "Tự phê duyệt",
            "document_type_id": self.type_letter.id,
            "department_id": self.unit_vp.id,
            "state": "approved",
        }
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                with self.assertRaises(Fault):
                    self.call(
                        protocol,
                        self.drafter,
                        "snn.document",
                        "create",
                        [[vals]],
                        {"context": FORGED_CONTEXT},
                    )
        self.assertFalse(self.env["snn.document"].search([("subject", "=", "Tự phê duyệt")]))

    def test_the_file_attachment_cannot_be_swapped(self):
        document = self.walk(self.make_draft(file=base64.b64encode(unique_pdf())), "approved")
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "snn.document"),
                ("res_id", "=", document.id),
                ("res_field", "=", "file"),
            ]
        )
        other = base64.b64encode(unique_pdf()).decode()
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol, attack="write datas"):
                with self.assertRaises(Fault):
                    self.call(
                        protocol,
                        self.drafter,
                        "ir.attachment",
                        "write",
                        [[attachment.id], {"datas": other}],
                        {"context": FORGED_CONTEXT},
                    )
            with self.subTest(protocol=protocol, attack="unlink"):
                with self.assertRaises(Fault):
                    self.call(protocol, self.drafter, "ir.attachment", "unlink", [[attachment.id]])
        self.assertEqual(document._file_sha256(), document.approved_sha256)
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "issued")

    def test_deleting_gets_a_message_not_a_database_error(self):
        document = self.walk(self.make_draft(), "head_review")
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                with self.assertRaises(Fault) as caught:
                    self.call(protocol, self.drafter, "snn.document", "unlink", [[document.id]])
                self.assertIn("Cancel it instead", str(caught.exception))
                self.assertNotIn("foreign key", str(caught.exception))
        self.assertTrue(document.exists())

    def test_a_secret_document_gets_no_outside_follower(self):
        document = self.walk(self.make_draft(confidentiality="secret"), "head_review")
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                with self.assertRaises(Fault):
                    self.call(
                        protocol,
                        self.drafter,
                        "snn.document",
                        "message_subscribe",
                        [[document.id]],
                        {"partner_ids": self.partner.ids},
                    )
        self.assertNotIn(self.partner, document.message_partner_ids)

    def test_the_steps_work_over_json2(self):
        """The same client that is refused above moves the document through its steps."""
        document = self.make_draft()
        for user, method in (
            (self.drafter, "action_submit"),
            (self.head, "action_forward"),
            (self.director, "action_approve"),
            (self.clerk, "action_issue"),
        ):
            response = self.url_open(
                f"/json/2/snn.document/{method}",
                json={"ids": [document.id], "context": FORGED_CONTEXT},
                headers={"Authorization": f"Bearer {self.api_keys[user]}"},
            )
            self.assertEqual(response.status_code, 200, response.text)
        self.env.invalidate_all()
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.code, "01/SNN-VP")
