"""One conversion rule for every file a drafter attaches (the draft and its attachments):
a PDF is kept as it is; a .docx/.odt/.doc becomes a PDF (snn_sign.convert), its source kept."""

import base64
from pathlib import PurePath

from odoo.exceptions import UserError

from snn_sign.convert import sniff, to_pdf
from snn_sign.errors import SnnSignError

DEFAULT_TIMEOUT = 60  # seconds; ir.config_parameter snn_office.conversion_timeout


def conversion_timeout(env):
    value = env["ir.config_parameter"].sudo().get_param("snn_office.conversion_timeout")
    try:
        return max(float(value), 1.0) if value else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def converted(env, vals):
    """(vals, source values): an office file in ``vals['file']`` replaced by its PDF, and the
    source values to write after it (as superuser); (vals, None) when no file is written."""
    if "file" not in vals:
        return vals, None
    if not vals["file"]:  # the file taken away: its source goes with it
        return vals, {"source_file": False, "source_file_name": False}
    data = base64.b64decode(vals["file"])
    name = vals.get("file_name") or "draft"
    try:
        if sniff(data) == "pdf":
            return vals, {"source_file": False, "source_file_name": False}
        pdf = to_pdf(data, timeout=conversion_timeout(env))
    except SnnSignError as error:
        raise UserError(env._("“%(name)s” cannot be used: %(why)s", name=name, why=error)) from None
    stem = PurePath(name).stem or "draft"
    pdf_vals = {**vals, "file": base64.b64encode(pdf), "file_name": f"{stem}.pdf"}
    return pdf_vals, {"source_file": vals["file"], "source_file_name": name}
