"""Print the outgoing register for a date range: a PDF (QWeb) or a spreadsheet, same rows."""

import base64
import io
from datetime import date

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from . import register_layout

# The ten columns of Decree 30 Annex IV, as the form heads them (the form is Vietnamese).
COLUMNS = [
    ("code", "Số, ký hiệu văn bản", 14),
    ("date", "Ngày tháng văn bản", 11),
    ("subject", "Tên loại và trích yếu nội dung văn bản", 45),
    ("signer", "Người ký", 18),
    ("recipients", "Nơi nhận văn bản", 30),
    ("file_copy_holder", "Đơn vị, người nhận bản lưu", 16),
    ("copies", "Số lượng bản", 8),
    ("sent", "Ngày chuyển", 11),
    ("receipt", "Ký nhận", 12),
    ("note", "Ghi chú", 24),
]
FORM_LANG = "vi_VN"


class SnnRegisterPrint(models.TransientModel):
    _name = "snn.register.print"
    _description = "Print the Outgoing Register"
    _inherit = ["snn.wizard.guard"]

    register_id = fields.Many2one(
        "snn.register",
        required=True,
        ondelete="cascade",
        default=lambda self: self._default_register(),
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: vietnam_today().replace(month=1, day=1)
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: vietnam_today().replace(month=12, day=31)
    )
    xlsx_file = fields.Binary(string="Spreadsheet", readonly=True, attachment=False)

    @api.model
    def _default_register(self):
        """The organisation's outgoing register: the one a clerk prints most."""
        return self.env["snn.register"].search(
            [("company_id", "=", self.env.company.id), ("confidential", "=", False)], limit=1
        )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The register's range ends before it starts."))

    # ------------------------------------------------------------------ what is printed

    def _form_env(self):
        """The register is a Vietnamese legal form: its notes are in Vietnamese when Odoo
        has the language, whoever prints it."""
        return self.with_context(lang=self.env["res.lang"]._get_code(FORM_LANG) or self.env.lang)

    def _entries(self):
        self.ensure_one()
        wizard = self._form_env()
        return wizard.register_id._register_entries(wizard.date_from, wizard.date_to)

    def _pages(self):
        """The register's rows cut into printed pages (see register_layout.py)."""
        return register_layout.paginate(self._entries())

    def _period_label(self):
        first, last = self.date_from, self.date_to
        if first == date(first.year, 1, 1) and last == date(first.year, 12, 31):
            return f"Năm {first.year}"
        return f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"

    def _file_stem(self):
        return f"so-van-ban-di-{self.register_id.id}-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}"

    @api.model
    def _columns(self):
        return COLUMNS

    # ------------------------------------------------------------------ actions

    def action_print_pdf(self):
        self.ensure_one()
        self._check_readable_links()
        self.register_id._check_can_print(self.date_from, self.date_to)
        action = self.env.ref("snn_report.action_report_register").report_action(self)
        return {**action, "close_on_report_download": True}

    def action_export_xlsx(self):
        self.ensure_one()
        self._check_readable_links()
        self.xlsx_file = base64.b64encode(self._xlsx_bytes())
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/snn.register.print/{self.id}/xlsx_file"
            f"?download=true&filename={self._file_stem()}.xlsx",
            "target": "download",
        }

    def _xlsx_bytes(self):
        entries = self._entries()  # checks who prints, before anything is written
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet(self.register_id.name[:31])
        title = book.add_format({"bold": True, "font_name": "Times New Roman", "font_size": 14})
        head = book.add_format(
            {
                "bold": True,
                "font_name": "Times New Roman",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        cell = book.add_format(
            {"font_name": "Times New Roman", "border": 1, "text_wrap": True, "valign": "top"}
        )
        sheet.write(0, 0, "SỔ ĐĂNG KÝ VĂN BẢN ĐI", title)
        sheet.write(1, 0, f"{self.register_id.name} — {self._period_label()}")
        for col, (_key, label, width) in enumerate(COLUMNS):
            sheet.set_column(col, col, width)
            sheet.write(3, col, label, head)
            sheet.write(4, col, str(col + 1), head)
        for row, entry in enumerate(entries, start=5):
            for col, (key, _label, _width) in enumerate(COLUMNS):
                sheet.write_string(row, col, getattr(entry, key), cell)
        sheet.repeat_rows(3, 4)
        sheet.freeze_panes(5, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        book.close()
        return out.getvalue()
