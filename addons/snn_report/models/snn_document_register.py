"""An outgoing document as a row of the register (Decree 30 Annex IV, ten columns)."""

from dataclasses import dataclass

from odoo import models

from snn_sign.vntime import to_vn

DATE_FORMAT = "%d/%m/%Y"


@dataclass
class RegisterEntry:
    """The ten columns of Annex IV, as printed (empty strings where nothing is known)."""

    number: int
    year: int
    code: str  # 1. Số, ký hiệu văn bản
    date: str  # 2. Ngày tháng văn bản
    subject: str  # 3. Tên loại và trích yếu nội dung văn bản
    signer: str  # 4. Người ký
    recipients: str  # 5. Nơi nhận văn bản
    file_copy_holder: str  # 6. Đơn vị, người nhận bản lưu
    copies: str  # 7. Số lượng bản
    sent: str  # 8. Ngày chuyển
    receipt: str  # 9. Ký nhận (signed by hand on paper)
    note: str  # 10. Ghi chú
    missing: bool = False


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    def _first_sent_dates(self):
        """Column 8 (ngày chuyển), per document id: the first electronic send; for a document
        with no electronic recipient (served on paper), the day its paper copies were first
        made. Vietnam dates."""
        if not self:
            return {}
        self.env["snn.delivery"].flush_model(["document_id", "channel", "sent_at"])
        self.flush_model(["first_printed_at"])
        self.env.cr.execute(
            """
            SELECT d.id,
                   COALESCE(
                       MIN(l.sent_at),
                       CASE WHEN COUNT(l.id) = 0 THEN d.first_printed_at END
                   )
              FROM snn_document d
              LEFT JOIN snn_delivery l ON l.document_id = d.id AND l.channel != 'paper'
             WHERE d.id = ANY(%s)
             GROUP BY d.id
            """,
            [self.ids],
        )
        return {
            document_id: to_vn(when).date() for document_id, when in self.env.cr.fetchall() if when
        }

    def _register_entry(self, sent_date):
        self.ensure_one()
        return RegisterEntry(
            number=self.number,
            year=self.number_year,
            code=self.code or "",
            date=self.issue_date.strftime(DATE_FORMAT) if self.issue_date else "",
            subject=f"{self.document_type_id.name} {self.subject}".strip(),
            signer=self.signer_id.name or "",
            recipients="; ".join(self._recipient_names()),
            file_copy_holder=self.file_copy_holder or "",
            copies=str(self.paper_copies) if self.paper_copies else "",
            sent=sent_date.strftime(DATE_FORMAT) if sent_date else "",
            receipt="",
            note=self._register_note(),
        )

    def _recipient_names(self):
        # A unit of another organisation of the database is a recipient its name only is
        # printed of; the clerk may not read that organisation's units, and need not.
        return [
            (line.partner_id or line.department_id).sudo().display_name
            for line in self.recipient_ids
        ]

    def _register_links(self):
        """What replaced or corrected it, and what it replaces or corrects (Art. 18.3)."""
        document = self.sudo()  # their number and date only, as the register prints them
        links = []
        if document.replaced_by_id:
            new = document.replaced_by_id
            links.append(
                self.env._("Replaced by %(code)s of %(date)s", code=new.code, date=new._date())
            )
        if document.replaces_id:
            old = document.replaces_id
            links.append(
                self.env._("Replaces %(code)s of %(date)s", code=old.code, date=old._date())
            )
        if document.corrects_id:
            old = document.corrects_id
            links.append(
                self.env._("Corrects %(code)s of %(date)s", code=old.code, date=old._date())
            )
        for new in document.correction_ids.filtered(lambda c: c.state == "issued"):
            links.append(
                self.env._("Corrected by %(code)s of %(date)s", code=new.code, date=new._date())
            )
        return links

    def _register_note(self):
        """Column 10: what became of the number, and how the document went out."""
        notes = []
        if self.state == "cancelled":
            notes.append(self.env._("Cancelled: %s", self.cancel_reason or ""))
        elif self.state == "recalled":
            notes.append(self.env._("Recalled: %s", self.recall_reason or ""))
        notes.extend(self._register_links())
        if self.confidentiality != "normal":
            notes.append(
                dict(self._fields["confidentiality"]._description_selection(self.env))[
                    self.confidentiality
                ]
            )
        if self.esign:
            notes.append(self.env._("E-signed"))
        else:
            # No reason: issued before snn_signing was installed, so before e-signing started.
            reason = self.paper_reason or "before_trial"
            notes.append(
                self.env._(
                    "Paper: %s",
                    dict(self._fields["paper_reason"]._description_selection(self.env))[reason],
                )
            )
        return "; ".join(note.strip() for note in notes)
