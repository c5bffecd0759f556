from odoo import api, models


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.constrains("res_model", "res_id", "partner_id")
    def _check_secret_documents_followed_by_insiders(self):
        """However a follower is added (message_subscribe, a direct create, superuser), a
        secret outgoing document is followed by insiders only."""
        for follower in self.filtered(lambda f: f.res_model == "snn.document" and f.partner_id):
            document = self.env["snn.document"].sudo().browse(follower.res_id).exists()
            document._check_insiders(follower.partner_id)
