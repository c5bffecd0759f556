"""Replacing and correcting an issued document (Decree 30 Art. 18.3), from the draft to what
its recipients get: the agency on the exchange an edXML replace naming the original, an
internal unit its copy of the original withdrawn and linked to the new one."""

import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_dispatch.tests.common import AGENCY_ORGAN_ID, DispatchCase

from snn_edxml.edxml import parse_document


class TestReplaceCorrect(DispatchCase):
    def sent_to_agency(self, document):
        document_id = document._edxml_document_id()
        [message] = [m for m in self.exchange.received() if m["document_id"] == document_id]
        self.assertEqual(message["to"], [AGENCY_ORGAN_ID])
        return parse_document(base64.b64decode(message["edxml"]))

    def internal_copy(self, document):
        return document.delivery_ids.filtered(lambda d: d.channel == "internal").incoming_id

    def test_a_replacement_withdraws_the_original_at_every_recipient_once_issued(self):
        original = self.issue_to(self.unit_khtc, self.agency)
        self.dispatch()
        number, code = original.number, original.code

        # Only its drafting unit (its drafter, its head) or a manager starts one.
        for user in (self.drafter2, self.member_khtc, self.clerk, self.outsider):
            with self.assertRaisesExactly(AccessError):
                original.with_user(user).action_replace()
        self.assertFalse(original.with_user(self.drafter2).can_replace)
        draft = original.with_user(self.drafter).action_replace().with_env(self.env)
        self.assertRecordValues(
            draft,
            [
                {
                    "state": "draft",
                    "replaces_id": original.id,
                    "drafter_id": self.drafter.id,
                    "subject": original.subject,
                    "document_type_id": original.document_type_id.id,
                    "department_id": original.department_id.id,
                    "signer_id": self.director.id,
                    "number": 0,
                }
            ],
        )
        self.assertEqual(
            draft.recipient_ids.mapped(lambda r: (r.department_id, r.partner_id, r.purpose)),
            original.recipient_ids.mapped(lambda r: (r.department_id, r.partner_id, r.purpose)),
        )
        self.assertEqual(draft.related_document_ids, original)
        self.assertEqual(draft._file_bytes(), original._file_bytes(), "the text to start from")
        # One at a time; and the original stays in force until the new one is issued.
        with self.assertRaisesRegex(UserError, "already under way"):
            original.with_user(self.head).action_replace()
        self.assertFalse(original.replaced_by_id)
        self.assertEqual(original.state, "issued")
        # Nobody links by hand: a draft of one's own cannot be made to replace another.
        other = self.make_letter()
        with self.assertRaisesExactly(AccessError):
            other.with_user(self.drafter).write({"replaces_id": original.id})
        with self.assertRaisesExactly(AccessError):
            self.env["snn.document"].with_user(self.drafter).create(
                {**other.copy_data()[0], "corrects_id": original.id}
            )

        self.walk(draft, "issued")
        self.assert_issued_and_valid(draft)
        self.assertEqual(original.replaced_by_id, draft)
        self.assertEqual((original.state, original.number, original.code), ("issued", number, code))
        row = original.approval_ids.sorted("id")[-1]
        self.assertEqual((row.action, row.user_id), ("replaced", self.clerk))
        self.assertIn(draft.code, row.comment)
        self.assertTrue(original.trail_intact, original._trail_problems())
        self.assertIn(code, draft.approval_ids.sorted("id")[-1].comment)
        with self.assertRaisesRegex(UserError, "already replaced"):
            original.with_user(self.drafter).action_replace()
        with self.assertRaisesRegex(UserError, "already replaced"):
            original.with_user(self.drafter).action_correct()

        self.dispatch()
        # The agency: an edXML replace (BussinessDocType 3) naming the original's DocumentId.
        sent = self.sent_to_agency(draft)
        self.assertEqual(sent.business_doc_type, 3)
        self.assertEqual(sent.replaces, [original._edxml_document_id()])
        self.assertIn(code, sent.business_reason)
        self.assertEqual(sent.files[0].data, draft._signed_pdf_bytes())
        self.assertEqual(self.sent_to_agency(original).business_doc_type, 0)
        # The internal unit: its copy of the original withdrawn, linked to the new one.
        old_copy, new_copy = self.internal_copy(original), self.internal_copy(draft)
        self.assertRecordValues(old_copy, [{"state": "withdrawn", "replaced_by_id": new_copy.id}])
        self.assertIn(draft.code, old_copy.message_ids[0].body)
        self.assertNotEqual(new_copy.state, "withdrawn")
        self.assertTrue(new_copy.activity_ids, "the new one waits for its head")

    def test_a_correcting_letter_goes_to_the_same_recipients_and_replaces_nothing(self):
        original = self.issue_to(
            self.unit_khtc, self.agency, document_type_id=self.type_decision.id
        )
        self.dispatch()
        letter = original.with_user(self.drafter).action_correct().with_env(self.env)
        self.assertRecordValues(
            letter,
            [
                {
                    "corrects_id": original.id,
                    "replaces_id": False,
                    "document_type_id": self.type_letter.id,
                    "drafter_id": self.drafter.id,
                }
            ],
        )
        self.assertIn(original.code, letter.subject)
        self.assertFalse(letter.file, "a letter of its own, written anew")
        letter.with_user(self.drafter).write(
            {"file": original.file, "file_name": "dinh-chinh.pdf", "signer_id": self.director.id}
        )
        self.walk(letter, "issued")
        self.assertFalse(original.replaced_by_id)
        self.assertEqual(original.correction_ids, letter)
        row = original.approval_ids.sorted("id")[-1]
        self.assertEqual(row.action, "corrected")
        self.assertTrue(original.trail_intact)
        self.dispatch()
        self.assertEqual(self.sent_to_agency(letter).business_doc_type, 0)
        self.assertEqual(self.internal_copy(original).state, "received", "still in force")
        # A second correction may follow the first.
        self.assertTrue(original.with_user(self.drafter).can_correct)

    def test_a_replacement_of_a_recalled_document_is_refused_before_any_number(self):
        original = self.issue_to(self.unit_khtc)
        draft = original.with_user(self.drafter).action_replace()
        self.walk(draft, "approved")
        original.with_user(self.clerk).action_recall("Ban hành nhầm")
        register = draft.document_type_id.register_id
        taken = self.env["snn.document"].search_count([("register_id", "=", register.id)])
        with self.assertRaisesRegex(UserError, "no longer in force"):
            draft.with_user(self.clerk).action_issue()
        self.assertRecordValues(draft, [{"state": "approved", "number": 0, "code": False}])
        self.assertEqual(
            self.env["snn.document"].search_count([("register_id", "=", register.id)]), taken
        )
        self.assertFalse(draft.with_user(self.clerk).can_issue)
        # Cancelled, it leaves the original as it was.
        draft.with_user(self.clerk).action_cancel("Văn bản gốc đã thu hồi")
        self.assertFalse(original.replaced_by_id)

    def test_only_issued_documents_are_replaced(self):
        draft = self.make_letter(
            recipient_ids=[Command.create({"department_id": self.unit_khtc.id})]
        )
        with self.assertRaisesRegex(UserError, "Draft"):
            draft.with_user(self.drafter).action_replace()
        self.walk(draft, "approved")
        with self.assertRaisesRegex(UserError, "Approved"):
            draft.with_user(self.drafter).action_correct()
