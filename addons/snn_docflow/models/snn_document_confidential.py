"""Secret and above stay inside: who may follow such a document, who is told of it, and how.

A document whose confidentiality is not ``normal`` is followed, mentioned and notified only
to internal users allowed to read it, and never by e-mail: their notifications go to the
Odoo inbox. Followers are checked on mail.followers itself (models/mail_followers.py), so
no path around message_subscribe adds an outsider.
"""

from odoo import api, models
from odoo.exceptions import UserError


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def _is_secret(self):
        return self.confidentiality != "normal"

    def _outsiders(self, partners):
        """Of ``partners``, those who are not internal users allowed to read this document."""
        self.ensure_one()
        insiders = self.env["res.partner"]
        for partner in partners.sudo():
            users = partner.user_ids.filtered(lambda u: not u.share)
            if any(self.with_user(user).has_access("read") for user in users):
                insiders |= partner
        return partners - insiders

    def _check_insiders(self, partners):
        """Refuse to involve anyone but insiders in a secret document."""
        for document in self.filtered(lambda d: d._is_secret()):
            outsiders = document._outsiders(partners)
            if outsiders:
                raise UserError(
                    self.env._(
                        "“%(doc)s” is %(level)s: only internal users allowed to read it may "
                        "follow it or be told of it. Not allowed: %(names)s.",
                        doc=document.display_name,
                        level=dict(
                            self._fields["confidentiality"]._description_selection(self.env)
                        )[document.confidentiality],
                        names=", ".join(outsiders.mapped("display_name")),
                    )
                )

    @api.constrains("confidentiality")
    def _check_followers_of_secret(self):
        for document in self:
            document._check_insiders(document.sudo().message_partner_ids)

    def message_post(self, **kwargs):
        self._check_insiders(self.env["res.partner"].browse(kwargs.get("partner_ids") or []))
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
        self._check_insiders(self.env["res.partner"].browse(kwargs.get("partner_ids") or []))
        return super().message_notify(**kwargs)

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """A secret document's notifications never leave by e-mail: inbox for insiders only."""
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        if not any(document._is_secret() for document in self):
            return recipients
        kept = []
        for recipient in recipients:
            if recipient.get("uid") and not recipient.get("ushare"):
                kept.append(dict(recipient, notif="inbox"))
        return kept
