from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.modules.db import FunctionStatus

SUBJECT_MAX_LENGTH = 500  # edXML Subject, and what fits under the number line

# Độ mật (Decree 30 Annex I; the law on state secrets' three levels), outgoing and incoming.
CONFIDENTIALITY = [
    ("normal", "Normal"),
    ("confidential", "Confidential"),
    ("secret", "Secret"),
    ("top_secret", "Top Secret"),
]


def trigram_index(column):
    """A models.Index definition: the GIN trigram index Odoo makes for index='trigram'
    (Registry.check_indexes), on unaccent(column) when the database's unaccent is indexable,
    as an ilike then compares; none without pg_trgm. For a column that keeps its btree index
    (index=True) for equality: Odoo names both the same, so index='trigram' would not replace
    the btree an existing database has."""

    def definition(registry):
        if not registry.has_trigram:
            return ""
        expression = f'"{column}"'
        if registry.has_unaccent == FunctionStatus.INDEXABLE:
            expression = registry.unaccent(expression)
        return f"USING gin ({expression} gin_trgm_ops)"

    return definition


STATES = [
    ("draft", "Draft"),
    ("head_review", "Head Review"),
    ("director_review", "Director Review"),
    ("approved", "Approved"),
    ("issued", "Issued"),
    ("cancelled", "Cancelled"),
]

# Fields the drafter writes; frozen once the document leaves draft (a change needs a return).
CONTENT_FIELDS = frozenset(
    {
        "subject",
        "document_type_id",
        "department_id",
        "company_id",
        "signer_id",
        "signer_authority",
        "signer_position",
        "recipient_ids",
        "related_document_ids",
        "urgency",
        "confidentiality",
        "file",
        "file_name",
    }
)
# Fields only the steps write (as sudo(), after their checks); never a client's create/write.
WORKFLOW_FIELDS = frozenset(
    {
        "state",
        "drafter_id",
        "register_id",
        "number",
        "number_year",
        "code",
        "issue_date",
        "return_reason",
        "cancel_reason",
        "approved_sha256",
        "trail_head_hash",
        "approval_ids",
    }
)


class SnnDocument(models.Model):
    _name = "snn.document"
    _description = "Outgoing Document"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "snn.record.files",
        "snn.pdf.file.mixin",
        "snn.step.mixin",
        "snn.step.defaults",
    ]
    _order = "id desc"
    _rec_name = "subject"
    _check_company_auto = True
    # Reviewers only read documents; they still comment on them.
    _mail_post_access = "read"

    # index="trigram": searched by any words of it (a GIN trigram index serves ilike).
    subject = fields.Char(
        required=True,
        tracking=True,
        index="trigram",
        help="Trích yếu: at most 500 characters.",
    )
    document_type_id = fields.Many2one(
        "snn.document.type", required=True, tracking=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Drafting Unit",
        required=True,
        default=lambda self: self.env.user.employee_id.department_id,
        tracking=True,
        check_company=True,
    )
    head_id = fields.Many2one(
        "res.users",
        string="Head of Unit",
        related="department_id.manager_id.user_id",
    )
    # Indexed: "My Documents" and the drafters' record rule count a drafter's documents.
    drafter_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
        index=True,
    )
    signer_id = fields.Many2one(
        "res.users",
        tracking=True,
        # Directors by their own role: a manager or the administrator is a director only by
        # implication (to see every document), not someone who signs.
        domain=lambda self: [
            ("group_ids", "in", self.env.ref("snn_docflow.group_director").ids),
            ("share", "=", False),
        ],
        help="The director who approves and signs.",
    )
    signer_authority = fields.Char(
        string="Authority Line", help="E.g. KT. GIÁM ĐỐC (signing on behalf of the director)."
    )
    signer_position = fields.Char(string="Signer's Position", help="E.g. PHÓ GIÁM ĐỐC.")
    # bypass_search_access: a search by recipient finds the lines without the rules they
    # take from their document (snn.document.child), which the documents found pass anyway;
    # with them, each line found (of every organisation) was joined back to its document.
    recipient_ids = fields.One2many(
        "snn.document.recipient", "document_id", copy=True, bypass_search_access=True
    )
    related_document_ids = fields.Many2many(
        "snn.document",
        "snn_document_related_rel",
        "document_id",
        "related_id",
        string="Related Documents",
    )
    urgency = fields.Selection(
        [
            ("normal", "Normal"),
            ("urgent", "Urgent"),
            ("very_urgent", "Very Urgent"),
            ("flash", "Flash"),
        ],
        default="normal",
        required=True,
        tracking=True,
    )
    confidentiality = fields.Selection(
        CONFIDENTIALITY, default="normal", required=True, tracking=True
    )
    file = fields.Binary(string="PDF to Sign", attachment=True, copy=False)
    file_name = fields.Char(copy=False)
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        group_expand=True,  # kanban columns in the order of the chain, empty ones too
    )
    register_id = fields.Many2one(
        "snn.register", readonly=True, copy=False, index=True, check_company=True
    )
    number = fields.Integer(readonly=True, copy=False)
    number_year = fields.Integer(readonly=True, copy=False)
    code = fields.Char(string="Number and Notation", readonly=True, copy=False, index=True)
    issue_date = fields.Date(readonly=True, copy=False, tracking=True)
    return_reason = fields.Text(readonly=True, copy=False)
    cancel_reason = fields.Text(readonly=True, copy=False)
    approved_sha256 = fields.Char(
        string="Approved SHA-256",
        readonly=True,
        copy=False,
        help="SHA-256 of the PDF the director approved; checked again when the clerk issues.",
    )
    approval_ids = fields.One2many(
        "snn.approval", "document_id", string="Trail", readonly=True, copy=False
    )
    trail_head_hash = fields.Char(
        readonly=True,
        copy=False,
        help="Hash of the last trail row: a trail cut short at its end no longer reaches it.",
    )
    trail_intact = fields.Boolean(compute="_compute_trail_intact")
    code_conflict = fields.Boolean(
        compute="_compute_code_conflict",
        help="Another document of this organisation carries the same number and notation.",
    )
    can_submit = fields.Boolean(compute="_compute_can_act")
    can_forward = fields.Boolean(compute="_compute_can_act")
    can_return = fields.Boolean(compute="_compute_can_act")
    can_approve = fields.Boolean(compute="_compute_can_act")
    can_issue = fields.Boolean(compute="_compute_can_act")
    can_cancel = fields.Boolean(compute="_compute_can_act")
    can_check_format = fields.Boolean(compute="_compute_can_check_format")
    can_edit = fields.Boolean(compute="_compute_can_act")

    _number_uniq = models.Constraint(
        "UNIQUE(register_id, number_year, number)",
        "A number can be taken only once per register and year.",
    )
    _number_complete = models.Constraint(
        "CHECK(number IS NULL OR (register_id IS NOT NULL AND number_year IS NOT NULL))",
        "A number belongs to a register and a year.",
    )
    # Every read is of one organisation (company rule): its kanban columns (one state, newest
    # first) read at most their own rows, and its counts only its rows (bench/register_bench.py).
    _company_state_id_idx = models.Index("(company_id, state, id)")
    # Searched by a part of it ("15/QĐ", "QĐ-SNNMT"): a trigram index beside the btree
    # (code_conflict compares whole codes).
    _code_trigram_idx = models.Index(trigram_index("code"))

    @api.depends("approval_ids", "trail_head_hash")
    def _compute_trail_intact(self):
        for document in self:
            document.trail_intact = not document._trail_problems()

    @api.depends("code", "number_year", "company_id")
    @api.depends_context("uid")
    def _compute_code_conflict(self):
        for document in self:
            # As the user: a flag must not reveal documents they may not read (secret ones).
            document.code_conflict = bool(document.code) and bool(
                self.search_count(
                    [
                        ("id", "!=", document.id),
                        ("code", "=", document.code),
                        ("number_year", "=", document.number_year),
                        ("company_id", "=", document.company_id.id),
                    ],
                    limit=1,
                )
            )

    @api.depends("state", "drafter_id", "signer_id", "department_id")
    @api.depends_context("uid")
    def _compute_can_act(self):
        for document in self:
            document.can_submit = not document._get_cannot_submit_reasons()
            document.can_forward = not document._get_cannot_forward_reasons()
            document.can_return = not document._get_cannot_return_reasons()
            document.can_approve = not document._get_cannot_approve_reasons()
            document.can_issue = not document._get_cannot_issue_reasons()
            document.can_cancel = not document._get_cannot_cancel_reasons()
            document.can_edit = document.state == "draft" and document._is_drafter_or_manager()

    @api.depends("state", "approval_ids")
    @api.depends_context("uid")
    def _compute_can_check_format(self):
        for document in self:
            document.can_check_format = not document._get_cannot_check_format_reasons()

    @api.onchange("signer_id")
    def _onchange_signer_suggest_lines(self):
        """The signature block's lines from the signer's job title: "Phó Giám đốc" signs
        "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Giám đốc" signs "GIÁM ĐỐC" (Decree 30, Annex I.8)."""
        title = self._signer_job_title()
        if not title:
            return
        position = title.upper()
        deputy = "PHÓ "
        self.signer_position = position
        self.signer_authority = (
            f"KT. {position.removeprefix(deputy)}" if position.startswith(deputy) else ""
        )

    def _signer_job_title(self):
        employee = self.signer_id.sudo().employee_ids.filtered(
            lambda e: e.company_id == self.company_id
        )[:1]
        return " ".join((employee.job_title or employee.job_id.name or "").split())

    @api.constrains("subject")
    def _check_subject_length(self):
        for document in self:
            if len(document.subject or "") > SUBJECT_MAX_LENGTH:
                raise UserError(
                    self.env._(
                        "The subject is %(length)s characters long; at most %(max)s are allowed.",
                        length=len(document.subject),
                        max=SUBJECT_MAX_LENGTH,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # No context key opens this: only code that chose sudo() after its own checks (the
        # steps) passes; a client cannot make its environment superuser.
        workflow_fields = self._workflow_fields()
        if not self.env.su and any(vals.keys() & workflow_fields for vals in vals_list):
            raise AccessError(self.env._("A new document starts as a draft of its author."))
        return super().create(vals_list)

    def write(self, vals):
        if vals.keys() & self._workflow_fields() and not self.env.su:
            raise AccessError(
                self.env._("The state and number change only through the document's buttons.")
            )
        if vals.keys() & CONTENT_FIELDS:
            self._check_content_editable()
        return super().write(vals)

    def unlink(self):
        # mail.thread deletes the chatter before Odoo runs the @api.ondelete checks; refuse
        # first, so that a refusal says why instead of a foreign key naming a table.
        self._unlink_only_untouched_drafts()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_untouched_drafts(self):
        """A draft that never left its drafter may go; anything with a trail is cancelled
        instead (the register and the trail keep it), whoever asks, superuser included."""
        for document in self:
            if document.state != "draft" or document.sudo().approval_ids:
                raise UserError(
                    self.env._(
                        "“%s” cannot be deleted: it has been submitted before and its trail "
                        "is kept. Cancel it instead.",
                        document.display_name,
                    )
                )
            if not self.env.su and not document._is_drafter_or_manager():
                raise AccessError(
                    self.env._(
                        "Only its drafter or a manager deletes the draft “%s”.",
                        document.display_name,
                    )
                )

    def _step_only_fields(self):
        return self._workflow_fields()

    def _workflow_fields(self):
        """Fields only the steps write; modules that add step results (files, signatures)
        extend the set."""
        return WORKFLOW_FIELDS

    def _frozen_file_fields(self):
        """Binary fields frozen now (see ir_attachment.py): the PDF from submission on."""
        return {"file"} if self.state != "draft" else set()

    def _check_content_editable(self):
        """Content changes only in draft, by its drafter or a manager; else a return is needed."""
        for document in self:
            if document.state != "draft":
                raise UserError(
                    self.env._(
                        "“%(doc)s” is %(state)s: its content is frozen. "
                        "Ask the reviewer to return it to draft to change it.",
                        doc=document.display_name,
                        state=document._state_label(),
                    )
                )
            if not self.env.su and not document._is_drafter_or_manager():
                raise AccessError(
                    self.env._("Only the drafter can change the draft “%s”.", document.display_name)
                )

    @api.depends("subject", "code")
    def _compute_display_name(self):
        for document in self:
            document.display_name = (
                f"{document.code} — {document.subject}" if document.code else document.subject
            )

    # ------------------------------------------------------------------ reason dialogs

    def action_open_return_wizard(self):
        return self._open_reason_wizard("return")

    def action_open_cancel_wizard(self):
        return self._open_reason_wizard("cancel")

    def _open_reason_wizard(self, mode):
        self.ensure_one()
        titles = {
            "return": self.env._("Return to Drafter"),
            "cancel": self.env._("Cancel Document"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[mode],
            "res_model": "snn.document.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id, "default_mode": mode},
        }
