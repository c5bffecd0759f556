"""The reason wizard as a side door: whatever document id a client names in it (a default_*
context key, the field itself), a user who may not read that document gets a refusal, never
its number or subject (a wizard shows its document's name as superuser)."""

from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import DocflowCase
from .test_chain_guards import FORGED_CONTEXT

WIZARD = "snn.document.reason.wizard"


@tagged("post_install", "-at_install")
class TestReasonWizardSideDoor(HttpCase, DocflowCase):
    def call(self, user, model, method, args, kwargs=None):
        password = user.login + "x" * (8 - len(user.login))  # as new_test_user set it
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, args, kwargs or {}
        )

    def test_a_wizard_never_opens_on_a_document_its_user_may_not_read(self):
        secret = self.make_draft(subject="Kế hoạch mật về nhân sự", confidentiality="confidential")
        self.walk(secret, "director_review")
        wizards = self.env[WIZARD].search_count([])
        # drafter2 may not read the drafter's secret document; the head of another unit
        # neither. Each names it in the form's context, and in the field itself.
        for user in (self.drafter2, self.head2):
            context = {**FORGED_CONTEXT, "default_document_id": secret.id, "default_mode": "cancel"}
            with self.subTest(user=user.login, door="default_get"):
                with self.assertRaises(Fault) as caught:
                    self.call(
                        user, WIZARD, "default_get", [["document_id", "mode"]], {"context": context}
                    )
                self.assertIn("You may not read", caught.exception.faultString)
                self.assertNotIn("Kế hoạch mật", caught.exception.faultString)
            with self.subTest(user=user.login, door="onchange"):
                with self.assertRaises(Fault) as caught:
                    self.call(
                        user,
                        WIZARD,
                        "onchange",
                        [[], {}, [], {"document_id": {"fields": {"display_name": {}}}, "mode": {}}],
                        {"context": context},
                    )
                self.assertIn("You may not read", caught.exception.faultString)
                self.assertNotIn("Kế hoạch mật", caught.exception.faultString)
            with self.subTest(user=user.login, door="create"):
                with self.assertRaises(Fault) as caught:
                    self.call(
                        user,
                        WIZARD,
                        "create",
                        [{"document_id": secret.id, "mode": "return", "reason": "x"}],
                    )
                self.assertIn("You may not read", caught.exception.faultString)
                self.assertNotIn("Kế hoạch mật", caught.exception.faultString)
        # Nothing was made, nothing moved (read back as superuser).
        self.assertEqual(self.env[WIZARD].search_count([]), wizards)
        secret.invalidate_recordset()
        self.assertEqual(secret.state, "director_review")

    def test_the_signer_still_returns_through_the_wizard(self):
        document = self.walk(self.make_draft(), "director_review")
        context = {"default_document_id": document.id, "default_mode": "return"}
        defaults = self.call(
            self.director, WIZARD, "default_get", [["document_id", "mode"]], {"context": context}
        )
        self.assertEqual(defaults["document_id"], document.id)
        wizard = self.call(
            self.director,
            WIZARD,
            "create",
            [{"document_id": document.id, "mode": "return", "reason": "Sửa trích yếu"}],
        )
        self.call(self.director, WIZARD, "action_confirm", [[wizard]])
        document.invalidate_recordset()
        self.assertEqual(document.state, "draft")
