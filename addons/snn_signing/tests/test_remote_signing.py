"""The director signs remotely (Decree 68/2024): their key at a remote-signing service that
speaks the CSC API (snn_sign_testkit's, on 127.0.0.1, its keys on the SoftHSM2 token; no
Vietnamese provider can be reached from here). The clerk's issue numbers the document and
waits; only the director, with their PIN and the one-time code sent to their phone, completes
it, the same day."""

import datetime as dt
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.snn_docflow.models import snn_document_workflow as workflow

from .common import SigningCase, start_director_csc

PIN = "246810"


@tagged("post_install", "-at_install")
class TestRemoteSigning(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pki = cls.running.pki
        other = {
            "id": "other-key",
            "user": "someone-else",
            "key_label": pki.signer_label,
            "certificates": [pki.signer_cert, pki.ca_cert],
            "pin": PIN,
        }
        cls.csc, cls.service = start_director_csc(
            cls, cls.company, pki, pin=PIN, otp=True, more=[other]
        )
        cls.director.with_user(cls.manager).write(
            {
                "snn_sign_mode": "remote",
                "snn_csc_service_id": cls.service.id,
                "snn_csc_credential": "director-key",
                "snn_csc_token_file": "director.csc-token",
            }
        )

    def numbered_and_waiting(self):
        document = self.walk(self.make_letter(), "approved")
        document.with_user(self.clerk).action_issue()
        self.assertEqual(document.state, "approved", "it waits for the director")
        self.assertTrue(document.number and document.code)
        self.assertFalse(document.signed_file)
        self.assertEqual(document.awaiting_signature_of, self.director)
        return document

    def request_of(self, document):
        return document.signature_request_ids.filtered(lambda r: r.state == "waiting")

    def authorize(self, document, pin=PIN, otp=None, user=None):
        request = self.request_of(document).with_user(user or self.director)
        if otp is None:
            request.action_send_otp()
            otp = self.csc.last_otp("director-key")
        return request.action_authorize(pin=pin, otp=otp)

    def test_the_director_authorizes_and_the_issue_completes(self):
        document = self.numbered_and_waiting()
        code = document.code
        # The director finds it among what waits for them: a to-do on the document.
        todo = document.activity_ids.filtered(lambda a: a.user_id == self.director)
        self.assertEqual(todo.activity_type_id.name, "Sign Outgoing Document Remotely")
        self.assertTrue(document.with_user(self.director).awaiting_my_signature)
        self.assertFalse(document.with_user(self.clerk).awaiting_my_signature)
        self.authorize(document)
        self.assert_issued_and_valid(document)
        self.assertEqual(document.code, code, "the number taken at the clerk's issue")
        personal, seal = document.signature_ids.sorted("sequence")
        self.assertEqual(personal.key_label, "director-key")
        self.assertEqual(personal.signer_name, self.director.name)
        self.assertEqual(seal.kind, "organization")
        self.assertEqual(personal.signed_at.date(), seal.signed_at.date())
        # The trail: the clerk asked, the director authorised, the clerk's issue completed.
        steps = document.approval_ids.sorted("id")[-3:]
        self.assertEqual(
            steps.mapped("action"), ["await_signature", "authorize_signature", "issue"]
        )
        self.assertEqual(steps.mapped("user_id"), self.clerk + self.director + self.clerk)
        self.assertIn("authorised by", steps[1].comment)
        self.assertTrue(document.trail_intact, document._trail_problems())
        self.assertFalse(document.activity_ids.filtered(lambda a: a.user_id == self.director))

    def test_a_wrong_pin_or_code_signs_nothing(self):
        document = self.numbered_and_waiting()
        with self.assertRaises(UserError):
            self.authorize(document, pin="000000")
        with self.assertRaises(UserError):
            self.authorize(document, otp="999999")
        self.assertEqual(document.state, "approved")
        self.assertFalse(document.signed_file)
        self.assertEqual(self.request_of(document).state, "waiting", "the director may retry")
        self.authorize(document)
        self.assertEqual(document.state, "issued")

    def test_nobody_but_the_holder_can_authorize_or_decline(self):
        document = self.numbered_and_waiting()
        request = self.request_of(document)
        for user in (self.clerk, self.manager, self.head, self.drafter):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                request.with_user(user).action_authorize(pin=PIN, otp="123456")
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                request.with_user(user).action_decline("no")
        # A context that claims to be the director, or hands in a signed file: the same refusal.
        forged = {"uid": self.director.id, "snn_remote_signed": {document.id: b"%PDF"}}
        for user in (self.clerk, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                request.with_user(user).with_context(**forged).action_authorize(
                    pin=PIN, otp="123456"
                )
        # Nor may anyone write the request (its pending signature or its state).
        for user in (self.clerk, self.director, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                request.with_user(user).write({"state": "signed"})
        self.assertEqual(document.state, "approved")

    def test_declined_keeps_the_number_and_the_clerk_issues_again(self):
        document = self.numbered_and_waiting()
        code = document.code
        with self.assertRaises(UserError):
            self.request_of(document).with_user(self.director).action_decline("  ")
        self.request_of(document).with_user(self.director).action_decline("Sửa lại trích yếu")
        self.assertEqual(document.state, "approved")
        self.assertEqual(document.code, code, "the number stays with its document")
        self.assertEqual(document.approval_ids.sorted("id")[-1].action, "decline_signature")
        self.assertIn("Sửa lại trích yếu", document.message_ids[0].body)
        document.with_user(self.clerk).action_issue()
        self.assertEqual(len(self.request_of(document)), 1)
        self.authorize(document)
        self.assertEqual((document.state, document.code), ("issued", code))

    def test_an_authorization_on_a_later_day_is_refused_not_dated_wrongly(self):
        today = workflow.vietnam_now()
        tomorrow = today + dt.timedelta(days=1)
        document = self.numbered_and_waiting()
        self.assertEqual(document.issue_date, today.date())
        with patch.object(workflow, "vietnam_now", return_value=tomorrow):
            with self.assertRaises(UserError) as refused:
                self.authorize(document)
            self.assertIn("can no longer be signed today", str(refused.exception))
            self.assertEqual(document.state, "approved")
            # The hourly clean-up: the request expires, the director's to-do goes, the clerk
            # is told on the document.
            self.assertEqual(self.env["snn.signature.request"]._cron_expire(), 1)
            self.assertFalse(document.activity_ids.filtered(lambda a: a.user_id == self.director))
            self.assertIn("issue it again", document.message_ids[0].body)
            self.assertIn(self.clerk.partner_id, document.message_ids[0].partner_ids)
            # The clerk issues again: same number, the new day's date, a new request.
            code = document.code
            document.with_user(self.clerk).action_issue()
            self.assertEqual(document.issue_date, tomorrow.date())
            self.assertEqual(document.signature_request_ids.mapped("state"), ["waiting", "expired"])
            self.authorize(document)
        self.assertEqual((document.state, document.code), ("issued", code))
        self.assertEqual(document.issue_date, tomorrow.date())

    def test_the_authorised_signature_is_used_even_if_the_mode_changed_meanwhile(self):
        """A manager switches the director back to the server's bridge while a document waits:
        the director's authorisation still completes that document with the remote signature
        (not a second signature by the bridge), and the next issue uses the bridge."""
        now = workflow.vietnam_now()
        # Prepared a little earlier today: the remote signature bears that time, a signature
        # made by the bridge at completion would bear the time of completion.
        since_midnight = now - now.replace(hour=0, minute=0, second=0)
        earlier = now - min(dt.timedelta(seconds=90), since_midnight)
        with patch.object(workflow, "vietnam_now", return_value=earlier):
            document = self.numbered_and_waiting()
        self.director.with_user(self.manager).snn_sign_mode = "server"
        try:
            self.authorize(document)
            self.assertEqual(document.state, "issued")
            personal = document.signature_ids.sorted("sequence")[0]
            self.assertEqual(personal.signed_at, earlier.astimezone(dt.UTC).replace(tzinfo=None))
            self.assertTrue(personal.valid)
            trail = document.approval_ids.sorted("id").mapped("action")
            self.assertEqual(trail[-2:], ["authorize_signature", "issue"])
        finally:
            self.director.with_user(self.manager).snn_sign_mode = "remote"
