"""Page numbers on the registers and the periodic report; and who may render them.

Odoo puts page numbers in a footer that wkhtmltopdf renders only when it is built with a
patched Qt; Debian's wkhtmltopdf is not, and drops the footer without a word. A register whose
pages are not numbered is not a register, so the engine writes "Trang n/N" on the finished PDF,
whichever wkhtmltopdf made it.

A report of this suite is rendered for records its user may read, or not at all: the report
route takes any ids, and Odoo renders what the template reads of them (as the user, but a
template reading a related field or calling a method reads as that field or method does).
"""

from odoo import models

from snn_sign.pagination import number_pages

NUMBERED_REPORTS = frozenset({"snn_report.register_document", "snn_report.period_document"})


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        if report.report_name.startswith("snn_") and report.model and not self.env.su:
            docs = self.env[report.model].browse(docids or [])
            docs.check_access("read")
            if hasattr(docs, "_check_readable_links"):
                docs._check_readable_links()
        return super()._get_rendering_context(report, docids, data)

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        pdf, kind = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if kind == "pdf" and self._get_report(report_ref).report_name in NUMBERED_REPORTS:
            pdf = number_pages(pdf)
        return pdf, kind
