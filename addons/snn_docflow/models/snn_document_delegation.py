"""What a delegation (snn_delegation.py) does to the documents of the director who is away:
while it is in effect, his deputy reviews what waits for him (the to-do goes to the deputy),
may approve or return it, and an approval by the deputy makes the deputy the signer, under
the delegation's authority line, with both names in the trail and the chatter."""

from odoo import api, fields, models

from .snn_document_workflow import ACTIVITY_REVIEW

# The one way the signer's lines change after draft: the deputy's approval, as sudo(), passes
# this very object in its context. A client's context is JSON: it can never hold it.
_SIGNER_SWITCH = object()


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    delegation_id = fields.Many2one(
        "snn.delegation",
        string="Signed Under Delegation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The deputy approved and signs for the director who was away.",
    )

    def _workflow_fields(self):
        return super()._workflow_fields() | {"delegation_id"}

    # ------------------------------------------------------------------ who reviews

    def _is_signer(self):
        return super()._is_signer() or self._is_signers_deputy()

    def _is_signers_deputy(self):
        # The group first: it is cached, and most users who ask are not directors.
        return self.env.user.has_group("snn_docflow.group_director") and bool(
            self._acting_delegation()
        )

    def _acting_delegation(self):
        """The delegation under which the current user acts for the signer today, if any."""
        self.ensure_one()
        if not self.signer_id or self.signer_id == self.env.user:
            return self.env["snn.delegation"]
        delegation = self.env["snn.delegation"]._in_effect_for(self.signer_id, self.company_id)
        return delegation.filtered(lambda d: d.delegate_id == self.env.user)

    def _schedule(self, activity_xmlid, users, note=None):
        """A review for a director who is away goes to his deputy, when the deputy may read
        the document (a secret one stays with the people who handle it)."""
        if activity_xmlid == ACTIVITY_REVIEW and self.state == "director_review":
            users = users.browse([self._review_holder(user).id for user in users])
        return super()._schedule(activity_xmlid, users, note=note)

    def _review_holder(self, user):
        delegation = self.env["snn.delegation"]._in_effect_for(user, self.company_id)
        deputy = delegation.delegate_id
        if deputy and self.with_user(deputy).has_access("read"):
            return deputy
        return user

    # ------------------------------------------------------------------ approve for him

    def _do_approve(self):
        delegation = self._acting_delegation()
        if delegation:
            self._sign_for(delegation)
        elif self.delegation_id and not self._still_signs_for():
            # Approved again by its signer on his own account (the delegation is over).
            self.write({"delegation_id": False})
        return super()._do_approve()

    def _still_signs_for(self):
        """Returned and submitted again while the delegation it was approved under still
        holds: the deputy, its signer now, approves again for the director."""
        delegation = self.delegation_id
        return delegation.delegate_id == self.env.user == self.signer_id and (
            delegation._is_in_effect()
        )

    def _sign_for(self, delegation):
        """The deputy signs with his own key: he becomes the signer, under the delegation's
        authority line and with his own position; the chatter says for whom."""
        delegator = self.signer_id
        self.with_context(snn_signer_switch=_SIGNER_SWITCH).write(
            {
                "signer_id": self.env.user.id,
                "signer_authority": delegation.authority_line,
                "signer_position": delegation._deputy_position() or self.signer_position,
                "delegation_id": delegation.id,
            }
        )
        self.message_post(
            body=self._delegation_text(delegation, delegator),
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _check_content_editable(self):
        if self.env.su and self.env.context.get("snn_signer_switch") is _SIGNER_SWITCH:
            return None
        return super()._check_content_editable()

    def _approve_comment(self):
        comment = super()._approve_comment()
        delegation = self.delegation_id
        if delegation and self._still_signs_for():
            text = self._delegation_text(delegation, delegation.delegator_id)
            return f"{comment}\n{text}" if comment else text
        return comment

    def _delegation_text(self, delegation, delegator):
        return self.env._(
            "Approved by %(deputy)s for %(director)s (delegation from %(start)s to %(end)s, "
            "%(line)s).",
            deputy=self.env.user.name,
            director=delegator.name,
            start=delegation._date_text(delegation.date_from),
            end=delegation._date_text(delegation.date_to),
            line=delegation.authority_line,
        )

    # ------------------------------------------------------------------ drafting

    @api.onchange("signer_id")
    def _onchange_signer_suggest_lines(self):
        """A director away on a delegation: his deputy is suggested, with its authority line."""
        result = super()._onchange_signer_suggest_lines()
        delegation = self.env["snn.delegation"]._in_effect_for(self.signer_id, self.company_id)
        if delegation:
            self.signer_id = delegation.delegate_id
            self.signer_authority = delegation.authority_line
            self.signer_position = delegation._deputy_position() or False
        return result
