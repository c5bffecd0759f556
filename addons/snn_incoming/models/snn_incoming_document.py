"""Văn bản đến from anywhere: where it came from (exchange, e-mail, paper, or a unit of this
database), what its signatures say, its number in the incoming register, who handles it by
when, and the answer. The receivers' steps are in snn_incoming_steps.py; arrival in
snn_incoming_receive.py (exchange) and snn_incoming_mail.py (e-mail)."""

import base64
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from odoo.addons.snn_docflow.engine_words import engine_words
from odoo.addons.snn_docflow.models.snn_document import CONFIDENTIALITY
from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from snn_sign import verify_pdf
from snn_sign.errors import BadInputError
from snn_sign.pdfinput import looks_like_pdf
from snn_sign.verify import received_state

SOURCES = [
    ("internal", "Internal"),
    ("exchange", "Document Exchange"),
    ("email", "E-mail"),
    ("paper", "Paper"),
]
SIGNATURE_STATES = [
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("untrusted", "Untrusted"),
    ("unsigned", "Unsigned"),
    ("not_checked", "Not Checked"),
]
# What the clerk types for a paper document (and may correct until it is registered); every
# other field is the system's.
PAPER_FIELDS = frozenset(
    {
        "sender_name",
        "sender_organ_id",
        "code",
        "issue_date",
        "subject",
        "urgency",
        "confidentiality",
        "document_type_name",
        "signer_name",
        "reply_due",
        "file",
        "file_name",
        "received_at",
    }
)


class SnnIncomingDocument(models.Model):
    _inherit = "snn.incoming.document"

    source = fields.Selection(SOURCES, default="internal", required=True, readonly=True, index=True)
    state = fields.Selection(
        selection_add=[("assigned", "Assigned"), ("processing",)],
        ondelete={"assigned": lambda records: records.write({"state": "accepted"})},
    )
    sender_organ_id = fields.Char(string="Sender's Agency Code", readonly=True, index=True)
    edxml_document_id = fields.Char(string="edXML DocumentId", readonly=True, index=True)
    edxml_message = fields.Binary(string="edXML Message", attachment=True, readonly=True)
    confidentiality = fields.Selection(
        CONFIDENTIALITY, default="normal", required=True, readonly=True
    )
    reply_due = fields.Date(
        string="Reply Requested By", readonly=True, help="The sender's requested reply date."
    )
    # -- verification
    signature_state = fields.Selection(
        SIGNATURE_STATES, default="not_checked", required=True, readonly=True, index=True
    )
    signature_verdict = fields.Text(string="Signature Check", readonly=True)
    verified_at = fields.Datetime(readonly=True)
    signature_flagged = fields.Boolean(compute="_compute_signature_flagged")
    # -- registration (số đến)
    incoming_register_id = fields.Many2one("snn.incoming.register", readonly=True, index=True)
    incoming_year = fields.Integer(readonly=True)
    incoming_number = fields.Integer(readonly=True)
    registered_at = fields.Datetime(readonly=True)
    registered_by_id = fields.Many2one("res.users", readonly=True)
    registration_note = fields.Text(readonly=True)
    # -- direction and handling
    instruction = fields.Text(string="Handling Instruction", readonly=True)
    deadline = fields.Date(readonly=True, index=True, tracking=True)
    deadline_status = fields.Selection(
        [("overdue", "Overdue"), ("due_soon", "Due within 3 Days")],
        compute="_compute_deadline_status",
        search="_search_deadline_status",
    )
    assigned_by_id = fields.Many2one("res.users", readonly=True)
    assigned_at = fields.Datetime(readonly=True)
    assignment_ids = fields.One2many(
        "snn.incoming.assignment", "incoming_id", string="Assignments", readonly=True
    )
    main_user_ids = fields.Many2many(
        "res.users", compute="_compute_main_user_ids", string="Handled By"
    )
    # -- the answer
    answers_id = fields.Many2one(
        "snn.document", string="Answers Our Document", readonly=True, index="btree_not_null"
    )
    reply_ids = fields.One2many("snn.document", "reply_to_id", string="Replies", readonly=True)

    _edxml_unique = models.UniqueIndex(
        "(company_id, sender_organ_id, edxml_document_id) WHERE edxml_document_id IS NOT NULL",
        "This document from this agency has been received already.",
    )
    _incoming_number_unique = models.UniqueIndex(
        "(incoming_register_id, incoming_year, incoming_number) WHERE incoming_number IS NOT NULL",
        "This incoming number is taken.",
    )

    @api.depends("signature_state")
    def _compute_signature_flagged(self):
        for incoming in self:
            incoming.signature_flagged = incoming.signature_state in ("invalid", "untrusted")

    @api.depends("assignment_ids.user_id", "assignment_ids.role", "assignment_ids.department_id")
    def _compute_main_user_ids(self):
        for incoming in self:
            main = incoming.assignment_ids.filtered(lambda a: a.role == "main")
            incoming.main_user_ids = main.user_id | main.department_id.manager_id.user_id

    def _deadline_domains(self):
        """Open documents past their deadline, and those due within three days (Vietnam
        days: the deadline is a day in Vietnam)."""
        today = vietnam_today()
        still_open = [("state", "in", ("accepted", "assigned", "processing"))]
        return {
            "overdue": [("deadline", "<", today), *still_open],
            "due_soon": [
                ("deadline", ">=", today),
                ("deadline", "<=", today + timedelta(days=3)),
                *still_open,
            ],
        }

    @api.depends("deadline", "state")
    def _compute_deadline_status(self):
        # The search's domains, so that list and filter never disagree; each applied once to
        # the whole batch (the first that matches a document is its status).
        status = {}
        for key, domain in self._deadline_domains().items():
            for incoming in self.filtered_domain(domain):
                status.setdefault(incoming, key)
        for incoming in self:
            incoming.deadline_status = status.get(incoming, False)

    def _search_deadline_status(self, operator, value):
        if operator != "in":
            return NotImplemented
        domains = [self._deadline_domains()[key] for key in value if key]
        return Domain.OR(domains) if domains else Domain.FALSE

    @api.depends("code", "incoming_number", "subject")
    def _compute_display_name(self):
        for incoming in self:
            prefix = f"{incoming.incoming_number}/ " if incoming.incoming_number else ""
            incoming.display_name = (
                f"{prefix}{incoming.code or ''} {incoming.subject or ''}".strip()
            )

    # ------------------------------------------------------------------ paper: the clerk types

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        for vals in vals_list:
            self._check_paper_entry(vals)
        company = self.env.company
        clean = [
            {key: vals[key] for key in vals.keys() & PAPER_FIELDS}
            | {"source": "paper", "company_id": company.id, "state": "received"}
            for vals in vals_list
        ]
        for vals in clean:
            vals.setdefault("received_at", fields.Datetime.now())
        records = super(SnnIncomingDocument, self.sudo()).create(clean)
        records._after_paper_entry()
        return records.with_env(self.env)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        for incoming in self:
            incoming._check_paper_correction(vals)
        result = super(SnnIncomingDocument, self.sudo()).write(vals)
        if "file" in vals:  # a new scan: checked again (the clerks were asked once already)
            self.sudo()._verify_signatures()
        return result

    def _step_only_fields(self):
        # What the clerk types on paper may be prefilled; the rest is the steps'.
        return frozenset(self._fields) - PAPER_FIELDS

    def _check_paper_entry(self, vals):
        if vals.get("source") != "paper" or not self.env.user.has_group("snn_docflow.group_clerk"):
            raise AccessError(
                self.env._(
                    "Incoming documents arrive from their sender; a clerk enters paper ones only."
                )
            )
        extra = vals.keys() - PAPER_FIELDS - {"source"}
        if extra:
            raise AccessError(
                self.env._("These fields are the system's: %s", ", ".join(sorted(extra)))
            )
        self._check_paper_file(vals)

    def _check_paper_correction(self, vals):
        may = (
            self.source == "paper"
            and self.state == "received"
            and self.company_id in self.env.user.company_ids
            and self.env.user.has_group("snn_docflow.group_clerk")
        )
        if not may or vals.keys() - PAPER_FIELDS:
            raise AccessError(self.env._("An incoming document changes only through its buttons."))
        self._check_paper_file(vals)

    def _check_paper_file(self, vals):
        data = vals.get("file")
        if data and not looks_like_pdf(base64.b64decode(data)):
            raise UserError(self.env._("The scan must be a PDF file (PDF 1.4 or later)."))

    def _after_paper_entry(self):
        self._verify_signatures()
        self._ask_head_to_handle()  # no unit: the clerks register it

    # ------------------------------------------------------------------ verification

    def _verify_signatures(self):
        """Every signature of the file, against the organisation's trust store; the verdict in
        words, one line per signature. Runs as the system (receivers read the result)."""
        for incoming in self.sudo().with_context(bin_size=False):
            data = base64.b64decode(incoming.file) if incoming.file else b""
            state, verdict = incoming._signature_verdict(data)
            incoming.write(
                {
                    "signature_state": state,
                    "signature_verdict": verdict,
                    "verified_at": fields.Datetime.now(),
                }
            )

    def _signature_verdict(self, data):
        if not data and self._files_not_in_store(["file"]):
            return "invalid", self._not_in_store_words()
        if not data:
            return "unsigned", self.env._("No file came with this document.")
        company = self.company_id
        try:
            report = verify_pdf(
                data, company._trust_roots(), intermediates=company._trust_intermediates()
            )
        except BadInputError as error:
            return "invalid", engine_words(self.env, error)
        state = received_state(report)
        if state == "unsigned":
            if self.source == "paper":
                return state, self.env._("A scan of a paper document: it has no digital signature.")
            return state, self.env._("The file has no digital signature.")
        lines = [signature.verdict for signature in report.signatures] or report.problems
        return state, "\n".join(lines)

    def action_verify_again(self):
        """Anyone who reads it may check again (e.g. after a root was added)."""
        self.check_access("read")
        self._verify_signatures()
        return self._step_notification(self.env._("Signatures checked again."), False)
