"""The periodic report to the province (point 3 of the seed's letter): for a month, a quarter
or a year, per unit and per document type, what was issued and how it went out."""

import calendar
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from ..models.snn_document_report import MEASURES

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class SnnPeriodReport(models.TransientModel):
    _name = "snn.period.report"
    _description = "Periodic Report on Outgoing Documents"
    _inherit = ["snn.wizard.guard"]

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

    @api.depends("period", "year", "month", "quarter")
    def _compute_dates(self):
        for wizard in self:
            wizard.date_from, wizard.date_to = wizard._bounds()

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
        first, last = self._bounds()
        span = f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
        if self.period == "year":
            return f"Năm {self.year} ({span})"
        if self.period == "quarter":
            return f"Quý {ROMAN[int(self.quarter or 1)]} năm {self.year} ({span})"
        return f"Tháng {int(self.month or 1):02d} năm {self.year} ({span})"

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

    # ------------------------------------------------------------------ actions

    def action_print_pdf(self):
        self.ensure_one()
        self._check_readable_links()
        self.env["snn.document.report"].check_access("read")
        action = self.env.ref("snn_report.action_report_period").report_action(self)
        return {**action, "close_on_report_download": True}

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
