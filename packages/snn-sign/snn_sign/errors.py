"""Errors that reach a person: every message is given in Vietnamese and in English.

The Odoo module shows ``str(error)`` to the clerk as is; the commands print it and exit non-zero.
"""


class SnnSignError(Exception):
    """A failure the user can act on. ``vi`` and ``en`` say the same thing."""

    exit_code = 2

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


class BadInputError(SnnSignError):
    """The file or an argument is not acceptable (not a PDF, encrypted, bad image, …)."""


class NotFoundError(SnnSignError):
    """Something to be located in the document (the "Số:" line, the signer's name) is missing."""


class TokenError(SnnSignError):
    """The PKCS#11 token is absent, locked, refused the PIN, or lacks the key."""


class BridgeError(SnnSignError):
    """The token bridge refused or failed a request (authentication, unknown key, …)."""


class VerificationError(SnnSignError):
    """A signature did not verify (integrity, trust, or modification level)."""


class ConversionError(SnnSignError):
    """An office draft could not be made into a PDF: LibreOffice is absent, failed, or ran out
    of time."""


class ConversionTimeoutError(ConversionError):
    """LibreOffice did not finish within the time limit (it was killed)."""
