"""The receivers' steps on a document from another agency (Decree 30 Art. 21–24), each as
``action_x`` → ``_check_can_x`` (the first of ``_get_cannot_x_reasons``) → ``_do_x``:

- register (clerk): the next "số đến" of the year's incoming register, status 03 back;
- assign (director, or a manager for them): the instruction, the main, coordinating and
  informed units with their deadlines, status 04 back;
- process (05) and done (06) by the main handler, or done by the reply's issue;
- refuse (02), with the reason the sender reads.

Status messages to an agency on the exchange go through an outbox (snn.incoming.status),
sent after the commit by the receive cron, so a rolled-back step never told the sender."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from .snn_incoming_assignment import ACTIVITY_HANDLE, ACTIVITY_REMIND

ACTIVITY_ASSIGN = "snn_incoming.mail_activity_type_assign"
URGENT = ("urgent", "very_urgent", "flash")


class SnnIncomingDocument(models.Model):
    _inherit = "snn.incoming.document"  # pylint: disable=consider-merging-classes-inherited

    can_register = fields.Boolean(compute="_compute_can_steps")
    can_assign = fields.Boolean(compute="_compute_can_steps")
    can_reply = fields.Boolean(compute="_compute_can_steps")

    @api.depends("state", "department_id", "signature_state")
    @api.depends_context("uid")
    def _compute_can_steps(self):
        for incoming in self:
            incoming.can_register = not incoming._get_cannot_register_reasons()
            incoming.can_assign = not incoming._get_cannot_assign_reasons()
            incoming.can_reply = not incoming._get_cannot_reply_reasons()

    # ------------------------------------------------------------------ register

    def action_register(self, note=None):
        """Clerk: received → accepted, with the next incoming number (status 03)."""
        self._check_can_register(note)
        for incoming in self:
            incoming.sudo()._do_register((note or "").strip())
        return self._step_done(self.env._("Registered. The sender is told."))

    def _get_cannot_register_reasons(self):
        self.ensure_one()
        if self.department_id:
            return [
                UserError(self.env._("A unit accepts what another unit sends; it has no number."))
            ]
        return self._get_cannot_handle_reasons(("received",))

    def _check_can_register(self, note=None):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_register_reasons)
            if incoming.signature_flagged and not (note or "").strip():
                raise UserError(
                    self.env._(
                        "The signature of “%s” is not valid: register it with a note saying "
                        "why, or refuse it.",
                        incoming.display_name,
                    )
                )

    def _do_register(self, note):
        register = self.env["snn.incoming.register"]._find_for(self)
        self.write(
            {
                "registered_at": fields.Datetime.now(),
                "registered_by_id": self.env.uid,
                "registration_note": note or False,
            }
        )
        register._take_number_for(self, vietnam_today().year)
        self._move_on("accepted", "03")
        self._ask_to_assign()

    def _ask_to_assign(self):
        """The director (whoever may assign) gets the document the same day; urgent ones at
        once (Art. 4.2.c): their to-do is due today and says so."""
        for user in self._assigners():
            self.with_context(lang=user.lang).activity_schedule(
                ACTIVITY_ASSIGN,
                user_id=user.id,
                date_deadline=vietnam_today(),
                note=self.env._("Urgent") if self.urgency in URGENT else "",
            )

    def _assigners(self):
        directors = self.env.ref("snn_docflow.group_director").all_user_ids
        return directors.filtered(lambda u: self.company_id in u.company_ids and not u.share)

    # ------------------------------------------------------------------ assign

    def action_open_assign_wizard(self):
        self.ensure_one()
        self._check_can_assign()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign Handling"),
            "res_model": "snn.incoming.assign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incoming_id": self.id},
        }

    def action_assign(self, instruction, deadline, lines):
        """Director: accepted (or assigned, to change it) → assigned (status 04). ``lines``:
        dicts with department_id, role (main, coordinate, inform), deadline, user_id."""
        self._check_can_assign()
        self._check_assignment_lines(lines)
        for incoming in self:
            incoming.sudo()._do_assign(instruction, deadline, lines)
        return self._step_done(self.env._("Assigned. Those named see it in their queue."))

    def _get_cannot_assign_reasons(self):
        self.ensure_one()
        user = self.env.user
        if self.company_id not in user.company_ids or not (
            user.has_group("snn_docflow.group_director")
            or user.has_group("snn_docflow.group_manager")
        ):
            return [
                AccessError(
                    self.env._("Only the director (or a manager) assigns “%s”.", self.display_name)
                )
            ]
        if self.department_id or self.state not in ("accepted", "assigned"):
            return [UserError(self.env._("Register “%s” before assigning it.", self.display_name))]
        return []

    def _check_can_assign(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_assign_reasons)

    def _check_assignment_lines(self, lines):
        mains = [line for line in lines if line.get("role") == "main"]
        if len(mains) != 1:
            raise UserError(self.env._("Name exactly one main unit (chủ trì)."))
        departments = self.env["hr.department"].browse(
            [line["department_id"] for line in lines if line.get("department_id")]
        )
        if len(departments) != len(lines) or departments.company_id - self.company_id:
            raise UserError(self.env._("Each line names a unit of this organisation."))

    def _do_assign(self, instruction, deadline, lines):
        old = self.assignment_ids
        self.write(
            {
                "instruction": instruction or False,
                "deadline": deadline or False,
                "assigned_by_id": self.env.uid,
                "assigned_at": fields.Datetime.now(),
            }
        )
        old.unlink()
        self.env["snn.incoming.assignment"].create(
            [
                {
                    "incoming_id": self.id,
                    "department_id": line["department_id"],
                    "user_id": line.get("user_id") or False,
                    "role": line["role"],
                    "deadline": line.get("deadline") or deadline or False,
                }
                for line in lines
            ]
        )
        self.activity_feedback([ACTIVITY_ASSIGN])
        self._move_on("assigned", "04")
        self.assignment_ids._ask_to_handle()

    # ------------------------------------------------------------------ process and done

    def _get_cannot_process_reasons(self):
        if self.source == "internal" and not self.assignment_ids:
            return super()._get_cannot_process_reasons()
        return self._get_cannot_handle_reasons(("assigned",))

    def _get_cannot_done_reasons(self):
        if self.source == "internal" and not self.assignment_ids:
            return super()._get_cannot_done_reasons()
        return self._get_cannot_handle_reasons(("assigned", "processing"))

    def _get_cannot_accept_reasons(self):
        if not self.department_id and self.source != "internal":
            return [UserError(self.env._("A document from another agency is registered."))]
        return super()._get_cannot_accept_reasons()

    def _may_handle(self):
        """Besides the unit's head and the clerks: once assigned, the main handler (the main
        unit's head or the person it was passed to) moves it on; the clerks and a manager
        still may."""
        if self.assignment_ids and self.company_id in self.env.user.company_ids:
            if self.env.user in self.main_user_ids:
                return True
        return super()._may_handle()

    def _do_done(self):
        result = super()._do_done()
        self.assignment_ids.filtered(lambda a: a.state != "done").write({"state": "done"})
        return result

    # ------------------------------------------------------------------ reply

    def action_reply(self):
        """An outgoing draft answering this document (its ``reply_to_id``), by the caller as
        drafter, to the sender; returned as a record."""
        self._check_can_reply()
        self.ensure_one()
        draft = self.env["snn.document"].create(self._reply_values())
        draft.sudo().write({"reply_to_id": self.id})
        self.sudo().message_post(
            body=self.env._(
                "%(user)s started a reply: %(draft)s", user=self.env.user.name, draft=draft.subject
            ),
        )
        return draft

    def action_open_reply(self):
        draft = self.action_reply()
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.document",
            "res_id": draft.id,
            "view_mode": "form",
            "target": "current",
        }

    def _get_cannot_reply_reasons(self):
        self.ensure_one()
        if not self.env.user.has_group("snn_docflow.group_drafter"):
            return [AccessError(self.env._("Only officials who draft documents reply."))]
        if self.state in ("received", "refused", "withdrawn"):
            return [
                UserError(self.env._("Register “%s” before replying to it.", self.display_name))
            ]
        main = self.assignment_ids.filtered(lambda a: a.role == "main")
        handlers = self.main_user_ids | main.department_id.member_ids.user_id
        user = self.env.user
        if main and user not in handlers and not user.has_group("snn_docflow.group_clerk"):
            # The reply's issue finishes the handling: the main unit writes it.
            return [AccessError(self.env._("The main unit replies to “%s”.", self.display_name))]
        return []

    def _check_can_reply(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_reply_reasons)

    def _reply_values(self):
        document_type = self.env["snn.document.type"].search(
            [("company_id", "in", [self.company_id.id, False])], limit=1
        )
        values = {
            "subject": self.env._(
                "Reply to %(code)s: %(subject)s", code=self.code or "", subject=self.subject
            ),
            "document_type_id": document_type.id,
        }
        partner = self._sender_partner()
        if partner:
            values["recipient_ids"] = [fields.Command.create({"partner_id": partner.id})]
        return values

    def _sender_partner(self):
        if self.sender_company_id:
            return self.sender_company_id.partner_id
        if self.sender_organ_id:
            return (
                self.env["res.partner"]
                .sudo()
                .search([("snn_organ_id", "=", self.sender_organ_id)], limit=1)
            )
        return self.env["res.partner"]

    # ------------------------------------------------------------------ statuses back

    def _move_on(self, state, status_code, reason=None):
        if self.source == "internal":
            return super()._move_on(state, status_code, reason)
        self.write({"state": state, "refuse_reason": reason or False})
        if state != "processing":  # the handlers' to-dos stay due until it is done
            self.activity_feedback([ACTIVITY_HANDLE], user_id=self.env.uid)
            self.activity_unlink([ACTIVITY_HANDLE, ACTIVITY_REMIND])
        self._queue_status(status_code, reason)
        return None

    def _queue_status(self, code, description=None, trigger=True):
        """The status goes to an agency on the exchange after the commit (see the module
        docstring); e-mail and paper senders are told by the clerk's own means. ``trigger``:
        run the receive cron at once (not from inside it: it sends what it queued at its end;
        each trigger is a row, and a NOTIFY on a connection of its own at the commit)."""
        if self.source != "exchange" or not self.edxml_document_id:
            return
        self.env["snn.incoming.status"].create(
            {"incoming_id": self.id, "code": code, "description": description or False}
        )
        if trigger:
            self.env.ref("snn_incoming.ir_cron_receive")._trigger()


class SnnIncomingSenderRequest(models.Model):
    """The sender asks to recall, update or replace what it sent (edXML BussinessDocType
    1/2/3): the clerk agrees (status 15: a recalled or replaced copy is withdrawn, kept with
    its trail) or refuses with a reason (16)."""

    _inherit = "snn.incoming.document"  # pylint: disable=consider-merging-classes-inherited

    sender_request = fields.Selection(
        [("recall", "Recall"), ("update", "Update"), ("replace", "Replace")],
        readonly=True,
        copy=False,
    )
    sender_request_reason = fields.Text(readonly=True)
    replaced_by_id = fields.Many2one("snn.incoming.document", readonly=True)

    def action_agree_sender_request(self):
        self._check_can_answer_sender()
        for incoming in self:
            incoming.sudo()._do_agree_sender_request()
        return self._step_done(self.env._("Done. The sender is told you agree."))

    def action_refuse_sender_request(self, reason=None):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why you refuse: the sender sees the reason."))
        self._check_can_answer_sender()
        for incoming in self:
            incoming.sudo()._do_refuse_sender_request(reason)
        return self._step_done(self.env._("Refused. The sender sees your reason."))

    def _get_cannot_answer_sender_reasons(self):
        self.ensure_one()
        if not self.sender_request:
            return [
                UserError(self.env._("The sender asked nothing about “%s”.", self.display_name))
            ]
        user = self.env.user
        if self.company_id not in user.company_ids or not (
            user.has_group("snn_docflow.group_clerk") or user.has_group("snn_docflow.group_manager")
        ):
            return [AccessError(self.env._("The clerks answer the sender's requests."))]
        return []

    def _check_can_answer_sender(self):
        for incoming in self:
            incoming._raise_first(incoming._get_cannot_answer_sender_reasons)

    def _sender_request_words(self):
        return dict(self._fields["sender_request"]._description_selection(self.env))[
            self.sender_request
        ]

    def _do_agree_sender_request(self):
        words, request = self._sender_request_words(), self.sender_request
        self.write({"sender_request": False})
        if request in ("recall", "replace"):
            self.write({"state": "withdrawn"})
            self.activity_unlink(self._withdrawn_todos())
        self.message_post(body=self.env._("The sender's request (%s) was agreed to.", words))
        self._queue_status("15")

    def _withdrawn_todos(self):
        # Withdrawn, it is handled by nobody: the reminders and the assignments' to-dos too.
        return [*super()._withdrawn_todos(), ACTIVITY_REMIND, ACTIVITY_ASSIGN]

    def _do_refuse_sender_request(self, reason):
        words = self._sender_request_words()
        self.write({"sender_request": False})
        self.message_post(
            body=self.env._(
                "The sender's request (%(request)s) was refused: %(reason)s",
                request=words,
                reason=reason,
            )
        )
        self._queue_status("16", reason)


class SnnIncomingReasonDialogs(models.Model):
    """The dialogs that ask for a note or a reason before a step (the one reason wizard)."""

    _inherit = "snn.incoming.document"  # pylint: disable=consider-merging-classes-inherited

    def _reason_dialog(self, mode, title):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "snn.document.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incoming_id": self.id, "default_mode": mode},
        }

    def action_open_register_wizard(self):
        return self._reason_dialog("register", self.env._("Register with a Note"))

    def action_open_refuse_request_wizard(self):
        return self._reason_dialog("refuse_request", self.env._("Refuse the Sender's Request"))


class SnnIncomingReplaced(models.Model):
    """An internal copy replaced by its sender's new document (see snn_delivery.py)."""

    _inherit = "snn.incoming.document"  # pylint: disable=consider-merging-classes-inherited

    def _withdraw_replaced(self, replacement):
        self._withdraw_telling(
            self.env._(
                "The sender replaced this document by %(code)s (%(subject)s), which is in the "
                "incoming documents.",
                code=replacement.code,
                subject=replacement.subject,
            ),
            {"replaced_by_id": replacement.id},
        )
