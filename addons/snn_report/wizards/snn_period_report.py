"""The periodic report to the province (point 3 of the seed's letter): for a month, a quarter
or a year, per unit and per document type, what was issued and how it went out.

Two ways out: a plain PDF for a quick look, and the report as an outgoing document of type
"Báo cáo" (a draft of the user, addressed to the province) whose PDF is laid out as a Decree 30
document, so that it goes through the chain and is numbered, signed and sent like any other.
"""

import base64
import calendar
from datetime import date

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from ..models.snn_document_report import FOLLOW_UP_MEASURES, MEASURES
from .snn_period_report_layout import MM, header_lines

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Decree 30, Annex III: the abbreviation of "Báo cáo"; its name as the type is made.
REPORT_TYPE_CODE = "BC"
REPORT_TYPE_NAME = "Báo cáo"
# wkhtmltopdf (Debian's 0.12.6, no patched Qt) prints one CSS pixel as 0.576 pt whatever the
# paperformat's dpi, and rounds font sizes to whole pixels (measured on its output: 16px prints
# 9.216 pt, 19px 10.944 pt). The templates give sizes in pixels; lines are measured in points.
PRINTED_PX = 0.576
# The header's left column (the organisation) as the templates set it: its share of the text
# width (A4 less the paperformat's side margins, less the page's padding), and its font size.
HEADER_LEFT_SHARE = 0.42
TEXT_WIDTH_MM = {"plain": 210 - 20 - 15, "document": 210 - 30 - 15}
PAGE_PADDING_PX = 24
HEADER_PX = {"plain": 15, "document": 21}


class SnnPeriodReport(models.TransientModel):
    _name = "snn.period.report"
    _description = "Periodic Report on Outgoing Documents"
    _inherit = ["snn.wizard.guard"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="quarter",
    )
    year = fields.Integer(required=True, default=lambda self: vietnam_today().year)
    month = fields.Selection(
        [(str(m), str(m)) for m in range(1, 13)],
        default=lambda self: str(vietnam_today().month),
    )
    quarter = fields.Selection(
        [(str(q), ROMAN[q]) for q in range(1, 5)],
        default=lambda self: str((vietnam_today().month - 1) // 3 + 1),
    )
    date_from = fields.Date(compute="_compute_dates")
    date_to = fields.Date(compute="_compute_dates")
    # The report as an outgoing document: who signs, which unit drafts, whom it goes to.
    signer_id = fields.Many2one(
        "res.users",
        # As on the document: directors by their own role, of this organisation.
        domain=lambda self: [
            ("group_ids", "in", self.env.ref("snn_docflow.group_director").ids),
            ("share", "=", False),
            ("company_ids", "in", self.env.company.ids),
        ],
    )
    signer_authority = fields.Char(
        string="Authority Line",
        compute="_compute_signer_lines",
        store=True,
        readonly=False,
        help="E.g. KT. GIÁM ĐỐC (signing on behalf of the director).",
    )
    signer_position = fields.Char(
        string="Signer's Position",
        compute="_compute_signer_lines",
        store=True,
        readonly=False,
        help="E.g. GIÁM ĐỐC.",
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit Drafting the Report",
        default=lambda self: self._default_department(),
        check_company=True,
    )
    recipient_id = fields.Many2one(
        "res.partner",
        string="Report To",
        default=lambda self: self._default_recipient(),
        help="The province (Ủy ban nhân dân tỉnh) or the body the report is owed to.",
    )

    @api.model
    def _default_department(self):
        """The user's own unit in this organisation, when they may read it."""
        return self.env.user.employee_id.department_id._filtered_access("read")

    @api.model
    def _default_recipient(self):
        """The organisation's parent (the province) when Odoo knows it and the user may read
        it; otherwise the user chooses."""
        return self.env.company.parent_id.partner_id._filtered_access("read")

    @api.depends("period", "year", "month", "quarter")
    def _compute_dates(self):
        for wizard in self:
            wizard.date_from, wizard.date_to = wizard._bounds()

    @api.depends("signer_id")
    def _compute_signer_lines(self):
        """Suggested from the signer's job title, as a draft's signature block is."""
        for wizard in self:
            draft = self.env["snn.document"].new(
                {"signer_id": wizard.signer_id.id, "company_id": wizard.company_id.id}
            )
            draft._onchange_signer_suggest_lines()
            wizard.signer_authority = draft.signer_authority or False
            wizard.signer_position = draft.signer_position or False

    def _bounds(self):
        if not 1900 <= (self.year or 0) <= 9999:
            raise UserError(self.env._("Give the report's year with four digits, e.g. 2026."))
        if self.period == "year":
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if self.period == "quarter":
            first_month = (int(self.quarter or 1) - 1) * 3 + 1
            last_month = first_month + 2
        else:
            first_month = last_month = int(self.month or 1)
        last_day = calendar.monthrange(self.year, last_month)[1]
        return date(self.year, first_month, 1), date(self.year, last_month, last_day)

    def _period_label(self):
        """As a report letter names its period (the form is Vietnamese)."""
        return f"{self._period_name()} ({self._period_span()})"

    def _period_name(self):
        """The period's name: Quý I năm 2026, Tháng 03 năm 2026, Năm 2026."""
        if self.period == "year":
            return f"Năm {self.year}"
        if self.period == "quarter":
            return f"Quý {ROMAN[int(self.quarter or 1)]} năm {self.year}"
        return f"Tháng {int(self.month or 1):02d} năm {self.year}"

    def _period_in_sentence(self):
        """The period as it reads inside a sentence: quý I năm 2026."""
        name = self._period_name()
        return name[0].lower() + name[1:]

    def _period_span(self):
        first, last = self._bounds()
        return f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"

    def _domain(self):
        first, last = self._bounds()
        return [
            ("company_id", "=", self.company_id.id),
            ("issue_date", ">=", first),
            ("issue_date", "<=", last),
        ]

    @api.model
    def _measures(self):
        return MEASURES

    def _figures(self):
        """{'rows': [(unit, type, {measure: n})], 'totals': {measure: n}}, by unit and type."""
        self.ensure_one()
        Report = self.env["snn.document.report"]
        Report.check_access("read")
        aggregates = [f"{name}:sum" for name, _label in MEASURES]
        groups = Report._read_group(
            self._domain(), ["department_id", "document_type_id"], aggregates
        )
        rows, totals = [], dict.fromkeys((name for name, _label in MEASURES), 0)
        for department, document_type, *sums in groups:
            values = dict(zip((name for name, _label in MEASURES), sums, strict=True))
            rows.append((department, document_type, values))
            for name, value in values.items():
                totals[name] += value
        rows.sort(key=lambda row: (row[0].display_name or "", row[1].display_name or ""))
        return {"rows": rows, "totals": totals}

    def _extra_tables(self):
        """Further tables of the period printed under the figures, each {'title': str,
        'headers': [str], 'rows': [[str | int]]} (the last row a total when 'total' is true):
        here the replacing and correcting documents; modules that count other records of the
        period add theirs."""
        Report = self.env["snn.document.report"]
        Report.check_access("read")
        [sums] = Report._read_group(
            self._domain(), [], [f"{name}:sum" for name, _label in FOLLOW_UP_MEASURES]
        )
        return [
            {
                "title": "Văn bản thay thế, đính chính (Điều 18 khoản 3 Nghị định 30/2020/NĐ-CP)",
                "headers": ["", "Số lượng"],
                "rows": [
                    [label, count or 0]
                    for (_name, label), count in zip(FOLLOW_UP_MEASURES, sums, strict=True)
                ],
            }
        ]

    # ------------------------------------------------------------------ the printed header

    def _header_blocks(self, pdf):
        """The organisation block's lines for ``pdf`` ("plain" or "document"): [(lines, font
        size in pixels, bold)] for the governing body and the organisation, each broken only
        where a phrase ends (snn_period_report_layout)."""
        company = self.company_id
        text_width = TEXT_WIDTH_MM[pdf] * MM - PAGE_PADDING_PX * PRINTED_PX
        width = text_width * HEADER_LEFT_SHARE * 0.97  # and whole pixels round sizes up
        px = HEADER_PX[pdf]
        blocks = []
        texts = [
            # the parent organisation's name, even when the user works only in this one
            (company.snn_governing_body or company.sudo().parent_id.name, False),
            (company.snn_org_full_name or company.name, True),
        ]
        for text, bold in texts:
            if text:
                lines, size = header_lines(text, width, px * PRINTED_PX, bold=bold)
                blocks.append((lines, min(px, int(size / PRINTED_PX)), bold))
        return blocks

    # ------------------------------------------------------------------ actions

    def action_print_pdf(self):
        self.ensure_one()
        self._check_readable_links()
        self.env["snn.document.report"].check_access("read")
        action = self.env.ref("snn_report.action_report_period").report_action(self)
        return {**action, "close_on_report_download": True}

    def action_make_document(self):
        """The report as a draft outgoing document of the user, type "Báo cáo", addressed to
        the province, its PDF laid out for numbering and signing; opens the draft. Every input
        is checked before anything is made."""
        self.ensure_one()
        self._check_readable_links()
        self.env["snn.document.report"].check_access("read")
        self._check_document_inputs()
        document_type = self._report_type()
        pdf = self._document_pdf()
        document = self.env["snn.document"].create(
            {
                "subject": self._document_subject(),
                "document_type_id": document_type.id,
                "company_id": self.company_id.id,
                "department_id": self.department_id.id,
                "signer_id": self.signer_id.id,
                "signer_authority": self.signer_authority or False,
                "signer_position": self.signer_position,
                "file": base64.b64encode(pdf),
                "file_name": self._document_file_name(),
                "recipient_ids": [
                    Command.create({"partner_id": self.recipient_id.id, "purpose": "action"})
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": document.display_name,
            "res_model": "snn.document",
            "res_id": document.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _check_document_inputs(self):
        """Who may make the draft, and what it needs: said in one message, before anything."""
        if not self.env.user.has_group("snn_docflow.group_drafter"):
            raise AccessError(
                self.env._(
                    "Making the report document drafts an outgoing document: it needs the "
                    "Drafter role as well. Ask a manager, or print the PDF instead."
                )
            )
        missing = []
        if not self.signer_id:
            missing.append(self.env._("the signer"))
        elif not (
            self.signer_id.has_group("snn_docflow.group_director")
            and self.company_id in self.signer_id.company_ids
            and not self.signer_id.share
        ):
            missing.append(
                self.env._(
                    "a signer who is a director of %(org)s (%(name)s is not)",
                    org=self.company_id.name,
                    name=self.signer_id.name,
                )
            )
        if not (self.signer_position or "").strip():
            missing.append(self.env._("the signer's position (e.g. GIÁM ĐỐC)"))
        if not self.department_id:
            missing.append(self.env._("the drafting unit"))
        if not self.recipient_id:
            missing.append(self.env._("whom the report goes to (the province)"))
        if missing:
            raise UserError(
                self.env._(
                    "The report document cannot be made yet. Missing: %s.", ", ".join(missing)
                )
            )

    def _report_type(self):
        """The organisation's type "Báo cáo" (BC), made on first use: each organisation has its
        own types. An archived one is a manager's decision, not replaced behind their back."""
        Type = self.env["snn.document.type"]
        found = Type.with_context(active_test=False).search(
            [("company_id", "=", self.company_id.id), ("code", "=", REPORT_TYPE_CODE)], limit=1
        )
        if found and not found.active:
            raise UserError(
                self.env._(
                    "The document type “%s” (BC) is archived: ask a manager to restore it.",
                    found.name,
                )
            )
        if found:
            return found
        # Types are the managers' to configure; this one is the same for every organisation
        # (Decree 30, Annex III), made in the user's own organisation only (checked above:
        # the wizard's company is one they may read).
        return (
            Type.sudo()
            .create(
                {
                    "name": REPORT_TYPE_NAME,
                    "code": REPORT_TYPE_CODE,
                    "company_id": self.company_id.id,
                }
            )
            .with_env(self.env)
        )

    def _document_subject(self):
        return f"Báo cáo kết quả phát hành văn bản đi {self._period_in_sentence()}"

    def _document_file_name(self):
        first, last = self._bounds()
        return f"bao-cao-van-ban-di-{first:%Y%m%d}-{last:%Y%m%d}.pdf"

    def _notation_hint(self):
        """What follows "Số:" in the draft (/BC-SNN): the number is the clerk's stamp at issue."""
        return f"/{REPORT_TYPE_CODE}-{self.company_id.snn_org_code or '…'}"

    def _document_pdf(self):
        """The document's PDF, always rendered (Odoo's test mode would give HTML)."""
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("snn_report.action_report_period_outgoing", self.ids)
        )
        if kind != "pdf":
            raise UserError(self.env._("The report's PDF could not be made."))
        return pdf

    def action_open_analysis(self):
        """The same figures in the pivot, filtered to the period."""
        self.ensure_one()
        self._check_readable_links()
        first, last = self._bounds()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "snn_report.snn_document_report_action"
        )
        action["domain"] = self._domain()
        action["display_name"] = self.env._(
            "Outgoing Documents %(first)s – %(last)s",
            first=first.strftime("%d/%m/%Y"),
            last=last.strftime("%d/%m/%Y"),
        )
        return action
