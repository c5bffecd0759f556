from odoo.tests import HttpCase, new_test_user, tagged

PROVINCE = "UBND tỉnh (tour báo cáo)"
SIGNER = "Giám đốc (tour báo cáo)"


@tagged("post_install", "-at_install")
class TestUiPeriodDocument(HttpCase):
    """In a real browser (headless Chromium): a clerk who also drafts makes the periodic
    report as an outgoing document from the report's dialog; the new draft opens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        g = "snn_docflow.group_"
        cls.maker = new_test_user(
            cls.env,
            "rdoc_clerk",
            f"{g}clerk,{g}drafter",
            name="Văn thư (tour báo cáo)",
        )
        cls.director = new_test_user(cls.env, "rdoc_director", f"{g}director", name=SIGNER)
        cls.env["hr.employee"].create(
            {"name": SIGNER, "user_id": cls.director.id, "job_title": "Giám đốc"}
        )
        head = new_test_user(cls.env, "rdoc_head", f"{g}head", name="Trưởng phòng (tour)")
        cls.env.company.write({"snn_org_code": "SNN", "snn_place": "Tuyên Quang"})
        cls.unit = cls.env["hr.department"].create(
            {
                "name": "Văn phòng (tour báo cáo)",
                "snn_code": "VP",
                "manager_id": cls.env["hr.employee"]
                .create({"name": head.name, "user_id": head.id})
                .id,
            }
        )
        cls.env["hr.employee"].create(
            {"name": cls.maker.name, "user_id": cls.maker.id, "department_id": cls.unit.id}
        )
        cls.province = cls.env["res.partner"].create({"name": PROVINCE, "is_company": True})
        # The user's own defaults (Odoo's "set as default"): the dialog opens with the province
        # and the signer chosen, so the tour presses no autocomplete (whose debounced search,
        # still pending when the dialog closes, rejects a promise nobody awaits: a flaky
        # "Uncaught (in promise)" in a headless browser).
        Default = cls.env["ir.default"]
        for field, value in (("recipient_id", cls.province.id), ("signer_id", cls.director.id)):
            Default.set("snn.period.report", field, value, user_id=cls.maker.id)

    def test_the_report_document_is_made_and_opened(self):
        Document = self.env["snn.document"]
        before = Document.search([])
        self.start_tour("/odoo", "snn_report_makes_report_document", login="rdoc_clerk")
        document = Document.search([]) - before
        self.assertEqual(len(document), 1)
        self.assertEqual(document.state, "draft")
        self.assertEqual(document.drafter_id, self.maker)
        self.assertEqual(document.department_id, self.unit)
        self.assertEqual(document.signer_id, self.director)
        self.assertEqual(document.signer_position, "GIÁM ĐỐC")
        self.assertEqual(document.recipient_ids.partner_id, self.province)
        self.assertEqual(document.document_type_id.code, "BC")
        self.assertEqual(document.file_name[-4:], ".pdf")
