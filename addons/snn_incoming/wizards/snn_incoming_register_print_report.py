"""The printed incoming registers: rendered only for one who may print them, and numbered.

The report route takes any ids and renders what the template reads of them, so the wizard is
checked before anything is rendered (as snn_report does for its own reports). Odoo puts page
numbers in a footer that Debian's wkhtmltopdf (no patched Qt) drops without a word; a register
whose pages are not numbered is not a register, so the engine writes "Trang n/N" on the
finished PDF.
"""

from odoo import models

from snn_sign.pagination import number_pages

INCOMING_REGISTER_REPORTS = frozenset(
    {"snn_incoming.incoming_register_document", "snn_incoming.incoming_followup_document"}
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        if report.report_name in INCOMING_REGISTER_REPORTS and not self.env.su:
            wizards = self.env[report.model].browse(docids or [])
            wizards.check_access("read")
            wizards._check_readable_links()
            for wizard in wizards:
                wizard._check_can_print()
        return super()._get_rendering_context(report, docids, data)

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        pdf, kind = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if kind == "pdf" and self._get_report(report_ref).report_name in INCOMING_REGISTER_REPORTS:
            pdf = number_pages(pdf)
        return pdf, kind
