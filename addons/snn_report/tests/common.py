"""Documents of the seed's organisation in every state a register shows, issued for real
(numbered, stamped and signed through the token bridge, dispatched by the scheduled action)."""

import io

from pdfminer.high_level import extract_text

from odoo import Command

from odoo.addons.snn_dispatch.tests.common import DispatchCase


def pdf_text(pdf):
    return extract_text(io.BytesIO(pdf))


class ReportCase(DispatchCase):
    def issue_on_paper(self, *recipients, **values):
        """Issued before the e-signing trial (the company's dates moved ahead for the step)."""
        company = self.company
        dates = {
            "snn_esign_trial_date": company.snn_esign_trial_date,
            "snn_esign_mandatory_date": company.snn_esign_mandatory_date,
        }
        company.write(
            {"snn_esign_trial_date": "2099-01-01", "snn_esign_mandatory_date": "2099-06-01"}
        )
        try:
            document = self.make_letter(recipient_ids=self._lines(recipients), **values)
            self.walk(document, "issued")
        finally:
            company.write(dates)
        document = document.with_env(self.env)
        self.assertEqual(document.paper_reason, "before_trial")
        return document

    def issue_secret(self, *recipients, **values):
        document = self.make_letter(
            recipient_ids=self._lines(recipients), confidentiality="confidential", **values
        )
        self.walk(document, "issued")
        document = document.with_env(self.env)
        self.assertEqual(document.paper_reason, "secret")
        return document

    @staticmethod
    def _lines(recipients):
        return [
            Command.create(
                {"department_id": r.id} if r._name == "hr.department" else {"partner_id": r.id}
            )
            for r in recipients
        ]

    def register_wizard(self, user, register, **values):
        return (
            self.env["snn.register.print"]
            .with_user(user)
            .create({"register_id": register.id, **values})
        )
