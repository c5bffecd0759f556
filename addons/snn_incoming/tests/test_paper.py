"""A paper document: the clerk scans it, uploads the PDF and types what it says; it is then
numbered in the same incoming register as electronic ones (Decree 30 Art. 22.2)."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import IncomingCase


def paper_values(pdf, **values):
    """What the clerk types for a letter of the district's People's Committee."""
    return {
        "source": "paper",
        "sender_name": "UBND huyện Yên Sơn",
        "code": "45/UBND-NN",
        "issue_date": "2019-05-08",
        "subject": "V/v báo cáo tình hình sản xuất vụ Đông Xuân",
        "document_type_name": "Công văn",
        "signer_name": "Nguyễn Văn Huyện",
        "file": base64.b64encode(pdf),
        "file_name": "45-UBND-NN.pdf",
        **values,
    }


@tagged("post_install", "-at_install")
class TestPaper(IncomingCase):
    def enter(self, pdf=None, user=None, context=None, **values):
        Incoming = self.env["snn.incoming.document"].with_user(user or self.clerk)
        Incoming = Incoming.with_context(**(context or {}))
        return Incoming.create(paper_values(pdf or self.letter_pdf, **values))

    def count(self, subject):
        return self.env["snn.incoming.document"].search_count([("subject", "=", subject)])

    def test_a_scan_says_it_has_no_signature(self):
        incoming = self.enter().sudo()
        self.assertEqual((incoming.source, incoming.state), ("paper", "received"))
        self.assertEqual(incoming.company_id, self.company)
        self.assertEqual(incoming.signature_state, "unsigned")
        self.assertIn("scan of a paper document", incoming.signature_verdict)
        self.assertTrue(incoming.received_at)
        # A scan of a document that was signed digitally too (printed from a signed PDF).
        signed = self.enter(self.signed_pdf, code="46/UBND-NN").sudo()
        self.assertEqual(signed.signature_state, "valid")
        self.assertNotIn("scan of a paper document", signed.signature_verdict)

    def test_only_a_pdf_by_a_clerk_with_the_typed_fields(self):
        subject = "Tệp không phải PDF"
        with self.assertRaisesExactly(UserError):
            self.enter(b"PK\x03\x04 a Word file", subject=subject)
        self.assertEqual(self.count(subject), 0)
        for user in (self.drafter, self.head, self.director, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.enter(user=user, subject=subject)
        forged = {
            "source": "exchange",
            "state": "accepted",
            "signature_state": "valid",
            "incoming_number": 7,
        }
        for field, value in forged.items():
            with self.subTest(field=field), self.assertRaises(AccessError):
                self.enter(subject=subject, **{field: value})
        self.assertEqual(self.count(subject), 0)

    def test_defaults_in_the_context_set_nothing(self):
        """What a client can send along with the typed fields: default_* keys for the
        system's fields."""
        forged = {
            "default_source": "exchange",
            "default_state": "accepted",
            "default_incoming_number": 7,
            "default_incoming_year": 2019,
            "default_registered_by_id": self.clerk.id,
            "default_sender_request": "recall",
            "default_deadline": "2019-06-30",
            "default_instruction": "Tự giao việc",
        }
        incoming = self.enter(context=forged).sudo()
        self.assertEqual((incoming.source, incoming.state), ("paper", "received"))
        self.assertEqual((incoming.incoming_number, incoming.incoming_year), (0, 0))
        self.assertFalse(incoming.registered_by_id)
        self.assertFalse(incoming.sender_request)
        self.assertFalse(incoming.deadline)
        self.assertFalse(incoming.instruction)

    def test_the_clerk_corrects_until_registered(self):
        incoming = self.enter()
        incoming.with_user(self.clerk).write({"subject": "V/v báo cáo sản xuất vụ Đông Xuân 2019"})
        self.assertEqual(incoming.sudo().subject, "V/v báo cáo sản xuất vụ Đông Xuân 2019")
        with self.assertRaises(AccessError):
            incoming.with_user(self.clerk).write({"incoming_number": 9})
        incoming.with_user(self.clerk).action_register()
        with self.assertRaises(AccessError):
            incoming.with_user(self.clerk).write({"subject": "Sửa sau khi vào sổ"})
        self.env.invalidate_all()
        self.assertEqual(incoming.sudo().subject, "V/v báo cáo sản xuất vụ Đông Xuân 2019")
        self.assertEqual(incoming.sudo().incoming_number, 1)

    def test_a_new_scan_is_checked_again_without_new_todos(self):
        incoming = self.enter()
        todos = incoming.sudo().activity_ids
        self.assertIn(self.clerk, todos.user_id)
        incoming.with_user(self.clerk).write({"file": base64.b64encode(self.signed_pdf)})
        self.assertEqual(incoming.sudo().signature_state, "valid")
        self.assertEqual(incoming.sudo().activity_ids, todos)

    def test_one_series_for_paper_and_electronic(self):
        self.send_from_agency()
        self.receive()
        electronic = self.received()
        electronic.with_user(self.clerk).action_register()
        paper = self.enter()
        paper.with_user(self.clerk).action_register()
        paper = paper.sudo()
        self.assertEqual((electronic.incoming_number, paper.incoming_number), (1, 2))
        self.assertEqual(paper.incoming_register_id, electronic.incoming_register_id)
        self.assertEqual(paper.incoming_year, electronic.incoming_year)

    def test_secret_documents_have_their_own_register(self):
        first = self.enter(code="47/UBND-NN")
        secret = self.enter(code="48/UBND-NN", confidentiality="secret")
        second = self.enter(code="49/UBND-NN")
        for incoming in (first, secret, second):
            incoming.with_user(self.clerk).action_register()
        first, secret, second = (first + secret + second).sudo()
        self.assertEqual(
            [first.incoming_number, secret.incoming_number, second.incoming_number], [1, 1, 2]
        )
        self.assertTrue(secret.incoming_register_id.confidential)
        self.assertFalse(first.incoming_register_id.confidential)
        self.assertEqual(first.incoming_register_id, second.incoming_register_id)

    def test_another_organisation_cannot_touch_ours(self):
        incoming = self.enter()
        Incoming = self.env["snn.incoming.document"].with_user(self.clerk2)
        self.assertFalse(Incoming.search([("id", "=", incoming.id)]))
        with self.assertRaises(AccessError):
            incoming.with_user(self.clerk2).read(["subject"])
        with self.assertRaises(AccessError):
            incoming.with_user(self.clerk2).action_register()
        with self.assertRaises(AccessError):
            incoming.with_user(self.clerk2).write({"subject": "Sửa của Sở khác"})
        self.env.invalidate_all()
        incoming = incoming.sudo()
        self.assertEqual((incoming.state, incoming.incoming_number), ("received", 0))
        self.assertEqual(incoming.subject, "V/v báo cáo tình hình sản xuất vụ Đông Xuân")
