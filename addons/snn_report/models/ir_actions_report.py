"""Page numbers on the registers and the periodic report.

Odoo puts page numbers in a footer that wkhtmltopdf renders only when it is built with a
patched Qt; Debian's wkhtmltopdf is not, and drops the footer without a word. A register whose
pages are not numbered is not a register, so the engine writes "Trang n/N" on the finished PDF,
whichever wkhtmltopdf made it.
"""

from odoo import models

from snn_sign.pagination import number_pages

NUMBERED_REPORTS = frozenset({"snn_report.register_document", "snn_report.period_document"})


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        pdf, kind = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if kind == "pdf" and self._get_report(report_ref).report_name in NUMBERED_REPORTS:
            pdf = number_pages(pdf)
        return pdf, kind
