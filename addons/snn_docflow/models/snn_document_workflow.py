"""How a document moves: who may take which step, what each step checks, writes and asks of
the next person. The record itself (fields, editing rules, buttons) is in snn_document.py."""

import base64
import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..exceptions import StepTakenError
from ..pdf_file import has_pdf_header

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ACTIVITY_REVIEW = "snn_docflow.mail_activity_type_review"
ACTIVITY_FIX = "snn_docflow.mail_activity_type_fix"
ACTIVITY_ISSUE = "snn_docflow.mail_activity_type_issue"
# The to-dos each step answers (closed when the step is taken).
CLOSES = {
    "submit": [ACTIVITY_FIX],
    "forward": [ACTIVITY_REVIEW],
    "return": [ACTIVITY_REVIEW, ACTIVITY_ISSUE],
    "approve": [ACTIVITY_REVIEW],
    "issue": [ACTIVITY_ISSUE],
    "cancel": [ACTIVITY_FIX, ACTIVITY_REVIEW, ACTIVITY_ISSUE],
}


def vietnam_now():
    """The one clock of issuing (tests move it): Vietnam time, whole seconds."""
    return datetime.now(VIETNAM_TZ).replace(microsecond=0)


def vietnam_today():
    """Issue dates and number years follow the calendar in Vietnam (UTC+7), not the server's."""
    return vietnam_now().date()


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ checks

    def _check_can(self, action):
        """Raise unless the current user may take step ``action`` on every document now."""
        for document in self:
            document.check_access("read")
            refusal = document._refusal(action)
            if refusal:
                raise refusal

    def _refusal(self, action):
        """Why the current user may not do ``action`` now (an exception), or None."""
        self.ensure_one()
        allowed_states, who_ok = self._rules()[action]
        if self.state not in allowed_states:
            return self._moved_on_refusal()
        if not who_ok():
            return AccessError(
                self.env._(
                    "You are not the person who may do this on “%(doc)s”. %(who)s",
                    doc=self.display_name,
                    who=self._who_may(action),
                )
            )
        if action == "issue" and self._breaks_four_eyes():
            return AccessError(
                self.env._(
                    "You approved “%s” yourself: another person issues it (four eyes). "
                    "A manager can allow this in the company's settings.",
                    self.display_name,
                )
            )
        return None

    def _moved_on_refusal(self):
        """The step is not possible in this state: say who moved the document there and when
        (the last step of its trail), as the user may have an old page open."""
        last = self.sudo().approval_ids.filtered(lambda row: row.action != "refuse")[-1:]
        if not last:
            return StepTakenError(
                self.env._(
                    "“%(doc)s” is %(state)s: this step is not possible in that state.",
                    doc=self.display_name,
                    state=self._state_label(),
                )
            )
        when = fields.Datetime.to_datetime(last.timestamp).replace(tzinfo=ZoneInfo("UTC"))
        return StepTakenError(
            self.env._(
                "“%(doc)s” is %(state)s: %(who)s (%(step)s) at %(when)s. "
                "This step is no longer possible; the document is shown as it is now.",
                doc=self.display_name,
                state=self._state_label(),
                who=last.user_id.name,
                step=last._action_label(),
                when=when.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y"),
            )
        )

    def _rules(self):
        """action → (states it starts from, who may do it)."""
        user = self.env.user
        return {
            "submit": (("draft",), self._is_drafter_or_manager),
            "forward": (("head_review",), self._is_head),
            "return": (("head_review", "director_review", "approved"), self._may_return),
            "approve": (("director_review",), self._is_signer),
            "issue": (("approved",), lambda: user.has_group("snn_docflow.group_clerk")),
            "cancel": (
                ("draft", "head_review", "director_review", "approved", "issued"),
                self._may_cancel,
            ),
        }

    def _who_may(self, action):
        messages = {
            "submit": self.env._("Only its drafter submits a draft."),
            "forward": self.env._("Only the head of the drafting unit forwards it."),
            "return": self.env._(
                "Only the head of the unit, the signer, or a clerk (once it is approved: a "
                "format error) returns it."
            ),
            "approve": self.env._("Only the signer approves it."),
            "issue": self.env._("Only a clerk issues it."),
            "cancel": self.env._(
                "Its drafter cancels a draft; a clerk an approved or issued document; "
                "a manager any."
            ),
        }
        return messages[action]

    def _is_manager(self):
        return self.env.user.has_group("snn_docflow.group_manager")

    def _is_drafter_or_manager(self):
        return self.drafter_id == self.env.user or self._is_manager()

    def _is_head(self):
        return self.env.user.has_group("snn_docflow.group_head") and self.head_id == self.env.user

    def _is_signer(self):
        return (
            self.env.user.has_group("snn_docflow.group_director")
            and self.signer_id == self.env.user
        )

    def _approver(self):
        """Who approved the document, from its trail."""
        approvals = self.sudo().approval_ids.filtered(lambda row: row.action == "approve")
        return approvals.sorted("id")[-1:].user_id

    def _breaks_four_eyes(self):
        """The one who approved does not also issue, unless the organisation allows it."""
        return not self.company_id.snn_allow_approver_issue and self._approver() == self.env.user

    def _may_return(self):
        """Who sends it back to the drafter: whoever reviews it now. Once approved, the clerks
        check the format before numbering (Decree 30, Art. 13): they send back a format
        error rather than cancel."""
        if self.state == "head_review":
            return self._is_head()
        if self.state == "director_review":
            return self._is_signer()
        return self.env.user.has_group("snn_docflow.group_clerk")

    def _may_cancel(self):
        if self._is_manager():
            return True
        if self.state == "draft":
            return self.drafter_id == self.env.user
        if self.state in ("approved", "issued"):
            return self.env.user.has_group("snn_docflow.group_clerk")
        return False

    def _check_content_ready(self):
        """What a draft must hold before it goes to review (step 3 of the procedure)."""
        for document in self:
            document._check_one_content_ready()

    def _check_one_content_ready(self):
        missing = []
        if not self.file:
            missing.append(self.env._("the PDF file to sign"))
        if not self.signer_id:
            missing.append(self.env._("the signer"))
        elif not self.signer_id.has_group("snn_docflow.group_director"):
            missing.append(
                self.env._("a signer who is a director (%s is not)", self.signer_id.name)
            )
        if not self.recipient_ids:
            missing.append(self.env._("at least one recipient"))
        if not self.head_id:
            missing.append(
                self.env._("a head (manager with a user) of the unit %s", self.department_id.name)
            )
        if missing:
            raise UserError(
                self.env._("“%s” cannot be submitted yet. Missing: ", self.display_name)
                + ", ".join(missing)
                + "."
            )
        if not self._file_is_pdf():
            raise UserError(
                self.env._(
                    "The file “%s” is not a PDF. Export the document to PDF and attach it again.",
                    self.file_name or "",
                )
            )

    def _file_bytes(self):
        # The web client reads with bin_size=True (sizes, not contents): never hash a size.
        file = self.with_context(bin_size=False).file
        return base64.b64decode(file) if file else b""

    def _file_is_pdf(self):
        data = self._file_bytes()
        return has_pdf_header(data) and b"%%EOF" in data[-2048:]

    def _file_sha256(self):
        data = self._file_bytes()
        return hashlib.sha256(data).hexdigest() if data else False

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_can_issue(self):
        """Hook of the issue step's checks: the bytes to number are the bytes approved.

        A mismatch means the file changed behind Odoo's back (in the filestore): nothing is
        numbered, and the refusal stays in the trail although the request fails.
        """
        for document in self:
            if document._file_sha256() != document.approved_sha256:
                message = self.env._(
                    "The file of “%s” is not the one the director approved: its SHA-256 "
                    "changed since approval. Nothing was numbered. Return it to the drafter "
                    "to attach the file again and have it approved.",
                    document.display_name,
                )
                self.env["snn.approval"].sudo()._record_refusal(document, "issue", message)
                raise UserError(message)

    # ------------------------------------------------------------------ effects

    def _do_submit(self):
        self._record_step("submit", {"state": "head_review", "return_reason": False})
        self._schedule(ACTIVITY_REVIEW, self.head_id)

    def _do_forward(self):
        self._record_step("forward", {"state": "director_review"})
        self._schedule(ACTIVITY_REVIEW, self.signer_id)

    def _do_return(self, reason):
        approved = self.state == "approved"
        self._record_step(
            "return",
            {"state": "draft", "return_reason": reason},
            reason,
        )
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

    def _do_approve(self):
        self._record_step("approve", {"state": "approved", "approved_sha256": self._file_sha256()})
        self._schedule(ACTIVITY_ISSUE, self._clerks())

    def _do_issue(self):
        """Hook of the issue step's effects: number and date, the files the issue makes
        (none here; snn_signing stamps and signs), then issued with its trail row."""
        self.write(self._numbering_values())
        self.write(self._issue_files())
        self._record_step("issue", {"state": "issued"})

    def _issue_files(self):
        """Hook: field values of the files made at issue, from the numbered document."""
        return {}

    def _do_cancel(self, reason):
        self._record_step("cancel", {"state": "cancelled", "cancel_reason": reason}, reason)

    def _record_step(self, action, vals, comment=None):
        """Write the step's values, append its trail row, close the to-do it answers."""
        self.ensure_one()
        from_state = self.state
        self.write(vals)
        self.env["snn.approval"].create(
            {
                **self._trail_snapshot(),
                "document_id": self.id,
                "user_id": self.env.uid,  # sudo() keeps the acting user's uid
                "action": action,
                "from_state": from_state,
                "to_state": self.state,
                "comment": comment or False,
                "timestamp": fields.Datetime.now(),
            }
        )
        closing = CLOSES.get(action, [])  # steps added by other modules may close nothing
        if closing:
            self.activity_feedback(closing, user_id=self.env.uid)
            self.activity_unlink(closing)

    def _trail_snapshot(self):
        """What a trail row proves of the document at its step: number, register, file."""
        return {
            "register_id": self.register_id.id,
            "number": self.number,
            "number_year": self.number_year,
            "code": self.code,
            "issue_date": self.issue_date,
            "file_sha256": self._file_sha256(),
        }

    def _numbering_values(self):
        if self.number:  # a number, once taken, stays with its document
            return {}
        register = self.env["snn.register"]._find_for(self)
        if not register or register.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "No %s register is configured for this organisation: "
                    "ask a manager to create one.",
                    self.env._("confidential")
                    if self.confidentiality != "normal"
                    else self.env._("outgoing"),
                )
            )
        notation = self._notation()  # before the number: a refusal must not hold the register
        issue_date = vietnam_today()
        number = register._take_number_for(self, issue_date.year)
        return {
            "register_id": register.id,
            "number": number,
            "number_year": issue_date.year,
            "issue_date": issue_date,
            "code": f"{number:02d}/{notation}",
        }

    def _notation(self):
        """`SNN-VP` for a letter (organisation - unit); `QĐ-SNN` for a named type."""
        org = self.company_id.snn_org_code
        if not org:
            raise UserError(
                self.env._("Set the organisation abbreviation of %s first.", self.company_id.name)
            )
        type_code = self.document_type_id.code
        if type_code:
            return f"{type_code}-{org}"
        if not self.department_id.snn_code:
            raise UserError(
                self.env._("Set the abbreviation of the unit %s first.", self.department_id.name)
            )
        return f"{org}-{self.department_id.snn_code}"

    def _schedule(self, activity_xmlid, users, note=None):
        for user in users:
            # The to-do's summary is copied from its type: in the language of who receives it.
            self.with_context(lang=user.lang).activity_schedule(
                activity_xmlid, user_id=user.id, note=note or ""
            )

    def _clerks(self):
        """Who gets the to-do to issue: the clerks; managers (clerks by implication) only
        when the organisation has no clerk of its own."""

        def members(xmlid):
            return self.env.ref(xmlid).all_user_ids.filtered(
                lambda u: self.company_id in u.company_ids and not u.share
            )

        managers = members("snn_docflow.group_manager")
        return (members("snn_docflow.group_clerk") - managers) or managers
