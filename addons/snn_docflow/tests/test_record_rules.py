from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DocflowCase


@tagged("post_install", "-at_install")
class TestRecordRules(DocflowCase):
    """Who sees which document, as each role, secret documents included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.docs = {}
        for state in ("draft", "head_review", "director_review", "approved", "issued"):
            for secret in (False, True):
                cls.docs[(state, secret)] = cls._make(state, secret)
        # A draft of another unit by another drafter.
        cls.other_unit_draft = cls._make("head_review", False, other=True)

    @classmethod
    def _make(cls, state, secret, other=False):
        env = cls.env
        drafter = cls.drafter2 if other else cls.drafter
        document = (
            env["snn.document"]
            .with_user(drafter)
            .create(
                {
                    "subject": f"{state} {'secret' if secret else 'normal'}",
                    "document_type_id": cls.type_letter.id,
                    "department_id": (cls.unit_khtc if other else cls.unit_vp).id,
                    "signer_id": cls.director.id,
                    "confidentiality": "secret" if secret else "normal",
                    "file": "JVBERi0xLjQKJSVFT0YK",  # "%PDF-1.4\n%%EOF\n"
                    "file_name": "x.pdf",
                    "recipient_ids": [(0, 0, {"partner_id": cls.partner.id})],
                }
            )
        )
        steps = [
            ("head_review", drafter, "action_submit"),
            ("director_review", cls.head2 if other else cls.head, "action_forward"),
            ("approved", cls.director, "action_approve"),
            ("issued", cls.clerk, "action_issue"),
        ]
        for _target, user, method in steps:
            if document.state == state:
                break
            getattr(document.with_user(user), method)()
        return document

    def _visible(self, user):
        everything = self.env["snn.document"].browse(
            [d.id for d in self.docs.values()] + [self.other_unit_draft.id]
        )
        return self.env["snn.document"].with_user(user).search([("id", "in", everything.ids)])

    def _keys(self, documents):
        return {key for key, doc in self.docs.items() if doc in documents}

    def test_drafter_sees_own_and_issued_non_secret(self):
        seen = self._visible(self.drafter)
        self.assertEqual(self._keys(seen), set(self.docs))  # all are their own
        self.assertNotIn(self.other_unit_draft, seen)
        seen2 = self._visible(self.drafter2)
        self.assertEqual(self._keys(seen2), {("issued", False)})
        self.assertIn(self.other_unit_draft, seen2)

    def test_head_sees_the_units_they_manage(self):
        seen = self._visible(self.head)
        self.assertEqual(self._keys(seen), set(self.docs))  # secret included: head of the unit
        self.assertNotIn(self.other_unit_draft, seen)
        self.assertIn(self.other_unit_draft, self._visible(self.head2))

    def test_director_sees_past_draft_and_secret_only_as_signer(self):
        seen = self._visible(self.director)
        self.assertEqual(self._keys(seen), {k for k in self.docs if k[0] != "draft"})
        self.assertIn(self.other_unit_draft, seen)
        seen2 = self._visible(self.director2)
        self.assertEqual(self._keys(seen2), {k for k in self.docs if k[0] != "draft" and not k[1]})

    def test_clerk_sees_approved_and_issued_secret_included(self):
        seen = self._visible(self.clerk)
        self.assertEqual(self._keys(seen), {k for k in self.docs if k[0] in ("approved", "issued")})

    def test_manager_sees_all(self):
        seen = self._visible(self.manager)
        self.assertEqual(self._keys(seen), set(self.docs))
        self.assertIn(self.other_unit_draft, seen)

    def test_outsider_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["snn.document"].with_user(self.outsider).search([])

    def test_secret_document_and_its_trail_hidden_from_other_drafters(self):
        secret_issued = self.docs[("issued", True)]
        with self.assertRaises(AccessError):
            secret_issued.with_user(self.drafter2).read(["subject"])
        Approval = self.env["snn.approval"]
        self.assertFalse(
            Approval.with_user(self.drafter2).search([("document_id", "=", secret_issued.id)])
        )
        self.assertTrue(
            Approval.with_user(self.drafter).search([("document_id", "=", secret_issued.id)])
        )
        Recipient = self.env["snn.document.recipient"]
        self.assertFalse(
            Recipient.with_user(self.director2).search([("document_id", "=", secret_issued.id)])
        )

    def test_only_the_drafter_edits_a_draft(self):
        document = self.docs[("draft", False)]
        for user in (self.head, self.director, self.clerk, self.drafter2):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                document.with_user(user).write({"urgency": "flash"})
        document.with_user(self.drafter).write({"urgency": "flash"})
        self.assertEqual(document.urgency, "flash")
