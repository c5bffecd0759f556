import base64
import secrets

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

SUBJECT = "Tour: sổ đăng ký văn bản đi"
REGISTER = "Sổ văn bản đi (tour sổ)"


class UiReportCase(HttpCase):
    """One document issued on paper in its own register, by the five roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        g = "snn_docflow.group_"
        users = {
            role: new_test_user(cls.env, f"rtour_{role}", f"{g}{role}", name=f"Tour {role}")
            for role in ("drafter", "head", "director", "clerk", "manager")
        }
        cls.users = users
        # No e-signing dates: the organisation issues on paper (no token needed here).
        cls.env.company.write(
            {
                "snn_org_code": "SNN",
                "snn_esign_trial_date": False,
                "snn_esign_mandatory_date": False,
            }
        )
        head = cls.env["hr.employee"].create({"name": "Tour head", "user_id": users["head"].id})
        unit = cls.env["hr.department"].create(
            {"name": "Văn phòng (tour sổ)", "snn_code": "VP", "manager_id": head.id}
        )
        cls.register = cls.env["snn.register"].create({"name": REGISTER})
        letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (tour sổ)", "register_id": cls.register.id}
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
                    "signer_id": users["director"].id,
                    "file": base64.b64encode(make_letter_pdf() + secrets.token_hex(4).encode()),
                    "file_name": "218.pdf",
                    "recipient_ids": [Command.create({"department_id": unit.id})],
                }
            )
        )
        document.with_user(users["drafter"]).action_submit()
        document.with_user(users["head"]).action_forward()
        document.with_user(users["director"]).action_approve()
        document.with_user(users["clerk"]).action_issue()
        cls.document = document.with_env(cls.env)
        assert cls.document.state == "issued" and not cls.document.esign, cls.document.state

    def print_paper(self):
        """The clerk prints the issued document's paper originals in the browser: the
        three copies are recorded once, and the dialog closes with a confirmation."""
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{self.document.id}",
            "snn_report_clerk_prints_paper",
            login="rtour_clerk",
        )
        self.assertRecordValues(self.document, [{"paper_copies": 3, "file_copy_holder": "VT, VP"}])
        rows = self.document.approval_ids.filtered(lambda r: r.action == "print_paper")
        self.assertEqual(len(rows), 1, "one print, one trail row")
        self.assertEqual(rows.user_id, self.users["clerk"])


@tagged("post_install", "-at_install")
class TestUiReport(UiReportCase):
    """In a real browser (headless Chromium): the clerk prints the register and the paper
    originals, the manager opens the periodic report and its analysis."""

    def test_the_clerk_prints_paper_originals_once(self):
        self.print_paper()

    def test_the_clerk_prints_the_register(self):
        self.start_tour("/odoo", "snn_report_clerk_prints_register", login="rtour_clerk")
        wizard = self.env["snn.register.print"].search(
            [("create_uid", "=", self.users["clerk"].id)], order="id desc", limit=1
        )
        self.assertEqual(wizard.register_id, self.register, "the clerk's choice in the dialog")
        # What the browser downloads (as HTML: Odoo's test mode renders no PDF over HTTP).
        self.authenticate("rtour_clerk", "rtour_clerk")
        page = self.url_open(f"/report/html/snn_report.register_document/{wizard.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("SỔ ĐĂNG KÝ VĂN BẢN ĐI", page.text)
        self.assertIn(self.document.code, page.text)
        self.assertIn(SUBJECT, page.text)

    def test_the_manager_opens_the_report(self):
        self.start_tour("/odoo", "snn_report_manager_opens_report", login="rtour_manager")


@tagged("post_install", "-at_install")
class TestUiReportPhone(UiReportCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_on_a_phone_the_clerk_prints_paper_originals_once(self):
        self.print_paper()
