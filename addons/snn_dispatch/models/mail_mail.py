from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """An e-mail delivery is "sent" when the mail queue handed it over; a failed one is
        tried again later (by the dispatch's retry, with a new mail)."""
        deliveries = (
            self.env["snn.delivery"]
            .sudo()
            .search(
                [("mail_id", "in", self.ids), ("channel", "=", "email"), ("state", "=", "queued")]
            )
        )
        for delivery in deliveries:
            if failure_type:
                # On a connection error Odoo passes only the type; the reason is on the mail.
                why = failure_reason or delivery.mail_id.failure_reason or failure_type
                delivery._retry_later(why)
            else:
                delivery._move("sent", last_error=False)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
