"""How a document moves: who may take a step, the shared parts of every step (the reasons'
shape, the trail row, the to-dos, the answer to the web client) and the numbering. The steps
themselves are in snn_document_steps.py; the record (fields, editing rules) in snn_document.py."""

import base64
import contextlib
import hashlib

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from snn_sign.vntime import now_vn, to_vn

from ..exceptions import RememberedRefusal, StepTakenError

ACTIVITY_REVIEW = "snn_docflow.mail_activity_type_review"
ACTIVITY_FIX = "snn_docflow.mail_activity_type_fix"
ACTIVITY_ISSUE = "snn_docflow.mail_activity_type_issue"


def vietnam_now():
    """The one clock of issuing (tests move it): Vietnam time, whole seconds."""
    return now_vn()


def vietnam_today():
    """Issue dates and number years follow the calendar in Vietnam (UTC+7), not the server's."""
    return vietnam_now().date()


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ checks

    def _state_reasons(self, states):
        """[why not] when the document is not in one of ``states`` (it moved on), else []."""
        return [] if self.state in states else [self._moved_on_refusal()]

    def _who_reasons(self, allowed, who_may):
        """[why not] when the user is not ``allowed``: ``who_may`` says who is."""
        if allowed:
            return []
        return [
            AccessError(
                self.env._(
                    "You are not the person who may do this on “%(doc)s”. %(who)s",
                    doc=self.display_name,
                    who=who_may,
                )
            )
        ]

    @contextlib.contextmanager
    def _remembering_refusals(self, action):
        """Around a step's checks and effects: a refusal the trail must keep is written (on a
        connection of its own, see snn.approval._record_refusal), then raised again as the
        plain UserError the web client shows as a warning (a subclass would show as a crash)."""
        try:
            yield
        except RememberedRefusal as refusal:
            message = refusal.args[0]
            self.env["snn.approval"].sudo()._record_refusal(refusal.document, action, message)
            raise UserError(message) from None

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
        when = fields.Datetime.to_datetime(last.timestamp)
        return StepTakenError(
            self.env._(
                "“%(doc)s” is %(state)s: %(who)s (%(step)s) at %(when)s. "
                "This step is no longer possible; the document is shown as it is now.",
                doc=self.display_name,
                state=self._state_label(),
                who=last.user_id.name,
                step=last._action_label(),
                when=to_vn(when).strftime("%H:%M %d/%m/%Y"),
            )
        )

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

    def _file_sha256(self):
        data = self._file_bytes()
        return hashlib.sha256(data).hexdigest() if data else False

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------ shared by the steps

    def _step_done(self, message, hands_on=False):
        """What a step answers: a short confirmation, then where the user goes on (an RPC
        caller gets the same dictionary).

        A step that hands the document on (or takes away the user's right to read it) leaves
        for the user's queue, clearing the breadcrumbs: reloading the form would show a
        document that is no longer theirs, or an access error. Otherwise closing what opened
        the step (the form's button, the reason dialog) reloads the document in its new state:
        the clerk goes on with an issued one."""
        if hands_on or not self.has_access("read"):
            return self._step_notification(
                message, {**self.action_open_my_queue(), "target": "main"}
            )
        return self._step_notification(message, {"type": "ir.actions.act_window_close"})

    def _record_step(self, action, vals, comment=None):
        """Write the step's values and append its trail row."""
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

    def _close_todos(self, activity_xmlids):
        """The to-dos a step answers, marked done by who took it."""
        self.activity_feedback(activity_xmlids, user_id=self.env.uid)
        self.activity_unlink(activity_xmlids)

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
