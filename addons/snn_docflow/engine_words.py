"""The engine's words in the user's language only.

The Odoo-free engine (snn_sign) says every refusal in Vietnamese and in English (SnnSignError's
``vi`` and ``en``, ``str()`` of it "vi / en"), for its commands and logs. A user of the add-ons
reads the half in their language; the whole text goes to the server's log.
"""

import logging

_logger = logging.getLogger(__name__)

SEPARATOR = " / "


def is_vietnamese(env):
    return (env.lang or "").startswith("vi")


def engine_words(env, error):
    """What ``error`` says in ``env.lang``: an engine error's Vietnamese or English half (both
    logged), any other error's text as it is."""
    vietnamese, english = getattr(error, "vi", None), getattr(error, "en", None)
    if vietnamese is None or english is None:
        return str(error)
    _logger.info("%s shown in %s: %s", type(error).__name__, env.lang, error)
    return vietnamese if is_vietnamese(env) else english


def line_words(env, line):
    """The half of one engine text "Vietnamese / English" (a verification reason) in
    ``env.lang``; a line without the separator as it is."""
    vietnamese, separator, english = line.partition(SEPARATOR)
    if not separator:
        return line
    return vietnamese if is_vietnamese(env) else english
