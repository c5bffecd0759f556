"""The clerk's step "make an electronic copy", shared by the outgoing and the incoming
document: action_make_copy → checks (_get_cannot_make_copy_reasons) → effect (_do_make_copy).

The copy is made from the original's final PDF (the issued, signed file; the received file):
a "sao y" or "sao lục" keeps every page, and the original's signatures, under the copy's seal
(an incremental update); a "trích sao" keeps the pages asked for, without the original's
signatures. The organisation seals it through the token bridge of the server, then the seal
is checked against the organisation's trusted roots; only then is a number of the series of
copies taken: a copy that cannot be sealed burns no number.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.engine_words import engine_words, line_words
from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_now

from snn_sign import sign_pdf, verify_pdf
from snn_sign.errors import SnnSignError
from snn_sign.extract import extract_pages, parse_pages, pdf_page_count
from snn_sign.longterm import add_document_timestamp

from .snn_copy_record import FORMS

COPY_FIELD = "CopySignature"


class SnnCopySource(models.AbstractModel):
    _name = "snn.copy.source"
    _description = "Document an Electronic Copy Is Made Of"

    copy_ids = fields.Many2many(
        "snn.document.copy", compute="_compute_copy_ids", string="Electronic Copies"
    )
    copy_count = fields.Integer(compute="_compute_copy_ids", string="Copies")
    can_make_copy = fields.Boolean(compute="_compute_can_make_copy")
    secret_copy_ids = fields.Many2many(
        "snn.secret.copy", compute="_compute_copy_ids", string="Paper Copies (Secret)"
    )
    can_make_paper_copy = fields.Boolean(compute="_compute_can_make_copy")

    @api.model
    def _copy_link(self):
        """The field of snn.document.copy that names a record of this model."""
        raise NotImplementedError

    def _compute_copy_ids(self):
        """The copies of each record the user may read (as its original: the same rules)."""
        link = self._copy_link()
        copies = self.env["snn.document.copy"].search([(link, "in", self.ids)])
        paper = self.env["snn.secret.copy"].search([(link, "in", self.ids)])
        for record in self:
            record.copy_ids = copies.filtered(lambda c, r=record: c[link].id == r.id)
            record.secret_copy_ids = paper.filtered(lambda c, r=record: c[link].id == r.id)
            record.copy_count = len(record.copy_ids) + len(record.secret_copy_ids)

    def _compute_can_make_copy(self):
        for record in self:
            record.can_make_copy = not record._get_cannot_make_copy_reasons()
            record.can_make_paper_copy = not record._get_cannot_make_paper_copy_reasons()

    # ------------------------------------------------------------------ the step

    def action_open_copy_wizard(self):
        """Clerk: the dialog that asks the form of copy (and an extract's pages)."""
        self.ensure_one()
        if self.sudo().confidentiality != "normal":
            self._raise_first(self._get_cannot_make_paper_copy_reasons)
        else:
            self._raise_first(self._get_cannot_make_copy_reasons)
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.copy.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{self._copy_link()}": self.id},
        }

    def action_make_copy(self, form, pages=None):
        """Clerk: an electronic copy of this document, ``form`` "sao_y", "sao_luc" or
        "trich_sao" (of ``pages``, e.g. "1-3, 5"): sealed, checked, numbered. Returns it."""
        self.ensure_one()
        self._check_can_make_copy(form)
        return self.sudo()._do_make_copy(form, pages)

    def _check_can_make_copy(self, form):
        self._raise_first(self._get_cannot_make_copy_reasons)
        if form not in dict(FORMS):
            raise UserError(self.env._("Choose the form of copy: sao y, sao lục or trích sao."))
        if form == "sao_luc" and not self._has_sao_y():
            # Decree 30, Art. 25: sao lục is copying from a sao y.
            raise UserError(
                self.env._(
                    "A sao lục is made from a sao y: make a sao y of “%s” first.",
                    self.display_name,
                )
            )

    def _has_sao_y(self, model="snn.document.copy"):
        return bool(
            self.env[model]
            .sudo()
            .search_count([(self._copy_link(), "=", self.id), ("form", "=", "sao_y")], limit=1)
        )

    def _get_cannot_make_copy_reasons(self):
        """Why this user cannot copy this document now (first reason first)."""
        self.ensure_one()
        reasons = self._copying_clerk_reasons()
        if reasons:
            return reasons
        if self.confidentiality != "normal":
            return [
                UserError(
                    self.env._(
                        "“%s” is secret: it is copied on paper, by the rules of state secrets, "
                        "not as an electronic copy.",
                        self.display_name,
                    )
                )
            ]
        return self._get_cannot_copy_state_reasons() or self._get_cannot_seal_copy_reasons()

    def _copying_clerk_reasons(self):
        if self.env.user.has_group("snn_docflow.group_clerk") and (
            self.company_id in self.env.user.company_ids
        ):
            return []
        return [
            AccessError(
                self.env._(
                    "Only a clerk of %s makes copies of its documents.", self.company_id.name
                )
            )
        ]

    # ------------------------------------------------------------------ paper, secret

    def action_make_paper_copy(self, form, copies, authorised_by_id, reason, pages=None):
        """Clerk: record ``copies`` paper copies of this secret document (``form`` as for an
        electronic copy), authorised by ``authorised_by_id`` (a director of the organisation)
        for ``reason``; returns the record, numbered in the confidential series."""
        self.ensure_one()
        authorised_by = self.env["res.users"].browse(authorised_by_id).exists()
        self._check_can_make_paper_copy(form, copies, authorised_by, reason, pages)
        return self.sudo()._do_make_paper_copy(
            form, copies, authorised_by, reason.strip(), self._paper_pages(form, pages)
        )

    def _get_cannot_make_paper_copy_reasons(self):
        self.ensure_one()
        reasons = self._copying_clerk_reasons()
        if reasons:
            return reasons
        if self.confidentiality == "normal":
            return [
                UserError(
                    self.env._(
                        "“%s” is not secret: make an electronic copy of it.", self.display_name
                    )
                )
            ]
        return self._get_cannot_copy_state_reasons(paper=True)

    def _check_can_make_paper_copy(self, form, copies, authorised_by, reason, pages):
        self._raise_first(self._get_cannot_make_paper_copy_reasons)
        if form not in dict(FORMS):
            raise UserError(self.env._("Choose the form of copy: sao y, sao lục or trích sao."))
        if not isinstance(copies, int) or isinstance(copies, bool) or not 0 < copies <= 1000:
            raise UserError(self.env._("Say how many paper copies were made (1 to 1000)."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the copies are made: a reason is required."))
        director = self.env.ref("snn_docflow.group_director")
        if (
            not authorised_by
            or authorised_by.share
            or (
                director not in authorised_by.all_group_ids
                or self.company_id not in authorised_by.company_ids
            )
        ):
            raise UserError(
                self.env._(
                    "Copies of a secret document are authorised by a director of %s: choose "
                    "who authorised them.",
                    self.company_id.name,
                )
            )
        if form == "sao_luc" and not self._has_sao_y("snn.secret.copy"):
            raise UserError(
                self.env._(
                    "A sao lục is made from a sao y: make a sao y of “%s” first.",
                    self.display_name,
                )
            )

    def _paper_pages(self, form, pages):
        """The pages of an extract: checked against the original's file where it has one (a
        secret document issued on paper has the approved PDF; a paper incoming one its scan)."""
        if form != "trich_sao":
            return False
        pages = (pages or "").strip()
        if not pages:
            raise UserError(self.env._("Say which pages to extract, e.g. 1-3, 5."))
        data = self._paper_source_bytes()
        if not data:
            return pages
        try:
            kept = parse_pages(pages, pdf_page_count(data))
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None
        return ", ".join(map(str, kept))

    def _paper_source_bytes(self):
        """Hook: the original's PDF, if any, to count its pages (sudo)."""
        return self._copy_source_bytes()

    def _do_make_paper_copy(self, form, copies, authorised_by, reason, pages):
        made = {
            "form": form,
            "copies": copies,
            "authorised_by_id": authorised_by.id,
            "reason": reason,
            "pages": pages,
        }
        copy = self.env["snn.secret.copy"]._make(self, made)
        self.message_post(
            body=self.env._(
                "Paper copies recorded: %(count)s (%(form)s), number %(number)s of the "
                "confidential series, authorised by %(who)s.",
                count=copies,
                form=dict(FORMS)[form],
                number=f"{copy.number:02d}",
                who=authorised_by.name,
            )
        )
        return copy

    # ------------------------------------------------------------------ seal

    def _get_cannot_seal_copy_reasons(self):
        """The seal is made through the server's token bridge only (ROADMAP): said before the
        dialog opens, and the button is hidden, rather than after the clerk chose a form."""
        company = self.company_id.sudo()
        if (
            company.snn_seal_sign_mode == "server"
            and company.snn_seal_bridge_id
            and (company.snn_seal_key)
        ):
            return []
        return [
            UserError(
                self.env._(
                    "Copies are sealed through the token bridge of the server, and the seal of "
                    "%s is not set up there: ask a manager.",
                    company.name,
                )
            )
        ]

    def _get_cannot_copy_state_reasons(self, paper=False):
        """Hook: why the original has nothing to copy yet (not issued, not registered, …);
        ``paper``: for paper copies (the original may be on paper)."""
        return []

    def _copy_source_bytes(self):
        """Hook: the original's final PDF (sudo)."""
        raise NotImplementedError

    def _do_make_copy(self, form, pages):
        company = self.company_id.sudo()
        try:
            pdf, pages_kept = self._copy_pages(form, pages)
            long_term = company._long_term_policy()
            sealed = sign_pdf(
                pdf,
                company.snn_seal_bridge_id._signer(company.snn_seal_key),
                appearance="copy",
                copy_form=form,
                org_name=company.snn_org_full_name or company.name,
                signing_time=vietnam_now(),
                long_term=long_term,
                field_name=COPY_FIELD,
            )
            if long_term.tsa_url:  # B-LTA, as an issued file
                sealed = add_document_timestamp(sealed, long_term)
            report = verify_pdf(sealed, company._trust_roots())
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None
        seal = next(s for s in report.signatures if s.field == COPY_FIELD)
        if not (seal.intact and seal.valid and seal.trusted):
            words = "; ".join(line_words(self.env, reason) for reason in seal.reasons)
            raise UserError(self.env._("The copy's seal does not verify: %s", words))
        copy = self.env["snn.document.copy"]._make(self, form, pages_kept, sealed, seal)
        self.message_post(
            body=self.env._(
                "Electronic copy %(code)s (%(form)s) made by %(user)s.",
                code=copy.code,
                form=dict(FORMS)[form],
                user=self.env.user.name,
            )
        )
        return copy

    def _copy_pages(self, form, pages):
        """(PDF to seal, pages kept as text): the original's file, or for an extract the pages
        asked for."""
        pdf = self._copy_source_bytes()
        if not pdf:
            raise UserError(self.env._("“%s” has no file to copy.", self.display_name))
        if form != "trich_sao":
            return pdf, False
        kept = parse_pages(pages or "", pdf_page_count(pdf))
        return extract_pages(pdf, kept), ", ".join(map(str, kept))
