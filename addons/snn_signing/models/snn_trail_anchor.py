import base64

from odoo import fields, models

from odoo.addons.snn_docflow.engine_words import line_words

from snn_sign.detached import verify_detached


class SnnTrailAnchor(models.Model):
    """The head of a document's trail, signed at issue with the organisation's key on the
    token (a detached CMS signature made through the token bridge).

    The database cannot make that signature: whoever rewrites every trail row consistently,
    owner of the database included, no longer matches a signed head. Append-only like the
    trail (ORM and trigger).
    """

    _name = "snn.trail.anchor"
    _inherit = ["snn.append.only", "snn.document.child"]
    _description = "Signed Head of a Document Trail"
    _order = "document_id, id"

    document_id = fields.Many2one("snn.document", required=True, ondelete="restrict", index=True)
    head_hash = fields.Char(required=True, help="The hash of the trail row it signs.")
    signature = fields.Binary(required=True, attachment=False, help="Detached CMS (DER).")
    key_label = fields.Char()
    signer_subject = fields.Char()

    def _append_only_refusals(self):
        return (
            self.env._("The signed head of a trail cannot be changed."),
            self.env._("The signed head of a trail cannot be deleted."),
        )

    def _problems(self, rows, trust_roots):
        """What is wrong with this anchor against the trail ``rows`` (in words)."""
        self.ensure_one()
        problems = []
        report = verify_detached(
            self.head_hash.encode(), base64.b64decode(self.signature), trust_roots
        )
        if not report.valid:
            # The engine's reasons, "Vietnamese / English" each, joined by "; ".
            why = "; ".join(line_words(self.env, part) for part in (report.error or "").split("; "))
            problems.append(self.env._("The signed head of the trail does not verify: %s", why))
        if self.head_hash not in rows.mapped("hash"):
            problems.append(
                self.env._(
                    "The trail no longer contains the head signed at issue: it was rewritten."
                )
            )
        return problems
