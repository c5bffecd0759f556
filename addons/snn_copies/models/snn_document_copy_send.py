"""The clerk's step "send an electronic copy" (Decree 30: a copy is sent as a document is):
action_send → checks (_get_cannot_send_reasons, then each recipient's) → effect (_do_send).

Recipients are organisations: one of this database receives an incoming document, another one
an e-mail with the sealed copy (snn_copy_delivery.py). Every recipient is checked before
anything is made: one that cannot be sent to refuses the whole send, nothing half-sent.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError


class SnnDocumentCopy(models.Model):
    _name = "snn.document.copy"
    _inherit = ["snn.document.copy", "snn.step.mixin"]

    # The deliveries write nothing on the copy (append-only): the inverse is theirs.
    delivery_ids = fields.One2many(
        "snn.copy.delivery", "copy_id", string="Deliveries", readonly=True
    )
    can_send = fields.Boolean(compute="_compute_can_send")

    @api.depends("company_id")
    @api.depends_context("uid")
    def _compute_can_send(self):
        for copy in self:
            copy.can_send = not copy._get_cannot_send_reasons()

    # ------------------------------------------------------------------ the step

    def action_open_send_wizard(self):
        """Clerk: the dialog that asks the recipients."""
        self.ensure_one()
        self._raise_first(self._get_cannot_send_reasons)
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.copy.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_copy_id": self.id},
        }

    def action_send(self, partner_ids):
        """Clerk: send this copy to the organisations ``partner_ids`` (res.partner ids);
        returns the new deliveries."""
        self.ensure_one()
        partners = self._recipients(partner_ids)
        self._check_can_send(partners)
        return self.sudo()._do_send(partners.sudo()).with_env(self.env)

    def _recipients(self, partner_ids):
        """The partners named (each once), as the caller: a forged value names none."""
        if not isinstance(partner_ids, (list, tuple)) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in partner_ids
        ):
            partner_ids = []
        return self.env["res.partner"].browse(list(dict.fromkeys(partner_ids)))

    def _check_can_send(self, partners):
        self._raise_first(self._get_cannot_send_reasons)
        reasons = self._get_cannot_send_to_reasons(partners)
        if reasons:
            raise reasons[0]

    def _get_cannot_send_reasons(self):
        """Why this user cannot send this copy now (first reason first)."""
        self.ensure_one()
        user = self.env.user
        if not (user.has_group("snn_docflow.group_clerk") and self.company_id in user.company_ids):
            return [
                AccessError(
                    self.env._(
                        "Only a clerk of %s sends its electronic copies.", self.company_id.name
                    )
                )
            ]
        # A copy goes while its original could still be copied (not recalled, not withdrawn).
        return (self.document_id or self.incoming_id)._get_cannot_copy_state_reasons()

    def _get_cannot_send_to_reasons(self, partners):
        """Why the copy cannot go to each of ``partners``: one reason refuses the send."""
        if not partners:
            return [
                UserError(self.env._("Choose the organisations to send copy %s to.", self.code))
            ]
        try:
            partners.check_access("read")
            partners.mapped("name")  # a deleted id shows here
        except (AccessError, MissingError):
            return [AccessError(self.env._("You may not send a copy to these recipients."))]
        already = (
            self.env["snn.copy.delivery"]
            .sudo()
            .search([("copy_id", "=", self.id), ("partner_id", "in", partners.ids)])
            .partner_id
        )
        reasons = []
        for partner in partners:
            why = self._cannot_send_to(partner, already)
            if why:
                reasons.append(UserError(why))
        return reasons

    def _cannot_send_to(self, partner, already):
        """Why the copy cannot go to ``partner`` (False when it can)."""
        channel, company = self._send_channel(partner)
        if not partner.is_company:
            return self.env._(
                "%s is not an organisation: copies are sent to organisations.",
                partner.display_name,
            )
        if company == self.company_id:
            return self.env._("%s made this copy: it is not sent to itself.", partner.display_name)
        if partner in already:
            return self.env._(
                "Copy %(code)s was sent to %(who)s already.",
                code=self.code,
                who=partner.display_name,
            )
        if not channel:
            return self.env._(
                "%s has no e-mail address and is not on this system; the exchange does not "
                "carry copies yet.",
                partner.display_name,
            )
        return False

    def _send_channel(self, partner):
        """(channel, organisation of this database) as snn_dispatch chooses for a document:
        an organisation of this database inside Odoo, another by e-mail; (False, …) when
        neither."""
        company = self.env["snn.document"]._company_of(partner)
        if company:
            return "internal", company
        return ("email" if partner.email else False), company

    # ------------------------------------------------------------------ the effect (sudo)

    def _do_send(self, partners):
        deliveries = self.env["snn.copy.delivery"].create(
            [self._delivery_values(partner) for partner in partners]
        )
        deliveries._send()
        (self.document_id or self.incoming_id).message_post(
            body=self.env._(
                "Copy %(code)s sent to %(who)s by %(user)s.",
                code=self.code,
                who=", ".join(deliveries.mapped("recipient_name")),
                user=self.env.user.name,
            )
        )
        return deliveries

    def _delivery_values(self, partner):
        channel, company = self._send_channel(partner)
        return {
            "copy_id": self.id,
            "recipient_name": partner.display_name,
            "partner_id": partner.id,
            "target_company_id": company.id if channel == "internal" else False,
            "email": partner.email or False,
            "channel": channel,
            "sent_by_id": self.env.uid,
        }

    # ------------------------------------------------------------------ words

    def _org_name(self):
        company = self.company_id
        return company.snn_org_full_name or company.name

    def _form_label(self):
        return dict(self._fields["form"]._description_selection(self.env))[self.form]
