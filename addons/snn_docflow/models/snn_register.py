import psycopg2.errors

from odoo import api, fields, models

# Namespace of this module's advisory locks (the bytes "SNN"), so they never meet another's.
_LOCK_NAMESPACE = 0x534E4E
_LOCK_SPACES = {
    "snn_document": 0,
    "snn_incoming_document": 1 << 30,
    "snn_document_copy": 1 << 29,
    "snn_secret_copy": 1 << 28,  # snn_copies: the confidential series of paper copies
}


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
        return take_next_number(document, self.id, year, ("register_id", "number_year", "number"))


def take_next_number(record, register_id, year, columns):
    """Write into ``record`` the next number of register ``register_id`` in ``year`` and return
    it: the rule of ``SnnRegister._take_number_for``, shared with the incoming register (số
    đến). ``columns``: the (register, year, number) columns of the record's table, under one
    unique index. Column names come from code, never from a request."""
    register_column, year_column, number_column = columns
    cr, table = record.env.cr, record._table
    # Numbers this transaction gave already (several records at once) must be in the table
    # before we read it.
    record.flush_model(list(columns))
    first = _lock_series(record, register_id, year, columns)

    def write(number):
        cr.execute(
            f"UPDATE {table} SET {register_column} = %s, {year_column} = %s,"  # noqa: S608
            f" {number_column} = %s WHERE id = %s",
            (register_id, year, number, record.id),
            log_exceptions=False,
        )

    number, _ = _first_free(cr, first, write, flush=False)
    record.invalidate_recordset(list(columns))
    return number


def create_numbered(model, series_id, year, columns, values_for):
    """Create a record of ``model`` numbered in series ``series_id`` of ``year`` (the same rule:
    gap-free, the first free number under the series' lock): ``values_for(number)`` gives its
    values. For a record whose rows are never updated (an append-only table)."""
    model.flush_model(list(columns))
    first = _lock_series(model, series_id, year, columns)
    _number, record = _first_free(
        model.env.cr, first, lambda number: model.create(values_for(number)), flush=True
    )
    return record


def _lock_series(model, series_id, year, columns):
    """Take the series' lock (until the transaction ends); the highest number seen + 1."""
    series_column, year_column, number_column = columns
    cr, table = model.env.cr, model._table
    # One lock per series: outgoing registers, incoming registers and the organisations'
    # series of copies (series_id is then the company's id) never share a key.
    lock_key = _LOCK_SPACES.get(table, 1 << 30) | series_id
    cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_NAMESPACE, lock_key))
    cr.execute(
        f"SELECT COALESCE(MAX({number_column}), 0) FROM {table}"  # noqa: S608 - names from code
        f" WHERE {series_column} = %s AND {year_column} = %s",
        (series_id, year),
    )
    return cr.fetchone()[0] + 1


def _first_free(cr, number, attempt, *, flush):
    """(number, what ``attempt(number)`` returned) for the first number from ``number`` on that
    the unique index accepts: a number above our snapshot's highest may have been committed by
    the writer we waited for."""
    while True:
        try:
            with cr.savepoint(flush=flush):
                return number, attempt(number)
        except psycopg2.errors.UniqueViolation:
            number += 1  # taken by a writer that committed after our snapshot
