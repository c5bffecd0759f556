import psycopg2.errors

from odoo import api, fields, models

# Namespace of this module's advisory locks (the bytes "SNN"), so they never meet another's.
_LOCK_NAMESPACE = 0x534E4E


class SnnRegister(models.Model):
    """An outgoing register (sổ văn bản đi): numbers 1, 2, 3 … per calendar year, gap-free.

    A number lives on the document that took it; the register is the list of those documents.
    """

    _name = "snn.register"
    _inherit = ["snn.organisation.record"]
    _description = "Outgoing Document Register"
    _order = "confidential, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    confidential = fields.Boolean(
        string="For Secret Documents",
        help="Numbers secret documents (Mật, Tối mật, Tuyệt mật) in a series of their own.",
    )
    active = fields.Boolean(default=True)
    document_ids = fields.One2many(
        "snn.document",
        "register_id",
        string="Numbers",
        domain=[("number", "!=", False)],
        readonly=True,
    )

    @api.model
    def _find_for(self, document):
        """The register that numbers ``document``: secret ones go to the confidential register."""
        company = document.company_id
        if document.confidentiality != "normal":
            return self.search(
                [("company_id", "=", company.id), ("confidential", "=", True)], limit=1
            )
        return document.document_type_id.register_id or self.search(
            [("company_id", "=", company.id), ("confidential", "=", False)], limit=1
        )

    def _take_number_for(self, document, year):
        """Give ``document`` the next number of this register in ``year`` and return it.

        Gap-free under concurrency, on the request's own connection, without retries: an
        advisory lock, held until this transaction ends, queues the issuers of one register.
        Our snapshot (REPEATABLE READ) may predate the commit of the issuers we waited for, so
        the highest number we see can be stale; the unique index is not bound by snapshots,
        so we try the next numbers in turn, each in a savepoint, until the index accepts one.
        Committed numbers are always 1..N (by this very rule), so the first free one is N + 1,
        and a rollback frees its number again. Each stale number costs one savepoint.
        """
        self.ensure_one()
        cr = self.env.cr
        cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_NAMESPACE, self.id))
        # Numbers this transaction gave already (several documents issued at once) must be in
        # the table before we read it.
        self.env["snn.document"].flush_model(["register_id", "number_year", "number"])
        cr.execute(
            "SELECT COALESCE(MAX(number), 0) FROM snn_document"
            " WHERE register_id = %s AND number_year = %s",
            (self.id, year),
        )
        number = cr.fetchone()[0] + 1
        while True:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        "UPDATE snn_document SET register_id = %s, number_year = %s, number = %s"
                        " WHERE id = %s",
                        (self.id, year, number, document.id),
                        log_exceptions=False,
                    )
                break
            except psycopg2.errors.UniqueViolation:
                number += 1  # taken by an issuer that committed after our snapshot
        document.invalidate_recordset(["register_id", "number_year", "number"])
        return number
