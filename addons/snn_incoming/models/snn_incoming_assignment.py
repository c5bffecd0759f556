"""Who handles an incoming document, in which role, by when (Decree 30 Art. 23.2; the
"phiếu giải quyết văn bản đến" of Annex IV): one main unit (chủ trì), coordinating units
(phối hợp), units informed (để biết). The director names the units; each unit's head passes
the document to a person of the unit."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

ACTIVITY_HANDLE = "snn_dispatch.mail_activity_type_incoming"
ACTIVITY_REMIND = "snn_incoming.mail_activity_type_deadline_reminder"
OVERDUE_REPORT = "snn_incoming.action_report_incoming_overdue"
ROLES = [
    ("main", "Main (chủ trì)"),
    ("coordinate", "Coordinate (phối hợp)"),
    ("inform", "Inform (để biết)"),
]


class SnnIncomingAssignment(models.Model):
    _name = "snn.incoming.assignment"
    _description = "Incoming Document Assignment"
    _inherit = ["snn.document.child"]
    _snn_parent_fields = ("incoming_id",)
    _snn_rules_from = "incoming_id"
    _order = "incoming_id, role, id"

    incoming_id = fields.Many2one(
        "snn.incoming.document", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="incoming_id.company_id", store=True, index=True)
    department_id = fields.Many2one("hr.department", string="Unit", required=True, readonly=True)
    head_id = fields.Many2one(
        "res.users", string="Head of Unit", related="department_id.manager_id.user_id"
    )
    user_id = fields.Many2one("res.users", string="Handled By", index=True)
    role = fields.Selection(ROLES, required=True, readonly=True)
    deadline = fields.Date(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")], default="open", required=True, readonly=True
    )
    instruction = fields.Text(related="incoming_id.instruction")
    # For the queues: what the document is, without opening it.
    code = fields.Char(related="incoming_id.code")
    subject = fields.Char(related="incoming_id.subject")
    reminded = fields.Boolean(readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")

    # A unit informed (để biết) has nothing to hand in: never overdue.
    @api.depends("deadline", "state", "role")
    def _compute_is_overdue(self):
        today = vietnam_today()
        for assignment in self:
            assignment.is_overdue = bool(
                assignment.state == "open"
                and assignment.role != "inform"
                and assignment.deadline
                and assignment.deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator != "in":
            return NotImplemented
        overdue = [
            ("state", "=", "open"),
            ("role", "!=", "inform"),
            ("deadline", "<", vietnam_today()),
        ]
        return overdue if True in value else ["!", *overdue]

    def write(self, vals):
        """The head of the unit passes it to a person of the unit (``user_id``); nothing else
        is written but by the steps."""
        if not self.env.su:
            for assignment in self:
                assignment._check_can_pass(vals)
        result = super().write(vals)
        if vals.get("user_id"):
            self.sudo()._ask_to_handle()
        return result

    def _check_can_pass(self, vals):
        user = self.env.user
        if (
            vals.keys() != {"user_id"}
            or self.state != "open"
            or not (
                self.head_id == user
                or (
                    user.has_group("snn_docflow.group_manager")
                    and self.company_id in user.company_ids
                )
            )
        ):
            raise AccessError(
                self.env._("Only the head of %s passes this document on.", self.department_id.name)
            )
        person = self.env["res.users"].browse(vals["user_id"]).exists()
        employees = person.sudo().employee_ids
        if vals["user_id"] and self.department_id not in employees.department_id:
            raise AccessError(
                self.env._(
                    "%(person)s is not a member of %(unit)s.",
                    person=person.name or "?",
                    unit=self.department_id.name,
                )
            )

    def _ask_to_handle(self):
        """A to-do due on the deadline for the person (else the unit's head); those informed
        get a note, no to-do."""
        for assignment in self.with_context(mail_activity_quick_update=True):
            if assignment.role == "inform":
                continue
            user = assignment.user_id or assignment.head_id
            if not user:
                continue
            assignment.incoming_id.with_context(lang=user.lang).activity_schedule(
                ACTIVITY_HANDLE,
                user_id=user.id,
                date_deadline=assignment.deadline or vietnam_today(),
                note=assignment.incoming_id.instruction or "",
            )

    @api.model
    def _cron_remind_deadlines(self, days_before=1):
        """The day before the deadline, each handler (the person, else the unit's head) gets a
        to-do "due tomorrow", once, besides the to-do due on the deadline itself; Odoo tells
        them of it as of any to-do given to them."""
        due = vietnam_today() + timedelta(days=days_before)
        assignments = self.search(
            [
                ("state", "=", "open"),
                ("role", "!=", "inform"),
                ("reminded", "=", False),
                ("deadline", "<=", due),
                ("incoming_id.state", "in", ("assigned", "processing")),
            ]
        )
        for assignment in assignments:
            user = assignment.user_id or assignment.head_id
            if user:
                assignment.incoming_id.with_context(lang=user.lang).activity_schedule(
                    ACTIVITY_REMIND,
                    user_id=user.id,
                    date_deadline=vietnam_today(),
                    summary=self.with_context(lang=user.lang).env._(
                        "Due on %s", assignment.deadline.strftime("%d/%m/%Y")
                    ),
                    note=assignment.incoming_id.instruction or "",
                )
        assignments.write({"reminded": True})

    # ------------------------------------------------------------------ overdue report

    @api.model
    def action_print_overdue_report(self):
        """The overdue report (PDF) of every overdue assignment the user may see, by unit."""
        overdue = self.search([("is_overdue", "=", True)])
        if not overdue:
            raise UserError(self.env._("Nothing is overdue: there is no report to print."))
        return self.env.ref(OVERDUE_REPORT).report_action(overdue)

    def _report_today(self):
        return vietnam_today()

    def _overdue_by_unit(self):
        """The report's sections: the overdue ones of these, by unit (in name order), each
        unit's by deadline, with the days past it (in Vietnam's calendar)."""
        today = vietnam_today()
        overdue = self.filtered("is_overdue")
        return [
            {
                "unit": unit,
                "rows": [
                    {"assignment": assignment, "days_late": (today - assignment.deadline).days}
                    for assignment in overdue.filtered(
                        lambda a, unit=unit: a.department_id == unit
                    ).sorted(lambda a: (a.deadline, a.incoming_id.incoming_number, a.id))
                ],
            }
            for unit in overdue.department_id.sorted(lambda d: (d.name or "", d.id))
        ]
