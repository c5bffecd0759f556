from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DocflowCase

STATES = ("draft", "head_review", "director_review", "approved", "issued", "cancelled")
ROLES = (
    "drafter",
    "drafter2",
    "head",
    "head2",
    "director",
    "director2",
    "clerk",
    "manager",
    "outsider",
)
# Who may do what, from which state: written from the procedure, not from the code.
ALLOWED = {
    "submit": {"draft": {"drafter", "manager"}},
    "forward": {"head_review": {"head"}},
    # Once approved the clerks check the format and send a format error back (Decree 30).
    "return": {
        "head_review": {"head"},
        "director_review": {"director"},
        "approved": {"clerk", "manager"},
    },
    "approve": {"director_review": {"director"}},
    # The format's check, a row of its own (Decree 30, Art. 13), by whoever may issue it.
    "check_format": {"approved": {"clerk", "manager"}},
    "issue": {"approved": {"clerk", "manager"}},
    "cancel": {
        "draft": {"drafter", "manager"},
        "head_review": {"manager"},
        "director_review": {"manager"},
        "approved": {"clerk", "manager"},
        "issued": {"clerk", "manager"},
    },
}
TARGET = {
    "submit": "head_review",
    "forward": "director_review",
    "return": "draft",
    "approve": "approved",
    "check_format": "approved",
    "issue": "issued",
    "cancel": "cancelled",
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(DocflowCase):
    """Every action × every state × every role: allowed exactly where the procedure says."""

    def _document_in(self, state):
        document = self.make_draft()
        if state == "cancelled":
            document.with_user(self.drafter).action_cancel("Không cần nữa")
        elif state != "draft":
            self.walk(document, state)
        return document

    def _act(self, document, action, role):
        record = document.with_user(getattr(self, role))
        method = getattr(record, f"action_{action}")
        return method("Lý do") if action in ("return", "cancel") else method()

    def test_refusals(self):
        for state in STATES:
            document = self._document_in(state)
            for action, allowed_by_state in ALLOWED.items():
                for role in ROLES:
                    if role in allowed_by_state.get(state, ()):
                        continue
                    with self.subTest(state=state, action=action, role=role):
                        # A wrong person in the right state is an access problem; a wrong state
                        # is a user error (AccessError, a UserError too, when they cannot see it).
                        expected = AccessError if state in allowed_by_state else UserError
                        with self.assertRaises(expected):
                            self._act(document, action, role)
                        self.assertEqual(document.state, state, "a refusal changes nothing")
            self.assertEqual(
                len(document.approval_ids),
                # An issue adds the format's check when nobody made it before.
                {"draft": 0, "cancelled": 1, "issued": 5}.get(state, STATES.index(state)),
                "a refusal writes no trail row",
            )

    def test_allowed(self):
        for action, allowed_by_state in ALLOWED.items():
            for state, roles in allowed_by_state.items():
                for role in sorted(roles):
                    with self.subTest(state=state, action=action, role=role):
                        document = self._document_in(state)
                        self._act(document, action, role)
                        self.assertEqual(document.state, TARGET[action])
                        self.assertEqual(document.approval_ids[-1].user_id, getattr(self, role))
