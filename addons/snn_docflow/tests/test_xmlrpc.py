from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestXmlRpc(HttpCase, DocflowCase):
    """The contract as an XML-RPC client (or the mobile app) sees it, over real HTTP."""

    def call(self, user, method, *args):
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user set it
        return self.xmlrpc_object.execute(
            self.env.cr.dbname, user.id, password, "snn.document", method, *args
        )

    def test_chain_over_xmlrpc(self):
        document = self.make_draft()
        self.call(self.drafter, "action_submit", [document.id])
        self.call(self.head, "action_return", [document.id], "Sửa nơi nhận")
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.return_reason, "Sửa nơi nhận")
        self.call(self.drafter, "action_submit", [document.id])
        self.call(self.head, "action_forward", [document.id])
        self.call(self.director, "action_approve", [document.id])
        self.call(self.clerk, "action_issue", [document.id])
        values = self.call(self.clerk, "read", [document.id], ["code", "state", "issue_date"])[0]
        self.assertEqual(values["state"], "issued")
        self.assertRegex(values["code"], r"^01/SNN-VP$")

    def test_refusals_reach_the_client_as_faults(self):
        document = self.walk(self.make_draft(), "director_review")
        with self.assertRaises(Fault) as caught:
            self.call(self.drafter, "action_approve", [document.id])
        self.assertIn("signer", caught.exception.faultString)
        with self.assertRaises(Fault) as caught:
            self.call(self.director, "action_return", [document.id], "")
        self.assertIn("reason", caught.exception.faultString)
        self.assertEqual(document.state, "director_review")
