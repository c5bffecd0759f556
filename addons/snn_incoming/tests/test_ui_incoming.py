import base64

from odoo.tests import HttpCase, new_test_user, tagged

from snn_edxml.edxml import parse_document
from snn_sign_testkit.sample_letter import make_letter_pdf

from .common import agency_message


@tagged("post_install", "-at_install")
class TestUiIncoming(HttpCase):
    """In a real browser (headless Chromium): the clerk registers a document that came from
    another agency's system, then the director assigns it from the routing suggestion. The
    document arrives as the receive cron stores it (the exchange is not needed for that)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        g = "snn_docflow.group_"
        cls.clerk = new_test_user(cls.env, "itour_clerk", f"{g}clerk", name="Tour clerk")
        cls.director = new_test_user(cls.env, "itour_director", f"{g}director", name="Tour GĐ")
        head = cls.env["hr.employee"].create({"name": "Tour head"})
        cls.unit = cls.env["hr.department"].create(
            {"name": "Kế hoạch - Tài chính", "snn_code": "KHTC", "manager_id": head.id}
        )
        company = cls.env.company
        company.snn_organ_id = "000.00.11.H53"
        cls.env["snn.incoming.route"].create(
            {
                "name": "Sở Tài chính",
                "sender_organ_id": "000.00.00.H53",
                "department_id": cls.unit.id,
            }
        )
        data = agency_message(make_letter_pdf())  # an unsigned letter: nothing to verify
        cls.incoming = cls.env["snn.incoming.document"]._receive_document(
            company, parse_document(data), data
        )

    def test_clerk_registers_director_assigns(self):
        self.assertEqual(self.incoming.signature_state, "unsigned")
        self.start_tour("/odoo", "snn_incoming_clerk_registers", login="itour_clerk")
        self.assertEqual((self.incoming.state, self.incoming.incoming_number), ("accepted", 1))
        self.start_tour("/odoo", "snn_incoming_director_assigns", login="itour_director")
        self.assertEqual(self.incoming.state, "assigned")
        self.assertEqual(self.incoming.instruction, "Phòng KHTC chủ trì tham mưu trả lời.")
        self.assertEqual(self.incoming.assignment_ids.department_id, self.unit)
        self.assertTrue(base64.b64decode(self.incoming.edxml_message))
