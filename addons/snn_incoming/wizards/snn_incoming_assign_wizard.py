from odoo import api, fields, models

from ..models.snn_incoming_assignment import ROLES


class SnnIncomingAssignWizard(models.TransientModel):
    """The director's direction (bút phê): instruction, deadline, and the units with their
    roles; confirming takes the assign step with them."""

    _name = "snn.incoming.assign.wizard"
    _inherit = ["snn.wizard.guard"]
    _description = "Assign an Incoming Document"

    incoming_id = fields.Many2one("snn.incoming.document", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="incoming_id.company_id")
    instruction = fields.Text(string="Handling Instruction")
    deadline = fields.Date()
    line_ids = fields.One2many("snn.incoming.assign.wizard.line", "wizard_id", string="Units")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        incoming = self.env["snn.incoming.document"].browse(values.get("incoming_id"))
        if incoming.exists() and "line_ids" in fields_list:
            values["instruction"] = incoming.instruction
            values["deadline"] = incoming.deadline
            values["line_ids"] = [
                fields.Command.create(
                    {"department_id": a.department_id.id, "role": a.role, "deadline": a.deadline}
                )
                for a in incoming.assignment_ids
            ]
        return values

    def action_confirm(self):
        self.ensure_one()
        self._check_readable_links()
        lines = [
            {"department_id": line.department_id.id, "role": line.role, "deadline": line.deadline}
            for line in self.line_ids
        ]
        return self.incoming_id.action_assign(self.instruction, self.deadline, lines)


class SnnIncomingAssignWizardLine(models.TransientModel):
    _name = "snn.incoming.assign.wizard.line"
    _description = "Unit Named in an Assignment"

    wizard_id = fields.Many2one("snn.incoming.assign.wizard", required=True, ondelete="cascade")
    department_id = fields.Many2one("hr.department", string="Unit", required=True)
    role = fields.Selection(ROLES, required=True, default="main")
    deadline = fields.Date()
