"""The sending agency changes its mind about a document we received (edXML
BussinessDocType 1 recall, 3 replace): the request waits on our copy until a clerk agrees
(status 15) or refuses with a reason (16); our copy is never deleted, its trail stays."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import IncomingCase

REASON = "Văn bản ban hành nhầm đối tượng nhận"


@tagged("post_install", "-at_install")
class TestSenderRequests(IncomingCase):
    def received_and_registered(self):
        self.send_from_agency()
        self.receive()
        incoming = self.received()
        incoming.with_user(self.clerk).action_register()
        return incoming

    def recall(self):
        self.send_from_agency(business_doc_type=1, business_reason=REASON)
        self.receive()

    def test_recall_agreed(self):
        incoming = self.received_and_registered()
        self.recall()
        self.assertEqual(self.received(), incoming)  # no record of its own
        self.assertEqual(incoming.sender_request, "recall")
        self.assertEqual(incoming.sender_request_reason, REASON)
        self.assertEqual(incoming.state, "accepted")  # not withdrawn by itself
        for user in (self.head2, self.director):  # the director reads it, but clerks answer
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                incoming.with_user(user).action_agree_sender_request()
        self.assertEqual((incoming.state, incoming.sender_request), ("accepted", "recall"))
        trail = incoming.message_ids

        incoming.with_user(self.clerk).action_agree_sender_request()
        self.assertEqual(incoming.state, "withdrawn")
        self.assertFalse(incoming.sender_request)
        self.assertTrue(incoming.exists())
        self.assertEqual(incoming.incoming_number, 1)  # still in the register
        self.assertLess(trail, incoming.message_ids)  # the trail kept, the answer added
        self.receive()
        self.assertEqual(self.statuses_sent(), ["01", "03", "15"])

    def test_recall_refused_with_a_reason(self):
        incoming = self.received_and_registered()
        self.recall()
        with self.assertRaisesExactly(UserError):
            incoming.with_user(self.clerk).action_refuse_sender_request("  ")
        self.assertEqual(incoming.sender_request, "recall")
        incoming.with_user(self.clerk).action_refuse_sender_request("Văn bản đã được xử lý xong")
        self.assertEqual(incoming.state, "accepted")
        self.assertFalse(incoming.sender_request)
        self.receive()
        self.assertEqual(self.statuses_sent(), ["01", "03", "16"])

    def test_replace_brings_the_new_document(self):
        old = self.received_and_registered()
        self.send_from_agency(
            number="131",
            business_doc_type=3,
            business_reason="Thay thế văn bản số 125/STC-QLNS",
            replaces=[old.edxml_document_id],
            subject="V/v thẩm định dự toán kinh phí năm 2019 (thay thế)",
        )
        self.receive()
        new = self.received() - old
        self.assertEqual(len(new), 1)
        self.assertEqual(new.code, "131/STC-QLNS")
        self.assertEqual(new.state, "received")
        self.assertEqual(new.signature_state, "valid")
        self.assertEqual((old.sender_request, old.replaced_by_id), ("replace", new))
        self.assertEqual(old.state, "accepted")
        old.with_user(self.clerk).action_agree_sender_request()
        self.assertEqual(old.state, "withdrawn")
        self.assertEqual(old.replaced_by_id, new)
