import hashlib
import json
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def make_append_only(cr, table):
    """A trigger ``<table>_append_only`` that refuses UPDATE and DELETE on ``table``."""
    cr.execute(
        SQL(
            """
            CREATE OR REPLACE FUNCTION snn_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '%% is append-only: its rows cannot be changed', TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS %(trigger)s ON %(table)s;
            CREATE TRIGGER %(trigger)s BEFORE UPDATE OR DELETE ON %(table)s
                FOR EACH ROW EXECUTE FUNCTION snn_append_only();
            """,
            trigger=SQL.identifier(f"{table}_append_only"),
            table=SQL.identifier(table),
        )
    )


ACTIONS = [
    ("submit", "Submitted"),
    ("forward", "Forwarded"),
    ("return", "Returned"),
    ("approve", "Approved"),
    ("check_format", "Format Checked"),
    ("issue", "Issued"),
    ("cancel", "Cancelled"),
    ("refuse", "Refused"),
    # On an issued document, when what replaces or corrects it is issued.
    ("replaced", "Replaced"),
    ("corrected", "Corrected"),
]


class SnnApproval(models.Model):
    """The trail of a document: one row per step (and per refused issue), chained by SHA-256.

    Each row stores sha256(previous row's hash + its own content), so editing or deleting a
    row in the database breaks every later link; the document keeps the last hash, so rows
    cut off at the end are missed too. A row also proves the register at its step: number,
    code, register, year, issue date and the file's SHA-256. Nobody may edit or delete rows
    through Odoo, and PostgreSQL refuses it too (trigger).
    """

    _name = "snn.approval"
    _inherit = ["snn.document.child"]
    _description = "Outgoing Document Trail"
    _order = "document_id, id"

    document_id = fields.Many2one("snn.document", required=True, ondelete="restrict", index=True)
    # Indexed: "documents I took a step on" (a read rule and the Handled by Me list) asks by it.
    user_id = fields.Many2one("res.users", required=True, ondelete="restrict", index=True)
    action = fields.Selection(ACTIONS, required=True)
    # Codes, hashed as they are; people read the labels (a module adding a state adds a label
    # to snn.document's selection, and old rows still read).
    from_state = fields.Char(required=True)
    to_state = fields.Char(required=True)
    from_state_label = fields.Char(string="From", compute="_compute_state_labels")
    to_state_label = fields.Char(string="To", compute="_compute_state_labels")
    comment = fields.Text()
    timestamp = fields.Datetime(required=True)
    file_sha256 = fields.Char(string="File SHA-256")
    register_id = fields.Many2one("snn.register", ondelete="restrict")
    number = fields.Integer()
    number_year = fields.Integer()
    code = fields.Char(string="Number and Notation")
    issue_date = fields.Date()
    previous_hash = fields.Char()
    hash = fields.Char(required=True)

    def init(self):
        """Make the table append-only below the ORM too: UPDATE and DELETE raise in PostgreSQL.

        Defence in depth: whoever owns the table can still disable the trigger, and the hash
        chain then shows the change. A migration that must touch these rows disables it first.
        """
        make_append_only(self.env.cr, self._table)

    _HASHED = (
        "document_id",
        "user_id",
        "action",
        "from_state",
        "to_state",
        "comment",
        "timestamp",
        "file_sha256",
        "register_id",
        "number",
        "number_year",
        "code",
        "issue_date",
    )

    @api.depends("from_state", "to_state")
    @api.depends_context("lang")
    def _compute_state_labels(self):
        states = self.env["snn.document"]._fields["state"]._description_selection(self.env)
        labels = dict(states)
        for row in self:
            row.from_state_label = labels.get(row.from_state, row.from_state)
            row.to_state_label = labels.get(row.to_state, row.to_state)

    def _action_label(self):
        self.ensure_one()
        return dict(self._fields["action"]._description_selection(self.env))[self.action]

    def _content(self):
        """The fields the hash covers, as stored."""
        self.ensure_one()
        values = {name: self[name] for name in self._HASHED}
        values.update(
            document_id=self.document_id.id,
            user_id=self.user_id.id,
            register_id=self.register_id.id,
        )
        return self._canonical(values)

    @classmethod
    def _canonical(cls, values):
        """One canonical text for a row, the same from create's values and from the record."""
        row = [values.get(name) or "" for name in cls._HASHED]
        row[cls._HASHED.index("timestamp")] = fields.Datetime.to_string(
            fields.Datetime.to_datetime(values["timestamp"])
        )
        row[cls._HASHED.index("issue_date")] = (
            fields.Date.to_string(fields.Date.to_date(values.get("issue_date"))) or ""
        )
        return json.dumps(row, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def _chain(previous_hash, content):
        return hashlib.sha256(((previous_hash or "") + content).encode()).hexdigest()

    @api.model_create_multi
    def create(self, vals_list):
        records = self.browse()
        # One at a time: each row's hash depends on the row before it.
        for vals in vals_list:
            last = self.search(
                [("document_id", "=", vals["document_id"])], order="id desc", limit=1
            )
            content = self._canonical(vals)
            previous_hash = last.hash or False
            record = super().create(
                dict(vals, previous_hash=previous_hash, hash=self._chain(previous_hash, content))
            )
            # The head on the document: a trail cut off at its end no longer reaches it.
            record.document_id.sudo().trail_head_hash = record.hash
            records |= record
        return records

    @api.model
    def _record_refusal(self, document, action, message):
        """Append a "refused" row for ``document`` that stays although the request fails.

        The refused request rolls back, so the row is written on a connection of its own and
        committed there (a second connection, on this failure path only). The document must be
        committed already; when it is not (it was made in this very transaction, as in a test),
        the row is written here and shares the request's fate.
        """
        values = {
            **document._trail_snapshot(),
            "document_id": document.id,
            "user_id": self.env.uid,
            "action": "refuse",
            "from_state": document.state,
            "to_state": document.state,
            "comment": f"{action}: {message}",
            "timestamp": fields.Datetime.now(),
        }
        document.flush_recordset()
        try:
            with self.env.registry.cursor() as cr:
                # Never wait on a row this request itself holds: give up and keep it here.
                cr.execute("SET LOCAL lock_timeout = '3s'")
                cr.execute("SELECT 1 FROM snn_document WHERE id = %s", (document.id,))
                if cr.fetchone():
                    # The registry we have, not Registry(dbname) again (a lock in tests).
                    cr.transaction = type(self.env.transaction)(self.env.registry)
                    self.with_env(self.env(cr=cr)).sudo().create(values)
                    return
        except psycopg2.OperationalError:
            _logger.warning("Refusal of document %s kept in the request only", document.id)
        self.sudo().create(values)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("The trail of a document cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The trail of a document cannot be deleted."))

    def _broken_links(self):
        """Rows of this trail (one document's, in order) whose hash does not match."""
        broken = self.browse()
        previous_hash = False
        for row in self.sorted("id"):
            if row.previous_hash != previous_hash or row.hash != self._chain(
                previous_hash, row._content()
            ):
                broken |= row
            previous_hash = row.hash
        return broken
