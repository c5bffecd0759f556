"""A delegation's life: it starts on its first day (at once when recorded for today, else by
the daily scheduled action), ends after its last day or when ended early ("End now"), and the
review to-dos of the documents waiting for the director follow it there and back.

"End now" is a step as the document's are (snn_document_steps.py): ``action_end`` ->
``_get_cannot_end_reasons`` / ``_check_can_end`` -> ``_do_end``, the effects as sudo() after
the checks.
"""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .snn_document_workflow import ACTIVITY_REVIEW, vietnam_today


class SnnDelegation(models.Model):
    _inherit = "snn.delegation"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ end now

    def action_end(self):
        """The director is back before the planned end: the delegation ends today."""
        self._check_can_end()
        for delegation in self:
            delegation.sudo()._do_end()
        return self._step_notification(
            self.env._(
                "Ended. Documents still waiting went back to %s.", self[:1].delegator_id.name
            ),
            {"type": "ir.actions.act_window_close"},
        )

    def _get_cannot_end_reasons(self):
        self.ensure_one()
        if self.state == "done":
            return [UserError(self.env._("“%s” has already ended.", self.display_name))]
        if not self._has_started():
            return [
                UserError(
                    self.env._(
                        "“%s” has not started yet: change or delete it instead.",
                        self.display_name,
                    )
                )
            ]
        if not self._may_manage():
            return [
                AccessError(
                    self.env._(
                        "Only the director who is away, or a manager of the organisation, "
                        "ends his delegation (“%s”).",
                        self.display_name,
                    )
                )
            ]
        return []

    def _check_can_end(self):
        for delegation in self:
            delegation._raise_first(delegation._get_cannot_end_reasons)

    def _do_end(self):
        self.write({"state": "done", "date_ended": vietnam_today()})
        self._move_review_todos(self.delegate_id, self.delegator_id)

    # ------------------------------------------------------------------ start and run out

    def _start_due(self):
        """Start those whose first day has come: the director's waiting to-dos go to the
        deputy (as superuser: the chain moves them, whoever recorded the delegation)."""
        today = vietnam_today()
        for delegation in self.sudo().filtered(
            lambda d: d.state == "scheduled" and d.date_from <= today <= d.date_to
        ):
            delegation.write({"state": "running"})
            delegation._move_review_todos(delegation.delegator_id, delegation.delegate_id)

    @api.model
    def _cron_start_and_end(self):
        """Daily, just after midnight in Vietnam: start today's delegations, end yesterday's."""
        today = vietnam_today()
        delegations = self.sudo()
        delegations.search([("state", "=", "scheduled"), ("date_from", "<=", today)])._start_due()
        for delegation in delegations.search([("state", "!=", "done"), ("date_to", "<", today)]):
            had_started = delegation.state == "running"
            delegation.write({"state": "done"})
            if had_started:
                delegation._move_review_todos(delegation.delegate_id, delegation.delegator_id)

    def _move_review_todos(self, from_user, to_user):
        """The review to-dos held by ``from_user`` on the documents waiting for the director
        (his to approve, this organisation's) now held by ``to_user``, on the documents
        ``to_user`` may read (a secret document stays with the people who handle it)."""
        self.ensure_one()
        documents = self.env["snn.document"].search(
            [
                ("state", "=", "director_review"),
                ("signer_id", "=", self.delegator_id.id),
                ("company_id", "=", self.company_id.id),
            ]
        )
        readable = documents.filtered(lambda d: d.with_user(to_user).has_access("read"))
        review = self.env.ref(ACTIVITY_REVIEW)
        todos = readable.activity_ids.filtered(
            lambda a: a.activity_type_id == review and a.user_id == from_user
        )
        if todos:
            todos.write({"user_id": to_user.id})
