from odoo import fields, models


class SnnCopySendWizard(models.TransientModel):
    """The clerk's "Send" dialog of an electronic copy: the organisations it goes to."""

    _name = "snn.copy.send.wizard"
    _description = "Send an Electronic Copy"
    _inherit = ["snn.wizard.guard"]

    copy_id = fields.Many2one("snn.document.copy", required=True, ondelete="cascade")
    partner_ids = fields.Many2many(
        "res.partner", string="Recipients", domain=[("is_company", "=", True)]
    )

    def action_send(self):
        self.ensure_one()
        self._check_readable_links()
        deliveries = self.copy_id.action_send(self.partner_ids.ids)
        # Back on the copy, whose Deliveries list shows where each one stands.
        return self.copy_id._step_notification(
            self.env._(
                "Copy %(code)s sent to %(who)s.",
                code=self.copy_id.code,
                who=", ".join(deliveries.mapped("recipient_name")),
            ),
            {"type": "ir.actions.act_window_close"},
        )
