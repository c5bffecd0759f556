"""Paper originals (Decree 30 Art. 18.5): the clerk prints an issued document and the register
keeps how many paper copies were made and who keeps the file copy (its columns 6 and 7).

Printing is a step like the others (action → check → effect, a trail row): the counts it
leaves are part of the legal register, so nobody writes them but the step.
"""

from odoo import fields, models
from odoo.exceptions import UserError

PRINT_RESULTS = frozenset({"paper_copies", "file_copy_holder", "first_printed_at"})


class SnnDocument(models.Model):
    _inherit = "snn.document"

    paper_copies = fields.Integer(
        readonly=True,
        copy=False,
        help="How many paper copies the clerk printed (column 7 of the register).",
    )
    file_copy_holder = fields.Char(
        string="File Copy Kept By",
        readonly=True,
        copy=False,
        help="Unit or person keeping the file copy (column 6 of the register), e.g. VT, VP.",
    )
    first_printed_at = fields.Datetime(string="First Printed", readonly=True, copy=False)
    can_print_paper = fields.Boolean(compute="_compute_can_print_paper")

    def _compute_can_print_paper(self):
        for document in self:
            document.can_print_paper = not document._get_cannot_print_paper_reasons()

    def _workflow_fields(self):
        return super()._workflow_fields() | PRINT_RESULTS

    # ------------------------------------------------------------------ print

    def action_open_paper_print_wizard(self):
        self.ensure_one()
        self._check_can_print_paper()
        return {
            "type": "ir.actions.act_window",
            "res_model": "snn.paper.print",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id},
        }

    def action_print_paper(self, copies, holder):
        """Clerk: record ``copies`` paper copies and who keeps the file copy; the action
        that downloads the file to print."""
        self.ensure_one()
        if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 999:
            raise UserError(self.env._("Say how many copies are printed: from 1 to 999."))
        holder = (holder or "").strip()
        if not holder:
            raise UserError(self.env._("Say which unit or person keeps the file copy."))
        self._check_can_print_paper()
        self.sudo()._do_print_paper(copies, holder)
        return self._paper_download_action()

    def _get_cannot_print_paper_reasons(self):
        self.ensure_one()
        return self._state_reasons(("issued",)) or self._who_reasons(
            self.env.user.has_group("snn_docflow.group_clerk"),
            self.env._("Only a clerk or a manager prints the paper originals."),
        )

    def _check_can_print_paper(self):
        for document in self:
            document._raise_first(document._get_cannot_print_paper_reasons)

    def _do_print_paper(self, copies, holder):
        comment = self.env._(
            "%(copies)s paper copies printed; file copy kept by %(holder)s.",
            copies=copies,
            holder=holder,
        )
        self._record_step(
            "print_paper",
            {
                "paper_copies": self.paper_copies + copies,
                "file_copy_holder": holder,
                "first_printed_at": self.first_printed_at or fields.Datetime.now(),
            },
            comment,
        )

    def _paper_file_field(self):
        """What is printed: the signed PDF of an e-signed document; for a paper issue the
        approved PDF, on which the clerk writes number and date and the signer signs."""
        return "signed_file" if self.esign and self.signed_file else "file"

    def _paper_download_action(self):
        field = self._paper_file_field()
        name = (self.code or str(self.id)).replace("/", "-") + ".pdf"
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/snn.document/{self.id}/{field}?download=true&filename={name}",
            "target": "download",
        }

    def _default_file_copy_holder(self):
        """As the seed's "Nơi nhận" ends: "Lưu: VT, VP." (the clerks and the drafting unit)."""
        unit = self.department_id.snn_code or self.department_id.name or ""
        return ", ".join(part for part in ("VT", unit) if part)

    def _default_paper_copies(self):
        """One per recipient served on paper, one for the clerks' file, one for the unit's."""
        paper = self.delivery_ids.filtered(lambda d: d.channel == "paper")
        return len(paper) + 2
