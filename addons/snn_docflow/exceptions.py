"""Refusals the web client treats in their own way (static/src/step_taken_dialog.js)."""

from odoo.exceptions import UserError


class StepTakenError(UserError):
    """The step is no longer possible because the document has moved on (another clerk issued
    it first, the head returned it meanwhile…). The web client shows who did what, then reloads
    the document so its form shows the state it is in and the buttons that state offers."""
