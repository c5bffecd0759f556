import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from snn_sign.detached import verify_detached


class SnnTrailAnchor(models.Model):
    """The head of a document's trail, signed at issue with the organisation's key on the
    token (a detached CMS signature made through the token bridge).

    The database cannot make that signature: whoever rewrites every trail row consistently,
    owner of the database included, no longer matches a signed head. Append-only like the
    trail (ORM and trigger).
    """

    _name = "snn.trail.anchor"
    _description = "Signed Head of a Document Trail"
    _order = "document_id, id"

    document_id = fields.Many2one("snn.document", required=True, ondelete="restrict", index=True)
    head_hash = fields.Char(required=True, help="The hash of the trail row it signs.")
    signature = fields.Binary(required=True, attachment=False, help="Detached CMS (DER).")
    key_label = fields.Char()
    signer_subject = fields.Char()

    def init(self):
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION snn_trail_anchor_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'snn_trail_anchor is append-only';
            END
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS snn_trail_anchor_append_only ON snn_trail_anchor;
            CREATE TRIGGER snn_trail_anchor_append_only BEFORE UPDATE OR DELETE
                ON snn_trail_anchor FOR EACH ROW EXECUTE FUNCTION snn_trail_anchor_append_only();
            """
        )

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("The signed head of a trail cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The signed head of a trail cannot be deleted."))

    def _problems(self, rows, trust_roots):
        """What is wrong with this anchor against the trail ``rows`` (in words)."""
        self.ensure_one()
        problems = []
        report = verify_detached(
            self.head_hash.encode(), base64.b64decode(self.signature), trust_roots
        )
        if not report.valid:
            problems.append(
                self.env._("The signed head of the trail does not verify: %s", report.error or "")
            )
        if self.head_hash not in rows.mapped("hash"):
            problems.append(
                self.env._(
                    "The trail no longer contains the head signed at issue: it was rewritten."
                )
            )
        return problems
