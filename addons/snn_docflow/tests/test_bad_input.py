import base64

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.snn_docflow.exceptions import StepTakenError

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestBadInput(DocflowCase):
    """Bad input is refused with a clear message and leaves the document as it was."""

    def assertRefusedAndUnchanged(self, document, call, exception=UserError, says=None):
        state, trail = document.state, len(document.approval_ids)
        with self.assertRaisesExactly(exception) as caught:
            call()
        if says:
            self.assertIn(says, str(caught.exception))
        self.assertEqual(document.state, state)
        self.assertEqual(len(document.approval_ids), trail)

    def test_submit_without_a_file(self):
        document = self.make_draft(file=False, file_name=False)
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.drafter).action_submit, says="PDF"
        )

    def test_submit_a_file_that_is_not_a_pdf(self):
        """Refused at submission; where a module checks files when they are attached
        (snn_office converts office files and refuses the rest), already then."""
        docx = base64.b64encode(b"PK\x03\x04 word/document.xml ...")
        document = self.make_draft()
        try:
            document.with_user(self.drafter).write({"file": docx, "file_name": "218.docx"})
        except UserError as error:
            self.assertIn("218.docx", str(error))
            self.assertEqual(document.file_name, "218-SNN-VP.pdf", "the draft keeps its PDF")
            self.assertEqual(document.state, "draft")
            return
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.drafter).action_submit, says="218.docx"
        )

    def test_submit_without_signer_or_recipients(self):
        document = self.make_draft(signer_id=False, recipient_ids=[])
        with self.assertRaisesExactly(UserError) as caught:
            document.with_user(self.drafter).action_submit()
        self.assertIn("signer", str(caught.exception))
        self.assertIn("recipient", str(caught.exception))

    def test_submit_with_a_signer_who_is_not_a_director(self):
        document = self.make_draft(signer_id=self.clerk.id)
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.drafter).action_submit, says=self.clerk.name
        )

    def test_submit_when_the_unit_has_no_head(self):
        unit = self.env["hr.department"].create({"name": "Thanh tra", "snn_code": "TTr"})
        document = self.make_draft(department_id=unit.id)
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.drafter).action_submit, says="Thanh tra"
        )

    def test_empty_return_reason(self):
        document = self.walk(self.make_draft(), "head_review")
        for reason in (None, "", "   "):
            with self.subTest(reason=reason):
                self.assertRefusedAndUnchanged(
                    document, lambda r=reason: document.with_user(self.head).action_return(r)
                )

    def test_empty_cancel_reason(self):
        document = self.make_draft()
        self.assertRefusedAndUnchanged(
            document, lambda: document.with_user(self.drafter).action_cancel("")
        )

    def test_issue_twice(self):
        document = self.walk(self.make_draft(), "issued")
        number = document.number
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.clerk).action_issue, exception=StepTakenError
        )
        self.assertEqual(document.number, number)
        following = self.walk(self.make_draft(), "issued")
        self.assertEqual(following.number, number + 1, "the refusal burnt no number")

    def test_approval_by_a_drafter(self):
        document = self.walk(self.make_draft(), "director_review")
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.drafter).action_approve, exception=AccessError
        )

    def test_subject_too_long(self):
        with self.assertRaisesExactly(UserError) as caught:
            self.make_draft(subject="x" * 501)
        self.assertIn("500", str(caught.exception))

    def test_recipient_needs_exactly_one_target(self):
        document = self.make_draft()
        with self.assertRaises(ValidationError):
            self.env["snn.document.recipient"].with_user(self.drafter).create(
                {"document_id": document.id}
            )

    def test_issue_without_organisation_code(self):
        document = self.walk(self.make_draft(), "approved")
        self.company.snn_org_code = False
        self.assertRefusedAndUnchanged(
            document, document.with_user(self.clerk).action_issue, says="abbreviation"
        )
        self.assertFalse(document.number, "no number is taken when issuing fails")
