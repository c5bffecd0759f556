import base64
import secrets

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.snn_signing.tests.common import (
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    start_demo_bridge,
)

SUBJECT = "Tour: gửi văn bản điện tử"


@tagged("post_install", "-at_install")
class TestUiDispatch(HttpCase):
    """In a real browser (headless Chromium): the receiving unit's head accepts the incoming
    document, and the sending clerk sees the acceptance on the document's deliveries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        running = start_demo_bridge(cls)
        pki = demo_pki()
        g = "snn_docflow.group_"
        roles = {"drafter": "drafter", "head": "head", "head2": "head", "clerk": "clerk"}
        users = {
            login: new_test_user(cls.env, f"dtour_{login}", f"{g}{group}", name=f"Tour {login}")
            for login, group in roles.items()
        }
        director = new_test_user(cls.env, "dtour_director", f"{g}director", name=pki.signer_name)
        bridge = cls.env["snn.sign.bridge"].create(bridge_values(running))
        cls.env.company.write({"snn_org_code": "SNN", **company_signing_values(bridge, pki)})
        director.write(director_signing_values(bridge, pki))
        Employee = cls.env["hr.employee"]
        head = Employee.create({"name": "Tour head", "user_id": users["head"].id})
        head2 = Employee.create({"name": "Tour head2", "user_id": users["head2"].id})
        Department = cls.env["hr.department"]
        unit = Department.create({"name": "Văn phòng", "snn_code": "VP", "manager_id": head.id})
        cls.receiving_unit = Department.create(
            {"name": "Kế hoạch - Tài chính", "snn_code": "KHTC", "manager_id": head2.id}
        )
        register = cls.env["snn.register"].create({"name": "Sổ đi (tour gửi)"})
        letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (tour gửi)", "register_id": register.id}
        )
        from snn_sign_testkit.sample_letter import make_letter_pdf  # noqa: PLC0415

        document = (
            cls.env["snn.document"]
            .with_user(users["drafter"])
            .create(
                {
                    "subject": SUBJECT,
                    "document_type_id": letter.id,
                    "department_id": unit.id,
                    "signer_id": director.id,
                    "file": base64.b64encode(make_letter_pdf() + secrets.token_hex(4).encode()),
                    "file_name": "218.pdf",
                    "recipient_ids": [Command.create({"department_id": cls.receiving_unit.id})],
                }
            )
        )
        document.with_user(users["drafter"]).action_submit()
        document.with_user(users["head"]).action_forward()
        document.with_user(director).action_approve()
        document.with_user(users["clerk"]).action_issue()
        cls.document = document.with_env(cls.env)
        assert cls.document.state == "issued" and cls.document.esign, cls.document.state
        cls.env["snn.delivery"]._cron_dispatch(commit=False)
        cls.delivery = cls.document.delivery_ids
        assert cls.delivery.state == "received", cls.delivery.state
        cls.incoming = cls.delivery.incoming_id

    def test_the_unit_accepts_and_the_sender_sees_it(self):
        self.assertEqual(self.document.code, "01/SNN-VP")
        self.assertRecordValues(
            self.incoming,
            [{"department_id": self.receiving_unit.id, "code": "01/SNN-VP", "state": "received"}],
        )
        self.start_tour("/odoo", "snn_dispatch_head_accepts", login="dtour_head2")
        self.assertEqual(self.incoming.state, "accepted")
        self.assertEqual(self.delivery.state, "accepted")
        self.assertFalse(self.incoming.activity_ids, "the head's to-do is done")
        self.start_tour("/odoo", "snn_dispatch_clerk_sees_acceptance", login="dtour_clerk")
        self.assertEqual(self.delivery.state, "accepted")
