"""From the exchange to the answer, as the clerk, the director, the unit's head and the
official would do it, with the statuses the sending agency receives at each step."""

import base64
import datetime as dt

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from snn_edxml.edxml import parse_document

from .common import AGENCY_SYSTEM, IncomingCase, agency_message


@tagged("post_install", "-at_install")
class TestReceiveExchange(IncomingCase):
    def test_arrival_register_assign_handle_reply(self):
        self.send_from_agency()
        self.receive()
        incoming = self.received()
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming.source, "exchange")
        self.assertEqual(incoming.code, "125/STC-QLNS")
        self.assertEqual(incoming.sender_organ_id, "000.00.00.H53")
        self.assertEqual(incoming.signature_state, "valid")
        self.assertEqual(len(incoming.signature_verdict.splitlines()), 2)  # director and seal
        self.assertEqual(self.statuses_sent(), ["01"])
        # The same message again (delivered twice by the exchange): nothing new.
        self.send_from_agency()
        self.receive()
        self.assertEqual(self.received(), incoming)

        # The clerk registers it: số đến 1 of this year, status 03.
        incoming.with_user(self.clerk).action_register()
        self.assertEqual((incoming.incoming_number, incoming.state), (1, "accepted"))
        self.assertEqual(incoming.incoming_year, incoming.registered_at.year)
        # Electronic documents are read-only, even for the clerk.
        with self.assertRaises(AccessError):
            incoming.with_user(self.clerk).write({"subject": "Sửa trích yếu"})

        # The director assigns it to KHTC (main) with a deadline; VP is informed.
        deadline = dt.date.today() + dt.timedelta(days=5)
        with self.assertRaises(AccessError):
            incoming.with_user(self.head2).action_assign("", deadline, [])
        incoming.with_user(self.director).action_assign(
            "Phòng KHTC chủ trì tham mưu trả lời.",
            deadline,
            [
                {"department_id": self.unit_khtc.id, "role": "main"},
                {"department_id": self.unit_vp.id, "role": "inform"},
            ],
        )
        self.assertEqual(incoming.state, "assigned")
        main = incoming.assignment_ids.filtered(lambda a: a.role == "main")
        self.assertEqual(main.deadline, deadline)
        todo = incoming.activity_ids.filtered(lambda a: a.user_id == self.head2)
        self.assertEqual(todo.date_deadline, deadline)

        # KHTC's head passes it to an official of the unit, who sees it and handles it.
        with self.assertRaises(AccessError):
            main.with_user(self.head).write({"user_id": self.member_khtc.id})  # not their unit
        main.with_user(self.head2).write({"user_id": self.member_khtc.id})
        incoming.with_user(self.member_khtc).action_process()
        self.assertEqual(incoming.state, "processing")

        # The reply: a draft linked to it, carrying ResponseFor; its issue closes the handling.
        with self.assertRaises(AccessError):  # the reply closes the handling: KHTC writes it
            incoming.with_user(self.drafter).action_reply()
        reply = incoming.with_user(self.member_khtc).action_reply()
        self.assertEqual(reply.reply_to_id, incoming)
        with self.assertRaises(AccessError):
            reply.with_user(self.member_khtc).write({"reply_to_id": False})
        reply.with_user(self.member_khtc).write(
            {
                "file": base64.b64encode(self.letter_pdf),
                "file_name": "tra-loi.pdf",
                "signer_id": self.director.id,
                "signer_authority": "KT. GIÁM ĐỐC",
                "signer_position": "PHÓ GIÁM ĐỐC",
            }
        )
        reply.with_user(self.member_khtc).action_submit()
        reply.with_user(self.head2).action_forward()
        reply.with_user(self.director).action_approve()
        reply.with_user(self.clerk).action_issue()
        self.assertEqual(incoming.state, "done")
        message = parse_document(reply.sudo()._edxml_message(reply.delivery_ids))
        self.assertEqual(
            [r.document_id for r in message.response_for], [incoming.edxml_document_id]
        )
        self.receive()
        self.assertEqual(self.statuses_sent(), ["01", "03", "04", "05", "06"])

    def test_flagged_signatures_and_refusal(self):
        tampered = bytearray(self.signed_pdf)
        at = tampered.index(b"Tuy") if b"Tuy" in tampered else len(tampered) // 3
        tampered[at] ^= 0x01
        self.send_from_agency(bytes(tampered), number="126")
        self.send_from_agency(self.letter_pdf, number="127")
        self.receive()
        by_number = {i.code.split("/")[0]: i for i in self.received()}
        self.assertEqual(by_number["126"].signature_state, "invalid")
        self.assertEqual(by_number["127"].signature_state, "unsigned")
        # A broken signature is registered only with a note, or refused (status 02).
        with self.assertRaises(UserError):
            by_number["126"].with_user(self.clerk).action_register()
        self.assertFalse(by_number["126"].incoming_number)
        by_number["126"].with_user(self.clerk).action_refuse("Chữ ký số không hợp lệ")
        self.assertEqual(by_number["126"].state, "refused")
        self.receive()
        self.assertEqual(self.statuses_sent(), ["01", "01", "02"])

    def test_untrusted_without_the_root(self):
        self.company.snn_trust_roots = False  # our test CA is no longer trusted
        self.send_from_agency()
        self.receive()
        incoming = self.received()
        self.assertEqual(incoming.signature_state, "untrusted")
        incoming.with_user(self.clerk).action_register(
            "Đã xác minh qua điện thoại với Sở Tài chính"
        )
        self.assertEqual(incoming.registration_note, "Đã xác minh qua điện thoại với Sở Tài chính")

    def test_same_number_and_date_is_an_alert(self):
        self.send_from_agency()
        self.receive()
        first = self.received()
        # Same sender, number and date under another DocumentId (another client wrote the
        # date without leading zeros).
        data = agency_message(self.signed_pdf, subject="V/v thẩm định dự toán (gửi lại)")
        data = data.replace(b",2019/05/10,", b",2019/5/10,")
        self.exchange.deliver(data, as_system_id=AGENCY_SYSTEM)
        self.receive()
        self.assertEqual(self.received(), first)
        self.assertIn("sent this document again", first.message_ids[0].body)

    def test_register_numbers_in_order(self):
        for number in ("201", "202", "203"):
            self.send_from_agency(number=number)
        self.receive()
        documents = self.received().sorted("code")
        for incoming in documents:
            incoming.with_user(self.clerk).action_register()
        self.assertEqual(documents.mapped("incoming_number"), [1, 2, 3])
        data = base64.b64decode(documents[0].edxml_message)
        self.assertIn(b"201", data)


@tagged("post_install", "-at_install")
class TestReceivedMessageIndex(IncomingCase):
    def message_attachment(self, incoming):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", incoming._name),
                    ("res_id", "=", incoming.id),
                    ("res_field", "=", "edxml_message"),
                ]
            )
        )

    def test_the_message_is_not_copied_into_the_search_but_a_clients_key_skips_nothing(self):
        self.send_from_agency()
        self.receive()
        incoming = self.received()
        self.assertFalse(self.message_attachment(incoming).index_content)
        # The same key in a client's context, reaching code that runs as superuser (as an
        # upload written through sudo would): the text is indexed all the same.
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.clerk)
            .with_context(snn_no_index=True)
            .sudo()
            .create({"name": "note.txt", "raw": b"Van ban can tim thay", "mimetype": "text/plain"})
        )
        self.assertIn("Van ban can tim thay", attachment.index_content)
