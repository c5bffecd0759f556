"""A signature made with the token on its holder's PC (the token bridge's "local" profile).

The server cannot reach that token; the holder's browser can, on 127.0.0.1. So Odoo signs a
request (Ed25519, snn_sign.bridge.local_request) naming exactly what the key signs (the CMS
signed attributes of the prepared signature, bound to the document's digest), the browser hands
it to the PC's bridge, the holder reads and confirms it on the bridge's own page (their PIN
stays on the PC), and the browser brings the signature value back here, where
finish_signature checks it against the expected certificate before anything is written.
"""

import base64
import binascii
import hmac
import json
from urllib.parse import urlsplit

from odoo import fields, http, models
from odoo.exceptions import UserError

from odoo.addons.snn_docflow.engine_words import engine_words

from snn_sign.bridge.local_request import make_request
from snn_sign.deferred import PendingSignature, finish_signature
from snn_sign.errors import SnnSignError

HELP_URL = "/snn_signing/static/src/pc_token/help.html"


def pc_key_label(role, company, person):
    """The label of the key on the PC's token: the seal's (company) or the person's."""
    return company.sudo().snn_seal_local_key if role == "seal" else person.sudo().snn_local_key


class SnnSignatureRequest(models.Model):
    _inherit = "snn.signature.request"

    local_request_id = fields.Char(
        string="Request at the PC's Bridge",
        readonly=True,
        copy=False,
        help="The last request Odoo signed for the holder's PC: only its signature is taken.",
    )

    def get_local_envelope(self):
        """For the holder's browser: the request for their PC's bridge, signed by Odoo for the
        web client's origin, with where the bridge listens and what to show. A new envelope
        replaces the previous one (whose signature is then refused here)."""
        request = self._as_holder()
        request._check_mode("local")
        request._check_still_open()
        pending = PendingSignature.from_json(request.pending_json)
        company = request.company_id.sudo()
        key_label = request._local_key_label()
        document = request.document_id
        more = [
            {"kind": part["kind"], "name": part["name"], "to_sign": part["pending"].to_sign}
            for part in request._more_parts()
        ]
        try:
            envelope = make_request(
                company._local_request_key(),
                key_label=key_label,
                to_sign=pending.to_sign,
                digest_algorithm=pending.digest_algorithm,
                document={
                    "code": request.code or "",
                    "subject": (document.subject or "")[:1000],
                    "organisation": (company.snn_org_full_name or company.name)[:1000],
                },
                origin=self._web_client_origin(),
                more=more,
            )
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None
        payload = json.loads(base64.urlsafe_b64decode(envelope["payload"] + "=="))
        request.local_request_id = payload["request_id"]
        return {
            "envelope": envelope,
            "bridge_url": company._local_bridge_url(),
            "key_label": key_label,
            "code": request.code,
            "subject": document.subject,
            "help_url": HELP_URL,
        }

    def action_submit_local_signature(self, local_request_id, signature, more_signatures=None):
        """The signature value the PC's bridge returned for ``local_request_id`` (base64), and
        the further ones of the same confirmation (the seal's of the attachments and the
        trail): each checked against the expected certificate over exactly what was prepared,
        then the issue goes on. Nothing changes when anything fails."""
        request = self._as_holder()
        request._check_mode("local")
        request._check_still_open()
        expected = request.local_request_id or ""
        if not (
            isinstance(local_request_id, str)
            and expected
            and hmac.compare_digest(local_request_id.encode(), expected.encode())
        ):
            raise UserError(
                self.env._(
                    "This signature answers another request than the last one Odoo made for "
                    "%s: sign again.",
                    request.code,
                )
            )
        if not isinstance(more_signatures, (list, type(None))):
            raise UserError(self.env._("The token bridge returned no signature: sign again."))
        value, *more_values = (
            self._signature_value(item) for item in [signature, *(more_signatures or [])]
        )
        pending = PendingSignature.from_json(request.pending_json)
        try:
            signed = finish_signature(
                pending, value, long_term=request.company_id._long_term_policy()
            )
            sealed_with_it = request._finish_more(request._more_parts(), more_values)
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None
        holder = request.holder_id
        return request._complete(
            signed,
            self.env._(
                "Token on the PC of %(holder)s (key “%(key)s”), confirmed by %(holder)s",
                holder=holder.name,
                key=request._local_key_label(),
            ),
            sealed_with_it,
        )

    def _signature_value(self, encoded):
        """The bytes of one signature value the bridge returned (base64)."""
        try:
            value = base64.b64decode(encoded or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            value = b""
        if not value:
            raise UserError(self.env._("The token bridge returned no signature: sign again."))
        return value

    def _local_key_label(self):
        return pc_key_label(self.role, self.company_id, self.holder_id)

    def _web_client_origin(self):
        """The origin the holder's browser shows (what the PC's bridge compares with the
        request's Origin header): the address they reached Odoo at, else web.base.url."""
        url = None
        if http.request:
            url = http.request.httprequest.host_url
        if not url:
            url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
