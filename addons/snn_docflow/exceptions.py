"""Refusals the web client treats in their own way (static/src/step_taken_dialog.js)."""

from odoo.exceptions import UserError


class StepTakenError(UserError):
    """The step is no longer possible because the document has moved on (another clerk issued
    it first, the head returned it meanwhile…). The web client shows who did what, then reloads
    the document so its form shows the state it is in and the buttons that state offers."""


class RememberedRefusal(UserError):
    """A step refused for a reason the trail keeps although the request fails (a file changed
    behind Odoo's back, a bridge that would not sign): the step's action writes the trail row
    for ``document`` (snn_document_workflow._remembering_refusals), then the request fails."""

    def __init__(self, message, document):
        super().__init__(message)
        self.document = document
