"""Ủy quyền (Decree 30, Art. 13): while a director is away, a deputy approves and signs for him
from one date to another, under an authority line (KT., Q., TL., TUQ.).

This file is the record and who may change it: the director himself or a manager of the
organisation records it; once it has started only its step "End now" changes it
(snn_delegation_steps.py), and it stays as the proof of who signed for whom. What it does to
documents is in snn_document_delegation.py.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .snn_document_workflow import vietnam_today

# Written only by the steps (as sudo(), after their checks): never a client's create/write.
STEP_FIELDS = frozenset({"state", "date_ended"})
DEPUTY_PREFIX = "PHÓ "


class SnnDelegation(models.Model):
    _name = "snn.delegation"
    _inherit = ["snn.organisation.record", "snn.step.mixin", "snn.step.defaults"]
    _description = "Delegation While a Director Is Away"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    delegator_id = fields.Many2one(
        "res.users",
        string="Director Away",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self._default_delegator(),
        domain=lambda self: self._directors_domain(),
        help="The director who is away; documents waiting for him go to the deputy.",
    )
    delegate_id = fields.Many2one(
        "res.users",
        string="Deputy",
        required=True,
        index=True,
        ondelete="restrict",
        domain=lambda self: self._directors_domain(),
        help="The director who approves and signs for him in the meantime.",
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: vietnam_today(), help="Vietnam time."
    )
    date_to = fields.Date(string="To", required=True, help="Included; Vietnam time.")
    authority_line = fields.Char(
        compute="_compute_authority_line",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Printed above the deputy's position in the signature block, e.g. KT. GIÁM ĐỐC, "
        "Q. GIÁM ĐỐC, TL. GIÁM ĐỐC, TUQ. GIÁM ĐỐC.",
    )
    state = fields.Selection(
        [("scheduled", "Scheduled"), ("running", "In Effect"), ("done", "Ended")],
        default="scheduled",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    date_ended = fields.Date(
        string="Ended Early On", readonly=True, copy=False, help="When it was ended before its end."
    )
    can_edit = fields.Boolean(compute="_compute_can")
    can_end = fields.Boolean(compute="_compute_can")

    @api.model
    def _directors_domain(self):
        # Directors by their own role (as the document's signer): not a manager by implication.
        return [
            ("group_ids", "in", self.env.ref("snn_docflow.group_director").ids),
            ("share", "=", False),
        ]

    @api.model
    def _default_delegator(self):
        user = self.env.user
        return user if user.has_group("snn_docflow.group_director") else False

    @api.depends("delegator_id", "company_id")
    def _compute_authority_line(self):
        """ "Giám đốc" away: the deputy signs "KT. GIÁM ĐỐC" (ký thay, the usual case of Decree
        30, Annex I.8); the manager changes it to Q./TL./TUQ. when that is what was decided."""
        for delegation in self:
            employee = delegation.delegator_id.sudo().employee_ids.filtered(
                lambda e, d=delegation: e.company_id == d.company_id
            )[:1]
            title = " ".join((employee.job_title or employee.job_id.name or "").split()).upper()
            # A department's head is its Giám đốc: the line most delegations carry.
            office = title.removeprefix(DEPUTY_PREFIX) or "GIÁM ĐỐC"
            delegation.authority_line = f"KT. {office}"

    @api.depends("state", "date_from", "delegator_id", "company_id")
    @api.depends_context("uid")
    def _compute_can(self):
        for delegation in self:
            may = delegation._may_manage()
            delegation.can_edit = may and not delegation._has_started()
            delegation.can_end = not delegation._get_cannot_end_reasons()

    @api.depends("delegator_id", "delegate_id", "date_from", "date_to")
    def _compute_display_name(self):
        for delegation in self:
            delegation.display_name = self.env._(
                "%(deputy)s for %(director)s (%(start)s - %(end)s)",
                deputy=delegation.delegate_id.name or "",
                director=delegation.delegator_id.name or "",
                start=delegation._date_text(delegation.date_from),
                end=delegation._date_text(delegation.date_to),
            )

    # ------------------------------------------------------------------ constraints

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for delegation in self:
            if delegation.date_to < delegation.date_from:
                raise ValidationError(
                    self.env._("A delegation ends on or after the day it starts.")
                )

    @api.constrains("delegator_id", "delegate_id", "company_id")
    def _check_people(self):
        director = self.env.ref("snn_docflow.group_director")
        for delegation in self.sudo():
            if delegation.delegate_id == delegation.delegator_id:
                raise ValidationError(self.env._("A director does not delegate to himself."))
            for user in delegation.delegator_id | delegation.delegate_id:
                if (
                    user.share
                    or director not in user.all_group_ids
                    or delegation.company_id not in user.company_ids
                ):
                    raise ValidationError(
                        self.env._(
                            "%(name)s is not a director of %(company)s: a delegation is "
                            "between two directors of the organisation.",
                            name=user.name,
                            company=delegation.company_id.name,
                        )
                    )

    @api.constrains("delegator_id", "date_from", "date_to", "state")
    def _check_no_overlap(self):
        for delegation in self.filtered(lambda d: d.state != "done"):
            other = self.sudo().search(
                [
                    ("id", "!=", delegation.id),
                    ("delegator_id", "=", delegation.delegator_id.id),
                    ("state", "!=", "done"),
                    ("date_from", "<=", delegation.date_to),
                    ("date_to", ">=", delegation.date_from),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(director)s already delegates from %(start)s to %(end)s (to "
                        "%(deputy)s): the periods overlap. End or change that one first.",
                        director=delegation.delegator_id.name,
                        start=self._date_text(other.date_from),
                        end=self._date_text(other.date_to),
                        deputy=other.delegate_id.name,
                    )
                )

    # ------------------------------------------------------------------ CRUD

    def _step_only_fields(self):
        # A client's default_state or the user's own ir.default never starts it ended.
        return STEP_FIELDS

    @api.model_create_multi
    def create(self, vals_list):
        # No context key opens this: only the steps, as sudo() after their checks.
        if not self.env.su and any(vals.keys() & STEP_FIELDS for vals in vals_list):
            raise AccessError(self.env._("A new delegation starts as scheduled."))
        delegations = super().create(vals_list)
        if not self.env.su:
            # On the record as made (defaults included): whose it is, when it starts.
            delegations._check_may_manage()
            delegations._check_starts_not_before_today()
        delegations._start_due()
        return delegations

    def write(self, vals):
        if not self.env.su:
            if vals.keys() & STEP_FIELDS:
                raise AccessError(self.env._("A delegation ends only through its button."))
            self._check_may_manage()
            self._check_not_started()
        result = super().write(vals)
        if not self.env.su:
            # As it is now: the delegator is still the user's to record (or a manager's).
            self._check_may_manage()
            if "date_from" in vals:
                self._check_starts_not_before_today()
            self._start_due()
        return result

    def unlink(self):
        if not self.env.su:
            self._check_may_manage()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_before_start(self):
        """A delegation that started proves who signed for whom: it stays, ended."""
        for delegation in self:
            if delegation._has_started():
                raise UserError(
                    self.env._(
                        "“%s” has started: it is kept as the record of who signed for whom. "
                        "Use End Now instead.",
                        delegation.display_name,
                    )
                )

    # ------------------------------------------------------------------ who and when

    def _may_manage(self):
        """The director for himself, or a manager of the delegation's organisation."""
        self.ensure_one()
        user = self.env.user
        if user.has_group("snn_docflow.group_manager"):
            return self.company_id in user.company_ids
        return self.delegator_id == user and user.has_group("snn_docflow.group_director")

    def _check_may_manage(self):
        for delegation in self:
            if not delegation._may_manage():
                raise AccessError(
                    self.env._(
                        "Only the director who is away, or a manager of the organisation, "
                        "records or changes his delegation (“%s”).",
                        delegation.display_name,
                    )
                )

    def _has_started(self):
        self.ensure_one()
        return self.state != "scheduled" or self.date_from <= vietnam_today()

    def _check_not_started(self):
        for delegation in self:
            if delegation._has_started():
                raise UserError(
                    self.env._(
                        "“%s” has started: it can no longer be changed, only ended (End Now).",
                        delegation.display_name,
                    )
                )

    def _check_starts_not_before_today(self):
        today = vietnam_today()
        for delegation in self:
            if delegation.date_from < today:
                raise ValidationError(
                    self.env._(
                        "A delegation starts today (%s) or later: nobody can sign in the past.",
                        self._date_text(today),
                    )
                )

    def _is_in_effect(self, day=None):
        self.ensure_one()
        day = day or vietnam_today()
        return self.state != "done" and self.date_from <= day <= self.date_to

    @api.model
    def _in_effect_for(self, delegator, company):
        """The delegation of ``delegator`` in ``company`` in effect today (Vietnam), if any:
        asked by the chain for any user, so read as superuser."""
        if not delegator or not company:
            return self.browse()
        today = vietnam_today()
        return self.sudo().search(
            [
                ("delegator_id", "=", delegator.id),
                ("company_id", "=", company.id),
                ("state", "!=", "done"),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ],
            limit=1,
        )

    @api.model
    def _date_text(self, day):
        return day.strftime("%d/%m/%Y") if day else ""

    def _deputy_position(self):
        """The deputy's own position for the signature block, from his job title."""
        self.ensure_one()
        employee = self.delegate_id.sudo().employee_ids.filtered(
            lambda e: e.company_id == self.company_id
        )[:1]
        return " ".join((employee.job_title or employee.job_id.name or "").split()).upper()
