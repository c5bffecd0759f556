from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SigningCase


@tagged("post_install", "-at_install")
class TestEsignPeriod(SigningCase):
    def period(self, trial, mandatory):
        self.company.write({"snn_esign_trial_date": trial, "snn_esign_mandatory_date": mandatory})

    def test_before_the_trial_documents_are_numbered_on_paper(self):
        self.period(date(2099, 3, 1), date(2099, 4, 15))
        document = self.walk(self.make_letter(), "issued")
        self.assertEqual(document.code, "01/SNN-VP")
        self.assertFalse(document.esign)
        self.assertEqual(document.paper_reason, "before_trial")
        self.assertFalse(document.signed_file or document.signature_ids)

    def test_during_the_trial_the_clerk_chooses(self):
        self.period(date(2019, 3, 1), date(2099, 4, 15))
        signed = self.walk(self.make_letter(), "issued")
        self.assertTrue(signed.esign, "e-signed by default")
        paper = self.walk(self.make_letter(), "approved")
        self.bridge.url = "http://127.0.0.1:9"  # paper needs no bridge
        paper.with_user(self.clerk).action_issue_paper()
        self.assertEqual(
            (paper.state, paper.esign, paper.paper_reason), ("issued", False, "clerk_choice")
        )
        self.assertEqual(paper.number, 2)

    def test_once_mandatory_there_is_no_paper_choice(self):
        document = self.walk(self.make_letter(), "approved")
        with self.assertRaises(UserError):
            document.with_user(self.clerk).action_issue_paper()
        self.assertEqual(document.state, "approved")
        document.with_user(self.clerk).action_issue()
        self.assertTrue(document.esign)

    def test_paper_choice_is_still_a_clerks_step(self):
        self.period(date(2019, 3, 1), date(2099, 4, 15))
        document = self.walk(self.make_letter(), "approved")
        for user in (self.drafter, self.director):
            with self.assertRaises(UserError):
                document.with_user(user).action_issue_paper()
        self.assertEqual(document.state, "approved")

    def test_secret_documents_are_never_e_signed(self):
        self.bridge.url = "http://127.0.0.1:9"  # not even asked
        document = self.walk(self.make_letter(confidentiality="secret"), "issued")
        self.assertFalse(document.esign)
        self.assertEqual(document.paper_reason, "secret")
        self.assertEqual(document.register_id, self.register_secret)
        self.assertFalse(document.signed_file)

    def test_the_period_is_checked(self):
        with self.assertRaises(UserError):
            self.period(date(2019, 4, 15), date(2019, 3, 1))
