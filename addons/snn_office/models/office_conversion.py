"""One conversion rule for every file a drafter attaches (the draft and its attachments):
a PDF is kept as it is; a .docx/.odt/.doc becomes a PDF (snn_office_convert.convert), its
source kept.

The callers check that the user may write the record before calling converted(): an upload
is hostile until proven otherwise, and LibreOffice starts for nobody else. converted() then
refuses a file over the upload limit before decoding it, and hands the engine its limits
(system parameters, below; the engine's defaults when unset).
"""

import base64
from pathlib import PurePath

from odoo.exceptions import UserError

from odoo.addons.snn_docflow.engine_words import engine_words
from odoo.addons.snn_docflow.upload_limit import check_upload_size

from snn_office_convert import convert
from snn_office_convert.convert import sniff, to_pdf
from snn_sign.errors import SnnSignError

DEFAULT_TIMEOUT = 60  # seconds; ir.config_parameter snn_office.conversion_timeout
# ir.config_parameter: (name, engine default, unit in bytes).
LIMITS = {
    "max_unzipped": ("snn_office.max_unzipped_mb", convert.MAX_UNZIPPED, convert.MIB),
    "max_members": ("snn_office.max_zip_members", convert.MAX_MEMBERS, 1),
    "max_memory": ("snn_office.converter_memory_mb", convert.MAX_MEMORY, convert.MIB),
}


def _number(env, key):
    value = env["ir.config_parameter"].sudo().get_param(key)
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    return number if number and number > 0 else None


def conversion_timeout(env):
    value = _number(env, "snn_office.conversion_timeout")
    return max(value, 1.0) if value else DEFAULT_TIMEOUT


def conversion_limits(env):
    """{keyword of sniff/to_pdf: limit}: the system parameter when set to a number above
    zero, else the engine's default."""
    limits = {}
    for keyword, (key, default, unit) in LIMITS.items():
        value = _number(env, key)
        limits[keyword] = int(value * unit) if value else default
    return limits


def converted(env, vals):
    """(vals, source values): an office file in ``vals['file']`` replaced by its PDF, and the
    source values to write after it (as superuser); (vals, None) when no file is written."""
    if "file" not in vals:
        return vals, None
    if not vals["file"]:  # the file taken away: its source goes with it
        return vals, {"source_file": False, "source_file_name": False}
    name = vals.get("file_name") or "draft"
    check_upload_size(env, vals["file"], name)
    data = base64.b64decode(vals["file"])
    limits = conversion_limits(env)
    zip_limits = {key: limits[key] for key in ("max_members", "max_unzipped")}
    try:
        if sniff(data, **zip_limits) == "pdf":
            return vals, {"source_file": False, "source_file_name": False}
        pdf = to_pdf(data, timeout=conversion_timeout(env), **limits)
    except SnnSignError as error:
        raise UserError(
            env._("“%(name)s” cannot be used: %(why)s", name=name, why=engine_words(env, error))
        ) from None
    stem = PurePath(name).stem or "draft"
    pdf_vals = {**vals, "file": base64.b64encode(pdf), "file_name": f"{stem}.pdf"}
    return pdf_vals, {"source_file": vals["file"], "source_file_name": name}
