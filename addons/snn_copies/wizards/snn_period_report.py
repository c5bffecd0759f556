"""The periodic report counts the electronic copies the organisation made in the period, by
form and by what they copy, in a table of their own: copies have their own series of numbers
(not the register of outgoing documents the main table counts)."""

from datetime import timedelta

from odoo import models

from ..models.snn_copy_record import FORMS


class SnnPeriodReport(models.TransientModel):
    _inherit = "snn.period.report"

    def _extra_tables(self):
        tables = super()._extra_tables()
        counts = self._copy_counts()
        # The printed report is a form sent to the province, always in Vietnamese: the forms'
        # own (untranslated) names.
        rows = [
            [label, *counts.get(form, (0, 0)), sum(counts.get(form, (0, 0)))]
            for form, label in FORMS
        ]
        totals = [sum(row[i] for row in rows) for i in (1, 2, 3)]
        tables.append(
            {
                "title": "Bản sao điện tử (số thứ tự riêng của bản sao)",
                "headers": ["Hình thức sao", "Của văn bản đi", "Của văn bản đến", "Cộng"],
                "rows": [*rows, ["Tổng cộng", *totals]],
                "total": True,
            }
        )
        return tables

    def _copy_counts(self):
        """{form: (of outgoing, of incoming)} for copies sealed in the period (Vietnam days,
        from their ISO 8601 sealing time), as the user may read them."""
        self.ensure_one()
        first, last = self._bounds()
        groups = self.env["snn.document.copy"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("signing_time", ">=", first.isoformat()),
                ("signing_time", "<", (last + timedelta(days=1)).isoformat()),
            ],
            ["form", "document_id"],
            ["__count"],
        )
        counts = {}
        for form, document, count in groups:
            outgoing, incoming = counts.get(form, (0, 0))
            if document:
                outgoing += count
            else:
                incoming += count
            counts[form] = (outgoing, incoming)
        return counts
