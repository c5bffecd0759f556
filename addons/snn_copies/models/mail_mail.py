from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """A copy sent by e-mail is "sent" when the mail queue handed it over; "failed" with
        the reason when it could not (the reason is told on the original too)."""
        deliveries = (
            self.env["snn.copy.delivery"]
            .sudo()
            .search([("mail_id", "in", self.ids), ("state", "=", "queued")])
        )
        for delivery in deliveries:
            if failure_type:
                # On a connection error Odoo passes only the type; the reason is on the mail.
                delivery._mail_failed(
                    failure_reason or delivery.mail_id.failure_reason or failure_type
                )
            else:
                delivery._mail_handed_over()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
