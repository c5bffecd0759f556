"""The chain's steps, one named method set per step, as Odoo core names them:

    action_x()                  the button (and the RPC entry): check, then effects, then answer
    _get_cannot_x_reasons()     why the current user may not take step x on this document now
                                (a list of exceptions, empty when allowed); ``can_x`` is computed
                                from it, so the button shows exactly when the step would pass
    _check_can_x()              raises the first reason, plus what only the step itself checks
                                (files, bridges); no side effect
    _do_x()                     writes, adds its trail row, closes its own to-dos, asks the next
                                person

A module that changes a step overrides that step's methods (snn_signing: ``_check_can_issue``,
``_do_issue``; snn_dispatch: ``_get_cannot_cancel_reasons``), never a table of step names.
The effects run as sudo(): the checks are the permission, and no reviewer has write access of
their own. sudo() keeps the acting user's uid for the trail.

A refusal the trail must keep although the request fails (a file changed behind Odoo's back, a
bridge that refused to sign) is a ``RememberedRefusal``: the action writes it, after the check or
effect that raised it.
"""

from odoo import models
from odoo.exceptions import AccessError, UserError

from ..exceptions import RememberedRefusal
from .snn_document_workflow import ACTIVITY_FIX, ACTIVITY_ISSUE, ACTIVITY_REVIEW


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ submit

    def action_submit(self):
        """Drafter: draft → head review."""
        self._check_can_submit()
        for document in self:
            document.sudo()._do_submit()
        return self._step_done(
            self.env._("Sent to %s for review.", self[:1].head_id.name), hands_on=True
        )

    def _get_cannot_submit_reasons(self):
        self.ensure_one()
        return self._state_reasons(("draft",)) or self._who_reasons(
            self._is_drafter_or_manager(), self.env._("Only its drafter submits a draft.")
        )

    def _check_can_submit(self):
        for document in self:
            document._raise_first(document._get_cannot_submit_reasons)
        self._check_content_ready()

    def _do_submit(self):
        self._record_step("submit", {"state": "head_review", "return_reason": False})
        self._close_todos([ACTIVITY_FIX])
        self._schedule(ACTIVITY_REVIEW, self.head_id)

    # ------------------------------------------------------------------ forward

    def action_forward(self):
        """Head of the drafting unit: head review → director review."""
        self._check_can_forward()
        for document in self:
            document.sudo()._do_forward()
        return self._step_done(
            self.env._("Forwarded to %s for approval.", self[:1].signer_id.name), hands_on=True
        )

    def _get_cannot_forward_reasons(self):
        self.ensure_one()
        return self._state_reasons(("head_review",)) or self._who_reasons(
            self._is_head(), self.env._("Only the head of the drafting unit forwards it.")
        )

    def _check_can_forward(self):
        for document in self:
            document._raise_first(document._get_cannot_forward_reasons)

    def _do_forward(self):
        self._record_step("forward", {"state": "director_review"})
        self._close_todos([ACTIVITY_REVIEW])
        self._schedule(ACTIVITY_REVIEW, self.signer_id)

    # ------------------------------------------------------------------ return

    def action_return(self, reason=None):
        """Head, signer, or a clerk once approved (a format error): back to draft, with what to
        fix."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say what must be fixed: a return needs a reason."))
        self._check_can_return()
        for document in self:
            document.sudo()._do_return(reason)
        return self._step_done(
            self.env._("Returned to %s with your reason.", self[:1].drafter_id.name),
            hands_on=True,
        )

    def _get_cannot_return_reasons(self):
        self.ensure_one()
        return self._state_reasons(
            ("head_review", "director_review", "approved")
        ) or self._who_reasons(
            self._may_return(),
            self.env._(
                "Only the head of the unit, the signer, or a clerk (once it is approved: a "
                "format error) returns it."
            ),
        )

    def _check_can_return(self):
        for document in self:
            document._raise_first(document._get_cannot_return_reasons)

    def _do_return(self, reason):
        approved = self.state == "approved"
        self._record_step("return", {"state": "draft", "return_reason": reason}, reason)
        self._close_todos([ACTIVITY_REVIEW, ACTIVITY_ISSUE])
        self._schedule(ACTIVITY_FIX, self.drafter_id, note=reason)
        # The head sees why, too (and the signer, when a clerk sends back what they approved):
        # they are told in the chatter.
        told = (
            self.drafter_id | self.head_id | (self.signer_id if approved else self.env["res.users"])
        )
        self.message_post(
            body=self.env._("Returned for changes: %s", reason),
            partner_ids=told.partner_id.ids,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------ approve

    def action_approve(self):
        """Signer (a director): director review → approved, for the clerk."""
        self._check_can_approve()
        for document in self:
            document.sudo()._do_approve()
        return self._step_done(
            self.env._("Approved. The clerks now number and issue it."), hands_on=True
        )

    def _get_cannot_approve_reasons(self):
        self.ensure_one()
        return self._state_reasons(("director_review",)) or self._who_reasons(
            self._is_signer(), self.env._("Only the signer approves it.")
        )

    def _check_can_approve(self):
        for document in self:
            document._raise_first(document._get_cannot_approve_reasons)

    def _do_approve(self):
        self._record_step(
            "approve",
            {"state": "approved", "approved_sha256": self._file_sha256()},
            comment=self._approve_comment(),
        )
        self._close_todos([ACTIVITY_REVIEW])
        self._schedule(ACTIVITY_ISSUE, self._clerks())

    def _approve_comment(self):
        """Hook: what the approval's trail row says besides the step (nothing here; a deputy
        approving for the director says for whom, snn_document_delegation.py)."""
        return None

    # ------------------------------------------------------------------ check the format

    def action_check_format(self):
        """Clerk: the format checked (Decree 30, Art. 13: thể thức, kỹ thuật trình bày) on an
        approved document, its own trail row, separate from the approval of its content. The
        issue records it too when nobody did before (the clerk who issues has checked it)."""
        self._check_can_check_format()
        for document in self:
            document.sudo()._do_check_format()
        return self._step_done(self.env._("Format checked. It can be issued."))

    def _get_cannot_check_format_reasons(self):
        self.ensure_one()
        reasons = self._state_reasons(("approved",)) or self._who_reasons(
            self.env.user.has_group("snn_docflow.group_clerk"),
            self.env._("Only a clerk checks the format."),
        )
        if not reasons and self._format_checked():
            reasons.append(
                UserError(
                    self.env._(
                        "The format of “%(doc)s” was already checked by %(who)s.",
                        doc=self.display_name,
                        who=self._format_checked().user_id.name,
                    )
                )
            )
        if not reasons and self._breaks_four_eyes():
            reasons.append(self._four_eyes_refusal())
        return reasons

    def _check_can_check_format(self):
        for document in self:
            document._raise_first(document._get_cannot_check_format_reasons)

    def _do_check_format(self):
        self._record_step("check_format", {})

    def _format_checked(self):
        """The trail row of the format's check since the last approval, if any (a document
        returned and approved again is checked again)."""
        rows = self.sudo().approval_ids.filtered(
            lambda row: row.action in ("approve", "check_format")
        )
        last = rows.sorted("id")[-1:]
        return last if last.action == "check_format" else last.browse()

    def _record_format_check_at_issue(self):
        """Part of the issue (sudo, after its checks): the clerk who issues has checked the
        format, said in a row of its own when nobody did it before."""
        if not self._format_checked():
            self._record_step("check_format", {}, comment=self.env._("Checked at issue."))

    # ------------------------------------------------------------------ issue

    def action_issue(self):
        """Clerk: take the number, fix the issue date (Vietnam time), approved → issued."""
        with self._remembering_refusals("issue"):
            self._check_can_issue()
            for document in self:
                document.sudo()._do_issue()
        return self._step_done(self.env._("Issued as %s.", self[:1].code))

    def _get_cannot_issue_reasons(self):
        self.ensure_one()
        reasons = self._state_reasons(("approved",)) or self._who_reasons(
            self.env.user.has_group("snn_docflow.group_clerk"),
            self.env._("Only a clerk issues it."),
        )
        if not reasons and self._breaks_four_eyes():
            reasons.append(self._four_eyes_refusal())
        return reasons

    def _four_eyes_refusal(self):
        return AccessError(
            self.env._(
                "You approved “%s” yourself: another person issues it (four eyes). "
                "A manager can allow this in the company's settings.",
                self.display_name,
            )
        )

    def _check_can_issue(self):
        """The reasons, then what reads the files (not part of ``can_issue``: the form would
        read and hash every file each time it shows)."""
        for document in self:
            document._raise_first(document._get_cannot_issue_reasons)
        self._check_issue_files()

    def _check_issue_files(self):
        """Hook: the bytes to number are the bytes approved. A mismatch means the file changed
        behind Odoo's back (in the filestore): nothing is numbered, and the trail keeps the
        refusal although the request fails."""
        for document in self:
            if document._file_sha256() != document.approved_sha256:
                raise RememberedRefusal(
                    self.env._(
                        "The file of “%s” is not the one the director approved: its SHA-256 "
                        "changed since approval. Nothing was numbered. Return it to the drafter "
                        "to attach the file again and have it approved.",
                        document.display_name,
                    ),
                    document,
                )

    def _do_issue(self):
        """Number and date, the files the issue makes (none here; snn_signing stamps and
        signs), then issued with its trail row."""
        self._record_format_check_at_issue()
        self.write(self._numbering_values())
        self.write(self._issue_files())
        self._record_step("issue", {"state": "issued"}, comment=self._issue_comment())
        self._close_todos([ACTIVITY_ISSUE])

    def _issue_files(self):
        """Hook: field values of the files made at issue, from the numbered document."""
        return {}

    def _issue_comment(self):
        """Hook: what the issue's trail row says besides the step (nothing here)."""
        return None

    # ------------------------------------------------------------------ cancel

    def action_cancel(self, reason=None):
        """Cancel; an issued document keeps its number, the register shows it cancelled."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the document is cancelled: a reason is required."))
        self._check_can_cancel()
        for document in self:
            document.sudo()._do_cancel(reason)
        return self._step_done(self.env._("Cancelled. The reason is in its trail."))

    def _get_cannot_cancel_reasons(self):
        self.ensure_one()
        return self._state_reasons(
            ("draft", "head_review", "director_review", "approved", "issued")
        ) or self._who_reasons(
            self._may_cancel(),
            self.env._(
                "Its drafter cancels a draft; a clerk an approved or issued document; "
                "a manager any."
            ),
        )

    def _check_can_cancel(self):
        for document in self:
            document._raise_first(document._get_cannot_cancel_reasons)

    def _do_cancel(self, reason):
        self._record_step("cancel", {"state": "cancelled", "cancel_reason": reason}, reason)
        self._close_todos([ACTIVITY_FIX, ACTIVITY_REVIEW, ACTIVITY_ISSUE])
