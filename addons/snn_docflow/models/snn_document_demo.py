from odoo import api, models


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_load_vietnamese(self):
        """Demo data only: activate Vietnamese and load its terms for every module installed
        or being installed (Odoo loads a new language only for modules installed after it)."""
        self.env["res.lang"]._activate_lang("vi_VN")
        modules = self.env["ir.module.module"].search(
            [("state", "in", ("installed", "to install", "to upgrade"))]
        )
        modules._load_module_terms(modules.mapped("name"), ["vi_VN"], overwrite=True)

    @api.model
    def _demo_advance(self, xmlid, target_state, return_reason=None, cancel_reason=None):
        """Demo data only: walk a demo draft along the real chain, as the real people.

        So the demo shows genuine trails, activities and numbers rather than forged states.
        """
        document = self.env.ref(xmlid)
        steps = [
            ("head_review", document.drafter_id, "action_submit"),
            ("director_review", document.head_id, "action_forward"),
            ("approved", document.signer_id, "action_approve"),
            ("issued", self.env.ref("snn_docflow.user_clerk_demo"), "action_issue"),
        ]
        for state, user, method in steps:
            getattr(document.with_user(user), method)()
            if state == target_state:
                break
        if return_reason:
            document.with_user(document.head_id).action_return(return_reason)
        if cancel_reason:
            manager = self.env.ref("snn_docflow.user_manager_demo")
            document.with_user(manager).action_cancel(cancel_reason)
