"""The outgoing register on paper (sổ đăng ký văn bản đi, Decree 30 Annex IV): its rows.

One row per number taken in a date range, in number order, whatever became of the document
afterwards: a cancelled or recalled number keeps its row with a note, so the sequence on paper
has no hole. A gap in the numbers themselves (which the numbering never leaves) is printed
as a row of its own rather than hidden. The register prints for a clerk who can read every
entry of it, or not at all: a register with entries left out is not the register.
"""

from odoo import models
from odoo.exceptions import AccessError

from .snn_document_register import RegisterEntry


class SnnRegister(models.Model):
    _inherit = "snn.register"

    def _entry_domain(self, date_from, date_to):
        return [
            ("register_id", "=", self.id),
            ("number", "!=", False),
            ("issue_date", ">=", date_from),
            ("issue_date", "<=", date_to),
        ]

    def _check_can_print(self, date_from, date_to):
        """Clerks (managers included) keep the registers; and only one who can read every
        entry in the range prints it (the confidential register: those the secret rule
        lets read every secret document)."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("snn_docflow.group_clerk"):
            raise AccessError(
                self.env._("Only a clerk or a manager prints the register “%s”.", self.name)
            )
        Document = self.env["snn.document"]
        domain = self._entry_domain(date_from, date_to)
        if Document.search_count(domain) != Document.sudo().search_count(domain):
            raise AccessError(
                self.env._(
                    "You may not read every entry of the register “%s”: it is printed only "
                    "by those who may.",
                    self.name,
                )
            )

    def _register_entries(self, date_from, date_to):
        """The rows of the register between two dates (inclusive), checked for the user."""
        self._check_can_print(date_from, date_to)
        documents = self.env["snn.document"].search(
            self._entry_domain(date_from, date_to), order="number_year, number"
        )
        sent = documents._first_sent_dates()
        entries, previous = [], None
        for document in documents:
            if previous and previous.number_year == document.number_year:
                if document.number > previous.number + 1:
                    entries.append(self._missing_entry(previous.number + 1, document))
            entries.append(document._register_entry(sent.get(document.id)))
            previous = document
        return entries

    def _missing_entry(self, first, document):
        last = document.number - 1
        numbers = f"{first:02d}" if first == last else f"{first:02d}–{last:02d}"
        return RegisterEntry(
            number=first,
            year=document.number_year,
            code=numbers,
            date="",
            subject="",
            signer="",
            recipients="",
            file_copy_holder="",
            copies="",
            sent="",
            receipt="",
            note=self.env._("No document carries this number: the register has a gap here."),
            missing=True,
        )
