"""The size limit of an uploaded file (a draft, an appendix): system parameter
``snn_docflow.max_upload_mb``, in MB of 1,048,576 bytes, default 50. Checked before anything
else reads the file: a base64 value's length tells its size, so it is not decoded first."""

from odoo.exceptions import UserError

PARAMETER = "snn_docflow.max_upload_mb"
DEFAULT_MB = 50
MB = 1024 * 1024


def max_upload_mb(env):
    """The limit in MB from the system parameter; the default when unset or not a number
    above zero."""
    value = env["ir.config_parameter"].sudo().get_param(PARAMETER)
    try:
        limit = float(value) if value else DEFAULT_MB
    except ValueError:
        return DEFAULT_MB
    return limit if limit > 0 else DEFAULT_MB


def upload_size(data, encoded=True):
    """Bytes of the file ``data`` holds: as base64 (str or bytes, the form binary fields are
    written in) unless ``encoded`` is false. Four base64 characters carry three bytes."""
    if not encoded:
        return len(data)
    if isinstance(data, str):
        data = data.encode("ascii", "ignore")
    padding = len(data[-2:]) - len(data[-2:].rstrip(b"="))
    return len(data) * 3 // 4 - padding


def check_upload_size(env, data, name, encoded=True):
    """UserError naming the file, its size and the limit when ``data`` is larger than
    ``snn_docflow.max_upload_mb``; nothing for an empty value."""
    if not data:
        return
    limit = max_upload_mb(env)
    size = upload_size(data, encoded)
    if size > limit * MB:
        raise UserError(
            env._(
                "“%(name)s” is %(size)s MB; files larger than %(limit)s MB are not accepted. "
                "Send a smaller file (a PDF, or pictures at a lower resolution).",
                name=name or "?",
                size=f"{size / MB:.1f}",
                limit=f"{limit:g}",
            )
        )
