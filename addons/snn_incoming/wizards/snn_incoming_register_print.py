"""Print an incoming register of a year as Decree 30 Annex IV has it: the register itself
(sổ đăng ký văn bản đến, form VI) or the follow-up register (sổ theo dõi giải quyết văn bản
đến, form VIII). A cover, then one row per số đến in order; the register chosen decides
which series (the secret register prints on its own). Printed for a clerk (or a manager) of
the register's organisation who can read every entry, or not at all: a register with
entries left out is not the register."""

import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

from snn_sign.vntime import VN_TZ

from . import snn_incoming_register_print_layout as layout
from . import snn_incoming_register_print_rows as rows

FORM_LANG = "vi_VN"
KINDS = {
    # kind: (columns, report action, title on the cover, file name)
    "register": (
        rows.REGISTER_COLUMNS,
        "snn_incoming.action_report_incoming_register",
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "so-van-ban-den",
    ),
    "followup": (
        rows.FOLLOWUP_COLUMNS,
        "snn_incoming.action_report_incoming_followup",
        "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        "so-theo-doi-giai-quyet",
    ),
}


class SnnIncomingRegisterPrint(models.TransientModel):
    _name = "snn.incoming.register.print"
    _description = "Print an Incoming Register"
    _inherit = ["snn.wizard.guard", "snn.incoming.own.form"]

    kind = fields.Selection(
        [("register", "Incoming Register"), ("followup", "Follow-up Register")],
        required=True,
        default="register",
    )
    register_id = fields.Many2one(
        "snn.incoming.register",
        string="Incoming Register",
        required=True,
        ondelete="cascade",
        default=lambda self: self._default_register(),
    )
    year = fields.Integer(required=True, default=lambda self: vietnam_today().year)
    date_from = fields.Date(
        string="From", required=True, default=lambda self: vietnam_today().replace(month=1, day=1)
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: vietnam_today().replace(month=12, day=31)
    )
    number_from = fields.Integer(string="From Number", help="Empty: from the first.")
    number_to = fields.Integer(string="To Number", help="Empty: to the last.")
    volume = fields.Integer(string="Volume Number", default=1, help="Quyển số, on the cover.")

    @api.model
    def _default_register(self):
        """The organisation's register of ordinary documents: the one printed most."""
        return self.env["snn.incoming.register"].search(
            [("company_id", "=", self.env.company.id), ("confidential", "=", False)], limit=1
        )

    @api.onchange("year")
    def _onchange_year(self):
        """The whole year: the numbers start again each year (Decree 30 Art. 22.2)."""
        if 1900 < self.year < 10000:
            self.date_from = dt.date(self.year, 1, 1)
            self.date_to = dt.date(self.year, 12, 31)

    @api.constrains("year", "date_from", "date_to", "number_from", "number_to")
    def _check_range(self):
        for wizard in self:
            if not 1900 < wizard.year < 10000:
                raise UserError(self.env._("Give the year of the register."))
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The register's range ends before it starts."))
            if {wizard.date_from.year, wizard.date_to.year} != {wizard.year}:
                raise UserError(
                    self.env._(
                        "The dates must be in %s: numbers start again each year.", wizard.year
                    )
                )
            if (
                wizard.number_from < 0
                or wizard.number_to < 0
                or (wizard.number_to and wizard.number_from > wizard.number_to)
            ):
                raise UserError(self.env._("The numbers' range ends before it starts."))

    # ------------------------------------------------------------------ who prints

    def _check_can_print(self):
        """Clerks (managers included) of the register's organisation keep the registers; only
        one who can read every entry prints it."""
        self.ensure_one()
        register = self.register_id
        register.check_access("read")
        user = self.env.user
        if not user.has_group("snn_docflow.group_clerk") or (
            register.company_id not in user.company_ids
        ):
            raise AccessError(
                self.env._("Only a clerk or a manager prints the register “%s”.", register.name)
            )
        Incoming = self.env["snn.incoming.document"]
        domain = self._entry_domain()
        if Incoming.search_count(domain) != Incoming.sudo().search_count(domain):
            raise AccessError(
                self.env._(
                    "You may not read every entry of the register “%s”: it is printed only "
                    "by those who may.",
                    register.name,
                )
            )

    # ------------------------------------------------------------------ what is printed

    def _entry_domain(self):
        """The documents numbered in the register in the year, registered between the dates
        (Vietnam days), within the numbers asked for."""
        start = dt.datetime.combine(self.date_from, dt.time(), VN_TZ)
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time(), VN_TZ)
        domain = [
            ("incoming_register_id", "=", self.register_id.id),
            ("incoming_year", "=", self.year),
            ("incoming_number", "!=", False),
            ("registered_at", ">=", start.astimezone(dt.timezone.utc).replace(tzinfo=None)),
            ("registered_at", "<", end.astimezone(dt.timezone.utc).replace(tzinfo=None)),
        ]
        if self.number_from:
            domain.append(("incoming_number", ">=", self.number_from))
        if self.number_to:
            domain.append(("incoming_number", "<=", self.number_to))
        return domain

    def _form_env(self):
        """The registers are Vietnamese legal forms: what the rows say is in Vietnamese when
        Odoo has the language, whoever prints them."""
        return self.with_context(lang=self.env["res.lang"]._get_code(FORM_LANG) or self.env.lang)

    def _columns(self, kind):
        return KINDS[kind][0]

    def _rows(self, kind):
        """The rows of register ``kind`` ("register" or "followup") in number order, checked
        for the user; a gap in the numbers has its row."""
        self.ensure_one()
        wizard = self._form_env()
        wizard._check_can_print()
        documents = wizard.env["snn.incoming.document"].search(
            wizard._entry_domain(), order="incoming_number"
        )
        today = vietnam_today()
        printed, previous = [], None
        for incoming in documents:
            if previous is not None and incoming.incoming_number > previous + 1:
                printed.append(
                    rows.gap_row(
                        wizard.env, previous + 1, incoming.incoming_number - 1, self._columns(kind)
                    )
                )
            if kind == "register":
                printed.append(rows.register_row(incoming))
            else:
                printed.append(rows.followup_row(incoming, today))
            previous = incoming.incoming_number
        return printed

    def _pages(self, kind):
        """The rows cut into printed pages (see snn_incoming_register_print_layout.py)."""
        return layout.paginate(self._rows(kind), self._columns(kind))

    def _cover(self, kind, pages):
        """The cover's lines, as form VI (VIII has no numbers' line) has them."""
        wizard = self._form_env()
        company = wizard.register_id.company_id
        numbers = [row.number for page in pages for row in page if not row.missing]
        lines = [
            f"Năm: {self.year}",
            f"Từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}",
        ]
        if kind == "register":
            if numbers:
                first, last = rows.number_text(numbers[0]), rows.number_text(numbers[-1])
                lines.append(f"Từ số {first} đến số {last}")
            else:
                lines.append("Từ số … đến số …")
        lines.append(f"Quyển số: {self.volume or 1}")
        return {
            # the parent organisation's name, even when the clerk works only in this one
            "governing_body": company.snn_governing_body or company.sudo().parent_id.name or "",
            "organisation": company.snn_org_full_name or company.name,
            "title": KINDS[kind][2],
            "register": wizard.register_id.name,
            "lines": lines,
        }

    def _file_stem(self, kind):
        stem = KINDS[kind][3]
        return f"{stem}-{self.register_id.id}-{self.year}-{self.date_from:%m%d}-{self.date_to:%m%d}"

    # ------------------------------------------------------------------ actions

    def action_print_pdf(self):
        self.ensure_one()
        self._check_readable_links()
        self._check_can_print()
        action = self.env.ref(KINDS[self.kind][1]).report_action(self)
        return {**action, "close_on_report_download": True}
