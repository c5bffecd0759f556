"""What an electronic copy (snn_document_copy.py) and the record of paper copies of a secret
document (snn_secret_copy.py) both are: a copy of exactly one original, outgoing or incoming,
in a form of copy, numbered in a series of its organisation's year, made by a clerk; read by
whoever may read its original, and never changed or deleted afterwards."""

from odoo import api, fields, models

FORMS = [("sao_y", "Sao y"), ("sao_luc", "Sao lục"), ("trich_sao", "Trích sao")]


class SnnCopyRecord(models.AbstractModel):
    _name = "snn.copy.record"
    _description = "Copy of a Document, Numbered in a Series"
    # The append-only refusal first (its write and unlink come before the parts' checks).
    _inherit = ["snn.append.only", "snn.document.child"]
    _snn_parent_fields = ("document_id", "incoming_id")
    _snn_rules_from = ("document_id", "incoming_id")
    _order = "number_year desc, number desc, id desc"

    company_id = fields.Many2one(
        "res.company", string="Copying Organisation", required=True, readonly=True, index=True
    )
    document_id = fields.Many2one(
        "snn.document", string="Outgoing Document", readonly=True, ondelete="restrict", index=True
    )
    incoming_id = fields.Many2one(
        "snn.incoming.document",
        string="Incoming Document",
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    form = fields.Selection(FORMS, string="Form of Copy", required=True, readonly=True)
    pages = fields.Char(string="Pages Extracted", readonly=True, help="Of an extract (trích sao).")
    number = fields.Integer(readonly=True, copy=False)
    number_year = fields.Integer(string="Year", readonly=True, copy=False)
    source_code = fields.Char(string="Original", readonly=True)
    made_by_id = fields.Many2one("res.users", readonly=True)

    @api.model
    def _link_to(self, original):
        """(field, id) naming ``original`` (an outgoing or an incoming document)."""
        return ("document_id" if original._name == "snn.document" else "incoming_id", original.id)
