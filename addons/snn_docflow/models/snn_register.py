from odoo import api, fields, models

# Namespace of this module's advisory locks (the bytes "SNN"), so they never meet another's.
_LOCK_NAMESPACE = 0x534E4E


class SnnRegister(models.Model):
    """An outgoing register (sổ văn bản đi): numbers 1, 2, 3 … per calendar year, gap-free.

    A number lives on the document that took it; the register is the list of those documents.
    """

    _name = "snn.register"
    _description = "Outgoing Document Register"
    _order = "confidential, name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    confidential = fields.Boolean(
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

    def _take_next_number(self, year):
        """Return the next number of this register in ``year``; the caller stores it.

        Gap-free under concurrency without retries: an advisory lock, held until this
        transaction ends, queues the issuers of one register. Our own snapshot (REPEATABLE
        READ) may predate the last issuer's commit, so the highest committed number is read
        on a fresh cursor opened after the lock was granted. A rollback frees the number again.
        """
        self.ensure_one()
        cr = self.env.cr
        cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_NAMESPACE, self.id))
        # Numbers this transaction gave already (several documents issued at once) must be in
        # the table before we read it.
        self.env["snn.document"].flush_model(["register_id", "number_year", "number"])
        query = (
            "SELECT COALESCE(MAX(number), 0) FROM snn_document"
            " WHERE register_id = %s AND number_year = %s"
        )
        cr.execute(query, (self.id, year))
        own_max = cr.fetchone()[0]
        if not self.env.registry.ready:
            # Modules are loading (install, upgrade, demo data): no other issuer runs, and
            # tables this transaction creates are not visible to another cursor yet.
            return own_max + 1
        with self.env.registry.cursor() as fresh_cr:
            fresh_cr.execute(query, (self.id, year))
            committed_max = fresh_cr.fetchone()[0]
        return max(own_max, committed_max) + 1
