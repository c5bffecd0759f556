"""Trust in the chain, in the ORM: no path around the steps, as each role, whatever the context.

The same attacks over XML-RPC, JSON-RPC and the JSON-2 API are in test_rpc_attacks.py; the
frozen file, deleting, secret documents and two organisations each have their own file
(test_frozen_file.py, test_deleting.py, test_secret_inside.py, test_two_companies.py).
FORGED_CONTEXT and unique_pdf below are shared by the attack tests of every SNN add-on.
"""

import uuid

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PDF_BYTES, DocflowCase

# Every context key this module ever read, and a few of Odoo's own that bypass things elsewhere.
FORGED_CONTEXT = {
    "snn_transition": True,
    "tracking_disable": True,
    "install_mode": True,
    "module": "snn_docflow",
    "mail_notrack": True,
    "active_test": False,
    "su": True,
    "sudo": True,
    "uid": 1,
    "default_state": "approved",
}


def unique_pdf():
    """A PDF of its own: the filestore shares identical files between attachments."""
    return PDF_BYTES + f"%{uuid.uuid4().hex}\n".encode()


@tagged("post_install", "-at_install")
class TestOnlyStepsMoveADocument(DocflowCase):
    def test_no_role_writes_workflow_fields_whatever_the_context(self):
        document = self.walk(self.make_draft(), "director_review")
        attempts = {
            "state": {"state": "approved"},
            "number": {"number": 7, "number_year": 2019, "register_id": self.register.id},
            "code": {"code": "07/SNN-VP"},
            "issue_date": {"issue_date": "2019-02-18"},
            "reasons": {"return_reason": "x", "cancel_reason": "y"},
            "approved_sha256": {"approved_sha256": "0" * 64},
            "trail": {"approval_ids": [Command.clear()]},
            "trail_head": {"trail_head_hash": "0" * 64},
        }
        users = (self.drafter, self.head, self.director, self.clerk, self.manager)
        for user in users:
            for name, vals in attempts.items():
                for context in ({}, FORGED_CONTEXT):
                    with self.subTest(user=user.login, field=name, forged=bool(context)):
                        with self.assertRaisesExactly(AccessError):
                            document.with_user(user).with_context(**context).write(vals)
        self.assertEqual(document.state, "director_review")
        self.assertFalse(document.number)
        self.assertFalse(document.check_trail())

    def test_no_role_creates_a_document_past_draft(self):
        for user in (self.drafter, self.manager):
            for vals in ({"state": "issued"}, {"number": 1}, {"code": "01/SNN-VP"}):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesExactly(AccessError):
                        self.env["snn.document"].with_user(user).with_context(
                            **FORGED_CONTEXT
                        ).create(
                            {
                                "subject": "x",
                                "document_type_id": self.type_letter.id,
                                "department_id": self.unit_vp.id,
                                **vals,
                            }
                        )

    def test_no_client_default_reaches_a_step_field(self):
        """Odoo fills what create is not given from the context's default_<field> and from
        the user's own ir.default: neither may make a draft approved, numbered or hashed."""
        forged = {
            "default_state": "approved",
            "default_approved_sha256": "0" * 64,
            "default_register_id": self.register.id,
            "default_number": 7,
            "default_number_year": 2019,
            "default_code": "07/SNN-VP",
            "default_drafter_id": self.drafter2.id,
        }
        Document = self.env["snn.document"].with_user(self.drafter)
        self.env["ir.default"].with_user(self.drafter).set(
            "snn.document", "trail_head_hash", "0" * 64, user_id=True
        )
        for context in (forged, {**FORGED_CONTEXT, **forged}):
            with self.subTest(forged_su=len(context) > len(forged)):
                document = Document.with_context(**context).create(
                    {
                        "subject": "x",
                        "document_type_id": self.type_letter.id,
                        "department_id": self.unit_vp.id,
                    }
                )
                self.assertRecordValues(
                    document.sudo(),
                    [
                        {
                            "state": "draft",
                            "approved_sha256": False,
                            "register_id": False,
                            "number": 0,
                            "code": False,
                            "drafter_id": self.drafter.id,
                            "trail_head_hash": False,
                        }
                    ],
                )
        # A step run under such a context makes its trail row from its own values only.
        document = self.make_draft()
        document.with_user(self.drafter).with_context(
            default_user_id=self.director.id, default_comment="approved by the director"
        ).action_submit()
        row = document.approval_ids
        self.assertEqual((row.user_id, row.comment), (self.drafter, False))

    def test_duplicate_starts_a_fresh_draft(self):
        issued = self.walk(self.make_draft(), "issued")
        copy = issued.with_user(self.drafter).copy()
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.drafter_id, self.drafter)
        self.assertFalse(copy.number or copy.code or copy.approval_ids)

    def test_the_steps_still_work_with_a_forged_context(self):
        document = self.make_draft().with_context(**FORGED_CONTEXT)
        self.walk(document, "issued")
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.code, "01/SNN-VP")


@tagged("post_install", "-at_install")
class TestFourEyes(DocflowCase):
    def test_the_approver_does_not_issue(self):
        document = self.make_draft(signer_id=self.manager.id)
        document.with_user(self.drafter).action_submit()
        document.with_user(self.head).action_forward()
        document.with_user(self.manager).action_approve()
        self.assertFalse(document.with_user(self.manager).can_issue)
        with self.assertRaisesExactly(AccessError) as caught:
            document.with_user(self.manager).action_issue()
        self.assertIn("four eyes", str(caught.exception))
        self.assertEqual(document.state, "approved")
        document.with_user(self.clerk).action_issue()
        trail = document.approval_ids
        self.assertEqual(trail.filtered(lambda r: r.action == "approve").user_id, self.manager)
        self.assertEqual(trail.filtered(lambda r: r.action == "issue").user_id, self.clerk)

    def test_the_company_may_allow_it(self):
        self.company.snn_allow_approver_issue = True
        document = self.make_draft(signer_id=self.manager.id)
        document.with_user(self.drafter).action_submit()
        document.with_user(self.head).action_forward()
        document.with_user(self.manager).action_approve()
        document.with_user(self.manager).action_issue()
        self.assertEqual(document.state, "issued")

    def test_only_managers_change_the_setting(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.clerk).snn_allow_approver_issue = True


@tagged("post_install", "-at_install")
class TestRecipientsFollowTheDocument(DocflowCase):
    def test_recipients_are_frozen_with_the_document(self):
        document = self.walk(self.make_draft(), "head_review")
        with self.assertRaises(UserError):
            document.recipient_ids[0].with_user(self.drafter).write({"purpose": "information"})
        with self.assertRaises(UserError):
            document.recipient_ids[0].with_user(self.drafter).unlink()
