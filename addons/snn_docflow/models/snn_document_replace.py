"""Replacing and correcting an issued document (Decree 30 Art. 18.3): an error of content
needs a replacing document of the same form; an error of format or procedure a correcting
letter (công văn đính chính) to the same recipients. Either starts as a new draft that goes
through the whole chain; the original is marked when the new one is issued, not before (a
replacement may still be returned or cancelled)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .snn_document import SUBJECT_MAX_LENGTH


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    replaces_id = fields.Many2one(
        "snn.document",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The issued document this one replaces once it is issued itself.",
    )
    replaced_by_id = fields.Many2one(
        "snn.document",
        readonly=True,
        copy=False,
        help="The issued document that replaced this one.",
    )
    corrects_id = fields.Many2one(
        "snn.document",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The issued document whose errors of format this letter corrects.",
    )
    correction_ids = fields.One2many(
        "snn.document", "corrects_id", string="Corrections", readonly=True
    )
    can_replace = fields.Boolean(compute="_compute_can_follow_up")
    can_correct = fields.Boolean(compute="_compute_can_follow_up")

    def _workflow_fields(self):
        # Linking decides what the new document's issue does to another one: only the steps.
        return super()._workflow_fields() | {"replaces_id", "replaced_by_id", "corrects_id"}

    @api.depends("state", "replaced_by_id", "department_id")
    @api.depends_context("uid")
    def _compute_can_follow_up(self):
        for document in self:
            document.can_replace = not document._get_cannot_replace_reasons()
            document.can_correct = not document._get_cannot_correct_reasons()

    # ------------------------------------------------------------------ replace / correct

    def action_replace(self):
        """A new draft replacing this issued document (same type, unit, signer, recipients and
        text to start from), by the caller as its drafter; returned as a record."""
        self._check_can_replace()
        self.ensure_one()
        return self._do_start_follow_up("replaces_id", self._replace_values())

    def action_correct(self):
        """A correcting letter about this issued document, to its recipients."""
        self._check_can_correct()
        self.ensure_one()
        return self._do_start_follow_up("corrects_id", self._correct_values())

    def action_open_replace(self):
        return self._open_draft(self.action_replace())

    def action_open_correct(self):
        return self._open_draft(self.action_correct())

    def _open_draft(self, draft):
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.document",
            "res_id": draft.id,
            "view_mode": "form",
            "target": "current",
        }

    def _get_cannot_replace_reasons(self):
        self.ensure_one()
        return self._follow_up_reasons() or self._open_follow_up_reasons("replaces_id")

    def _get_cannot_correct_reasons(self):
        self.ensure_one()
        return self._follow_up_reasons() or self._open_follow_up_reasons("corrects_id")

    def _check_can_replace(self):
        for document in self:
            document._raise_first(document._get_cannot_replace_reasons)

    def _check_can_correct(self):
        for document in self:
            document._raise_first(document._get_cannot_correct_reasons)

    def _follow_up_reasons(self):
        """An issued document still in force, and an official of its drafting unit (or a
        manager) who may write the new draft there."""
        reasons = self._state_reasons(("issued",))
        if reasons:
            return reasons
        if self.replaced_by_id:
            return [
                UserError(
                    self.env._(
                        "“%(doc)s” was already replaced by %(new)s.",
                        doc=self.display_name,
                        new=self.sudo().replaced_by_id.code,
                    )
                )
            ]
        user = self.env.user
        in_unit = self.department_id in user.employee_ids.department_id
        if not (
            self._is_manager()
            or self._is_head()
            or (user.has_group("snn_docflow.group_drafter") and (in_unit or self._is_drafter()))
        ):
            return [
                AccessError(
                    self.env._(
                        "An official of its drafting unit (%(unit)s) or a manager writes what "
                        "replaces or corrects “%(doc)s”.",
                        unit=self.department_id.sudo().name,
                        doc=self.display_name,
                    )
                )
            ]
        return []

    def _is_drafter(self):
        return self.drafter_id == self.env.user

    def _open_follow_up_reasons(self, link):
        """One replacement (or correction) at a time: a second draft would be issued twice."""
        pending = self.sudo().search(
            [(link, "=", self.id), ("state", "not in", ("issued", "cancelled"))], limit=1
        )
        if not pending:
            return []
        return [
            UserError(
                self.env._(
                    "A draft for “%(doc)s” is already under way: “%(draft)s” (%(state)s), "
                    "drafted by %(who)s. Go on with it or cancel it first.",
                    doc=self.display_name,
                    draft=pending.subject,
                    state=pending._state_label(),
                    who=pending.drafter_id.name,
                )
            )
        ]

    def _replace_values(self):
        document = self.with_context(bin_size=False)
        return {
            **self._follow_up_common_values(),
            "subject": document.subject,
            "document_type_id": document.document_type_id.id,
            "signer_id": document.signer_id.id,
            "signer_authority": document.signer_authority,
            "signer_position": document.signer_position,
            # The approved draft (before its number was written in) to start from.
            "file": document.file,
            "file_name": document.file_name,
        }

    def _correct_values(self):
        letter = self.env["snn.document.type"].search(
            [("company_id", "=", self.company_id.id), ("code", "=", False)], limit=1
        )
        return {
            **self._follow_up_common_values(),
            # The document's own words, in Vietnamese whoever drafts it (the user edits them).
            "subject": f"V/v đính chính văn bản số {self.code} ngày {self._date()}"[
                :SUBJECT_MAX_LENGTH
            ],
            "document_type_id": (letter or self.document_type_id).id,
        }

    def _follow_up_common_values(self):
        return {
            "company_id": self.company_id.id,
            "department_id": self.department_id.id,
            "urgency": self.urgency,
            "confidentiality": self.confidentiality,
            "related_document_ids": [fields.Command.set(self.ids)],
            "recipient_ids": [
                fields.Command.create(
                    {
                        "partner_id": line.partner_id.id,
                        "department_id": line.department_id.id,
                        "purpose": line.purpose,
                        "sequence": line.sequence,
                    }
                )
                for line in self.sudo().recipient_ids
            ],
        }

    def _do_start_follow_up(self, link, values):
        # Created as the caller: the record rules decide where they may draft.
        draft = self.create(values)
        draft.sudo().write({link: self.id})
        values = {"user": self.env.user.name, "draft": draft.subject}
        body = (
            self.env._("%(user)s started a replacement: %(draft)s", **values)
            if link == "replaces_id"
            else self.env._("%(user)s started a correcting letter: %(draft)s", **values)
        )
        self.sudo().message_post(body=body)
        return draft

    # ------------------------------------------------------------------ at the new one's issue

    def _get_cannot_issue_reasons(self):
        reasons = super()._get_cannot_issue_reasons()
        if reasons:
            return reasons
        original = self.sudo().replaces_id or self.sudo().corrects_id
        if original and (original.state != "issued" or original.replaced_by_id):
            # Checked before a number is taken: none is burnt for a replacement of nothing.
            state = original._state_label()
            if original.replaced_by_id:
                state = self.env._("replaced by %s", original.replaced_by_id.code)
            return [
                UserError(
                    self.env._(
                        "“%(doc)s” replaces or corrects %(original)s, which is no longer in "
                        "force (%(state)s). Nothing was numbered; cancel this draft or ask a "
                        "manager.",
                        doc=self.display_name,
                        original=original.code,
                        state=state,
                    )
                )
            ]
        return reasons

    def _do_issue(self):
        result = super()._do_issue()
        self._mark_original_replaced()
        self._note_original_corrected()
        return result

    def _mark_original_replaced(self):
        """The original stays issued with its number (the register keeps it); its trail and
        the register say what replaced it."""
        original = self.replaces_id
        if not original or original.replaced_by_id:
            return
        words = self.env._("Replaced by %(code)s of %(date)s.", code=self.code, date=self._date())
        original._record_step("replaced", {"replaced_by_id": self.id}, words)
        original.message_post(body=words)

    def _note_original_corrected(self):
        original = self.corrects_id
        if not original:
            return
        words = self.env._("Corrected by %(code)s of %(date)s.", code=self.code, date=self._date())
        original._record_step("corrected", {}, words)
        original.message_post(body=words)

    def _issue_comment(self):
        comment = super()._issue_comment()
        original = self.replaces_id or self.corrects_id
        if not original:
            return comment
        values = {"code": original.code, "date": original._date()}
        words = (
            self.env._("Replaces %(code)s of %(date)s.", **values)
            if self.replaces_id
            else self.env._("Corrects %(code)s of %(date)s.", **values)
        )
        return f"{comment}\n{words}" if comment else words

    def _date(self):
        """The issue date as the register and the documents write it."""
        return self.issue_date.strftime("%d/%m/%Y")
