from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from ..models.snn_incoming_assignment import ROLES


class SnnIncomingAssignWizard(models.TransientModel):
    """The director's direction (bút phê): instruction, deadline, and the units with their
    roles; confirming takes the assign step with them."""

    _name = "snn.incoming.assign.wizard"
    _inherit = ["snn.wizard.guard", "snn.incoming.own.form"]
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
            values.update(self._start_from(incoming))
        return values

    @api.model
    def _start_from(self, incoming):
        """The current assignment when there is one, else the office's routing suggestion."""
        if incoming.assignment_ids:
            lines = [(a.department_id, a.role, a.deadline) for a in incoming.assignment_ids]
            return {
                "instruction": incoming.instruction,
                "deadline": incoming.deadline,
                "line_ids": [
                    fields.Command.create({"department_id": d.id, "role": r, "deadline": t})
                    for d, r, t in lines
                ],
            }
        route = self.env["snn.incoming.route"]._suggest(incoming)
        if not route:
            return {}
        deadline = (
            vietnam_today() + timedelta(days=route.deadline_days) if route.deadline_days else False
        )
        lines = [(route.department_id, "main")]
        lines += [(d, "coordinate") for d in route.coordinate_department_ids]
        return {
            "deadline": deadline,
            "line_ids": [
                fields.Command.create({"department_id": d.id, "role": r}) for d, r in lines
            ],
        }

    def action_confirm(self):
        self.ensure_one()
        self._check_own()
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

    @api.model_create_multi
    def create(self, vals_list):
        wizards = self.env["snn.incoming.assign.wizard"].browse(
            [vals["wizard_id"] for vals in vals_list if vals.get("wizard_id")]
        )
        wizards._check_own()
        return super().create(vals_list)

    def write(self, vals):
        self.wizard_id._check_own()
        if "wizard_id" in vals:
            self.env["snn.incoming.assign.wizard"].browse(vals["wizard_id"])._check_own()
        return super().write(vals)

    def unlink(self):
        self.wizard_id._check_own()
        return super().unlink()
