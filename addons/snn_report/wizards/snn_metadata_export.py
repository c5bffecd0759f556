"""Export the outgoing metadata of a date range (Decree 30 Annex VI's fields, in its order) as
a spreadsheet or a CSV file, one row per numbered document, for machines to read."""

import base64
import csv
import io
from collections import defaultdict

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_dispatch.models.snn_document_edxml import PRIORITY
from odoo.addons.snn_docflow.models.snn_document_workflow import vietnam_today

# Annex VI's fields, in its order: the edXML element names head the columns (one header row).
COLUMNS = (
    "CodeNumber",
    "CodeNotation",
    "IssuedDate",
    "OrganName",
    "Subject",
    "SignerPosition",
    "SignerName",
    "RecipientOrganIds",
    "RecipientOrganNames",
    "Priority",
    "IssuedAmount",
    "DueDate",
    "PageAmount",
)
# Spreadsheet column widths, in the order above.
WIDTHS = (10, 14, 11, 30, 60, 18, 22, 30, 50, 8, 12, 11, 11)
# A number's row stays whatever became of the document, but for a cancelled one: it never
# went out, so it has no place among what was issued.
EXPORTED_STATES = ("issued", "recalled")
BATCH = 1000
READ_FIELDS = (
    "code",
    "issue_date",
    "subject",
    "signer_position",
    "signer_id",
    "urgency",
    "paper_copies",
    "page_count",
)


class SnnMetadataExport(models.TransientModel):
    _name = "snn.metadata.export"
    _description = "Export the Outgoing Metadata"
    _inherit = ["snn.wizard.guard"]

    date_from = fields.Date(
        string="From", required=True, default=lambda self: vietnam_today().replace(month=1, day=1)
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: vietnam_today().replace(month=12, day=31)
    )
    export_file = fields.Binary(string="Exported File", readonly=True, attachment=False)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The export's range ends before it starts."))

    # ------------------------------------------------------------------ actions

    def action_export_xlsx(self):
        self.ensure_one()
        return self._download(self._xlsx_bytes(self._rows()), "xlsx")

    def action_export_csv(self):
        self.ensure_one()
        return self._download(self._csv_bytes(self._rows()), "csv")

    def _download(self, data, extension):
        self.export_file = base64.b64encode(data)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/snn.metadata.export/{self.id}/export_file"
            f"?download=true&filename={self._file_stem()}.{extension}",
            "target": "download",
        }

    def _file_stem(self):
        return f"metadata-outgoing-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}"

    # ------------------------------------------------------------------ who exports what

    def _check_can_export(self):
        self.check_access("write")  # the request is its maker's: it receives the file
        self._check_readable_links()
        if not self.env.user.has_group("snn_docflow.group_clerk"):
            raise AccessError(
                self.env._("Only a clerk or a manager exports the outgoing metadata.")
            )
        self.env["snn.document"].check_access("read")

    def _document_domain(self):
        """The numbered documents of the range that went out, of the current organisation
        only (a manager of two exports the one they work in)."""
        return [
            ("company_id", "=", self.env.company.id),
            ("number", "!=", False),
            ("state", "in", EXPORTED_STATES),
            ("issue_date", ">=", self.date_from),
            ("issue_date", "<=", self.date_to),
        ]

    # ------------------------------------------------------------------ the rows

    def _rows(self):
        """The rows of the export (lists of values in COLUMNS' order), read as the user: only
        documents they may read, in batches, with a constant number of queries each."""
        self.ensure_one()
        self._check_can_export()
        company = self.env.company
        organ_name = company.snn_org_full_name or company.name
        Document = self.env["snn.document"]
        document_ids = Document.search(
            self._document_domain(), order="issue_date, register_id, number_year, number, id"
        ).ids
        rows = []
        for start in range(0, len(document_ids), BATCH):
            # A recordset of its own: nothing of the batch prefetches the other documents.
            batch = Document.browse(document_ids[start : start + BATCH])
            batch.fetch(READ_FIELDS)
            batch._fill_page_count()
            recipients = self._recipients(batch)
            sent = self._sent_counts(batch)
            batch.signer_id.fetch(["name"])
            for document in batch:
                number, _slash, notation = (document.code or "").partition("/")
                organ_ids, names = recipients.get(document.id, ([], []))
                rows.append(
                    [
                        number,
                        notation,
                        document.issue_date,
                        organ_name,
                        document.subject or "",
                        document.signer_position or "",
                        document.signer_id.name or "",
                        "; ".join(organ_ids),
                        "; ".join(names),
                        PRIORITY[document.urgency],
                        sent.get(document.id, 0) + document.paper_copies,
                        None,  # DueDate: an outgoing document has no reply-due date
                        document.page_count or None,
                    ]
                )
        return rows

    def _recipients(self, documents):
        """{document id: ([organ ids], [names])}, the recipient lines in their order: an outside
        organisation's agency code (empty if it has none) and name; a unit, its organisation's
        code and the unit's name. One query for the lines of the batch, one per kind of
        record they name."""
        lines = (
            self.env["snn.document.recipient"]
            .sudo()
            .search_fetch(
                [("document_id", "in", documents.ids)],
                ["document_id", "partner_id", "department_id"],
                order="document_id, sequence, id",
            )
        )
        lines.partner_id.fetch(["snn_organ_id"])
        lines.department_id.company_id.fetch(["snn_organ_id"])
        company = self.env.company.sudo()
        result = defaultdict(lambda: ([], []))
        for line in lines:
            ids, names = result[line.document_id.id]
            if line.department_id:
                unit_company = line.department_id.company_id or company
                ids.append(unit_company.snn_organ_id or "")
            else:
                ids.append(line.partner_id.snn_organ_id or "")
            # As the register names them (a unit of another organisation included).
            names.append((line.partner_id or line.department_id).display_name or "")
        return result

    def _sent_counts(self, documents):
        """{document id: electronic copies that left}: deliveries of every channel but paper
        that were sent (a copy recalled later had left all the same). One query."""
        Delivery = self.env["snn.delivery"]
        Delivery.flush_model(["document_id", "channel", "sent_at"])
        self.env.cr.execute(
            """
            SELECT document_id, COUNT(*)
              FROM snn_delivery
             WHERE document_id = ANY(%s) AND channel != 'paper' AND sent_at IS NOT NULL
             GROUP BY document_id
            """,
            [documents.ids],
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------ the files

    @staticmethod
    def _csv_bytes(rows):
        """UTF-8 with a BOM (Excel then reads the Vietnamese right), comma separated, quoted
        as needed, ISO 8601 dates."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if value is None else _text(value) for value in row])
        return out.getvalue().encode("utf-8-sig")

    @staticmethod
    def _xlsx_bytes(rows):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet("Metadata")
        head = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for col, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True)):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, name, head)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, int):
                    sheet.write_number(row_index, col, value)
                elif col == COLUMNS.index("IssuedDate"):
                    sheet.write_datetime(row_index, col, value, day)
                else:
                    sheet.write_string(row_index, col, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
        book.close()
        return out.getvalue()


def _text(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
