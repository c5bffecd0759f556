import datetime as dt
import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.snn_docflow.engine_words import engine_words
from odoo.addons.snn_docflow.models import snn_document_workflow as workflow

from snn_sign.deferred import PendingSignature, finish_signature
from snn_sign.deferred_detached import PendingDetached, finish_detached
from snn_sign.errors import SnnSignError
from snn_sign.vntime import VN_TZ

ACTIVITY_REMOTE_SIGN = "snn_signing.mail_activity_type_remote_sign"
STATES = [
    ("waiting", "Waiting for the Holder"),
    ("signed", "Signed"),
    ("declined", "Declined"),
    ("expired", "Expired"),
]
ROLES = [("personal", "Signer's Signature"), ("seal", "Organisation's Seal")]
MODES = [
    ("remote", "Remote signing service"),
    ("local", "Token on the holder's PC"),
]
# A signature of the issue finished away from the server (the holder's authorisation at the
# remote service, or their PC's token), handed to the same request's issue as (request, the
# file signed so far) (snn_document_issue): server-side only, never a context key (a context
# comes from the caller and could carry a file of its own).
SIGNED_ELSEWHERE = "snn_signed_elsewhere"
# What the seal's holder signed with it in the same authorisation, handed the same way as
# {"attachments": {attachment id: sealed file}, "trail": (head hash, detached CMS)}.
SEALED_WITH_IT = "snn_sealed_with_it"


class SnnSignatureRequest(models.Model):
    """A signature waiting for its key holder: the clerk's issue numbered and stamped the
    document and prepared the signature; only the holder completes it, the same day: with
    their own PIN/OTP at the remote-signing service (Decree 68/2024), or with the token on
    their PC, through their browser (snn_signature_request_local)."""

    _name = "snn.signature.request"
    _inherit = ["snn.document.child"]  # seen as its document; written by the code alone
    _description = "Remote Signature Request"
    _order = "id desc"
    _rec_name = "code"

    document_id = fields.Many2one(
        "snn.document", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    subject = fields.Char(related="document_id.subject")
    role = fields.Selection(ROLES, default="personal", required=True, readonly=True)
    mode = fields.Selection(MODES, default="remote", required=True, readonly=True)
    holder_id = fields.Many2one(
        "res.users", string="Key Holder", required=True, index=True, readonly=True
    )
    requested_by_id = fields.Many2one("res.users", required=True, readonly=True)
    code = fields.Char(string="Number and Notation", readonly=True)
    issue_date = fields.Date(readonly=True)
    state = fields.Selection(STATES, default="waiting", required=True, readonly=True, index=True)
    expires_at = fields.Datetime(
        readonly=True, help="The end of the issue day: a document is signed on the day it bears."
    )
    to_sign_sha256 = fields.Char(
        string="Hash to Authorise",
        readonly=True,
        help="SHA-256 of what the key signs; the service's app may show it to compare.",
    )
    stamped_size = fields.Integer(string="Size of the Stamped File", readonly=True)
    stamped_sha256 = fields.Char(string="SHA-256 of the Stamped File", readonly=True)
    # The prepared signature (snn_sign.deferred.PendingSignature as JSON): read by the code
    # alone, as superuser; nobody needs it on a screen.
    pending_json = fields.Text(
        string="Prepared Signature", groups="base.group_system", readonly=True
    )
    # The seal's further signatures, prepared with it (same key, same authorisation): each
    # attachment's, and the trail head's. JSON list of {"kind": "attachment"|"trail", "name",
    # "attachment_id" | "head_hash", "pending": JSON of the prepared signature}.
    more_pending_json = fields.Text(
        string="Further Prepared Signatures", groups="base.group_system", readonly=True
    )
    decided_at = fields.Datetime(string="Answered At", readonly=True)
    decline_reason = fields.Text(string="Why Declined", readonly=True)

    # ------------------------------------------------------------------ what the form asks

    def get_authorization_needs(self):
        """For the holder's dialog: whether the service asks a PIN and an OTP, and what is
        being signed."""
        self.ensure_one()
        request = self._as_holder()
        request._check_mode("remote")
        owner = request._remote_key_owner()
        info = owner.snn_csc_service_id._credential(owner)
        return {
            "code": request.code,
            "subject": request.document_id.subject,
            "pin": info.pin_required,
            "otp": info.otp_required,
            "otp_sent_by_service": info.otp_type == "online",
            "hash": request.to_sign_sha256,
        }

    # ------------------------------------------------------------------ steps

    def action_send_otp(self):
        """Ask the service to send the holder a one-time code (SMS, app)."""
        request = self._as_holder()
        request._check_mode("remote")
        owner = request._remote_key_owner()
        try:
            owner.snn_csc_service_id._client(owner).send_otp(owner.snn_csc_credential)
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None
        return True

    def action_authorize(self, pin=None, otp=None):
        """The holder authorises with their PIN/OTP (sent to the service, never stored); the
        signature is finished and checked, then the clerk's issue completes: seal, archive
        timestamp, verification, issued. Nothing changes when anything fails."""
        request = self._as_holder()
        request._check_mode("remote")
        request._check_still_open()
        pending = PendingSignature.from_json(request.pending_json)
        holder, company = request.holder_id, request.company_id
        owner = request._remote_key_owner()
        more = request._more_parts()
        # One authorisation for every signature of this key: the document's, then the others.
        digests = [pending.to_sign_digest, *(part["pending"].to_sign_digest for part in more)]
        client = owner.snn_csc_service_id._client(owner)
        try:
            sad, _expires = client.authorize(
                owner.snn_csc_credential,
                digests,
                pin=pin or None,
                otp=otp or None,
                description=f"{request.code}: {request.document_id.subject}"[:500],
            )
            value, *more_values = client.sign_hashes(owner.snn_csc_credential, sad, digests)
            signed = finish_signature(pending, value, long_term=company._long_term_policy())
            sealed_with_it = request._finish_more(more, more_values)
        except SnnSignError as error:
            raise UserError(engine_words(self.env, error)) from None
        return request._complete(
            signed,
            self.env._("Remote signing service, authorised by %s", holder.name),
            sealed_with_it,
        )

    def _more_parts(self):
        """The further signatures prepared with this one, their pending signatures loaded."""
        parts = json.loads(self.sudo().more_pending_json or "[]")
        for part in parts:
            kind = PendingDetached if part["kind"] == "trail" else PendingSignature
            part["pending"] = kind.from_json(part["pending"])
        return parts

    def _finish_more(self, parts, values):
        """The further signatures finished with their values (each checked with the key's
        certificate over exactly what was prepared), as SEALED_WITH_IT hands them."""
        if len(values) != len(parts):
            raise UserError(
                self.env._(
                    "%(got)s further signatures came back for %(expected)s: sign again.",
                    got=len(values),
                    expected=len(parts),
                )
            )
        long_term = self.company_id._long_term_policy()
        finished = {"attachments": {}, "trail": None}
        for part, value in zip(parts, values, strict=True):
            if part["kind"] == "trail":
                head = part["head_hash"]
                finished["trail"] = (head, finish_detached(part["pending"], value, head.encode()))
            else:
                sealed = finish_signature(part["pending"], value, long_term=long_term)
                finished["attachments"][part["attachment_id"]] = sealed
        return finished

    def _complete(self, signed, how, sealed_with_it=None):
        """The signature is in ``signed`` (checked by finish_signature), the seal's further
        signatures in ``sealed_with_it`` (_finish_more): the request is done, the trail says
        how and by whom, and the clerk's issue goes on: the next signature waits for its
        holder, or the document is issued. All or nothing."""
        stamped = signed[: self.stamped_size]
        if hashlib.sha256(stamped).hexdigest() != self.stamped_sha256:
            raise UserError(self.env._("The signature is not over the stamped file."))
        self.write({"state": "signed", "decided_at": fields.Datetime.now()})
        document = self.document_id
        document._record_step("authorize_signature", {}, comment=how)
        document.activity_feedback([ACTIVITY_REMOTE_SIGN], user_id=self.holder_id.id)
        handed = self.env.cr.cache.setdefault(SIGNED_ELSEWHERE, {})
        handed[document.id] = (self, signed)
        with_it = self.env.cr.cache.setdefault(SEALED_WITH_IT, {})
        with_it[document.id] = sealed_with_it or {"attachments": {}, "trail": None}
        try:
            # The clerk's issue, completed as the clerk who asked (their step in the trail).
            document.with_user(self.requested_by_id).sudo()._do_issue()
        finally:
            # Used, or the issue failed: never left for another.
            handed.pop(document.id, None)
            with_it.pop(document.id, None)
        if document.state == "issued":
            return document._step_done(self.env._("Signed and issued as %s.", document.code))
        following = document.sudo()._waiting_signature_request(raise_if_none=False)
        if not following:
            raise UserError(self.env._("“%s” was not issued.", document.display_name))
        return document._step_done(
            self.env._(
                "Signed. %(code)s now waits for %(holder)s to add the seal.",
                code=document.code,
                holder=following.holder_id.name,
            )
        )

    def action_decline(self, reason=None):
        """The holder declines: the document stays approved with its number, the clerk is
        told why."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why you decline to sign: a reason is required."))
        request = self._as_holder()
        request._check_still_open()
        request.write(
            {"state": "declined", "decided_at": fields.Datetime.now(), "decline_reason": reason}
        )
        document = request.document_id
        document._record_step("decline_signature", {}, comment=reason)
        document.activity_feedback([ACTIVITY_REMOTE_SIGN], user_id=request.holder_id.id)
        document.message_post(
            body=self.env._(
                "%(holder)s declined to sign %(code)s: %(reason)s",
                holder=request.holder_id.name,
                code=request.code,
                reason=reason,
            ),
            partner_ids=request.requested_by_id.partner_id.ids,
        )
        return True

    @api.model
    def _cron_expire(self):
        """Requests of a past day (Vietnam time) expire: the document cannot bear that date
        any more. The holder's to-do goes; the document says the clerk issues it again (same
        number, that day's date); the clerk's to-do to issue it is still open."""
        stale = self.sudo().search(
            [("state", "=", "waiting"), ("issue_date", "<", workflow.vietnam_today())]
        )
        for request in stale:
            request.state = "expired"
            document = request.document_id
            document.activity_unlink([ACTIVITY_REMOTE_SIGN])
            document.message_post(
                body=self.env._(
                    "%(holder)s did not sign %(code)s on %(date)s: issue it again (it keeps its "
                    "number and gets the day's date).",
                    holder=request.holder_id.name,
                    code=request.code,
                    date=request.issue_date.strftime("%d/%m/%Y"),
                ),
                partner_ids=request.requested_by_id.partner_id.ids,
            )
        return len(stale)

    # ------------------------------------------------------------------ checks

    def _as_holder(self):
        """This request as superuser, once the caller is proven to be its key holder: the
        user of the request itself, never a context or a parameter."""
        self.ensure_one()
        self.check_access("read")
        request = self.sudo()
        if request.holder_id != self.env.user:
            raise AccessError(
                self.env._(
                    "Only %(holder)s authorises or declines this signature: it is made with "
                    "their key.",
                    holder=request.holder_id.name,
                )
            )
        return request

    def _remote_key_owner(self):
        """Whose credential at the remote-signing service signs: the holder's own key, or the
        organisation's seal (the clerk who issues authorises it)."""
        return self.company_id.sudo() if self.role == "seal" else self.holder_id.sudo()

    def _check_mode(self, mode):
        if self.mode != mode:
            raise UserError(
                self.env._(
                    "This signature is made with %s: use its own button.",
                    dict(self._fields["mode"]._description_selection(self.env))[self.mode],
                )
            )

    def _check_still_open(self):
        if self.state != "waiting":
            raise UserError(
                self.env._(
                    "This signature request is %s: nothing to do.",
                    dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        if workflow.vietnam_today() != self.issue_date:  # expires_at is that day's end
            raise UserError(
                self.env._(
                    "%(code)s bears the date %(date)s: it can no longer be signed today. The "
                    "clerk issues it again (it keeps its number and gets today's date).",
                    code=self.code,
                    date=self.issue_date.strftime("%d/%m/%Y"),
                )
            )

    @staticmethod
    def _end_of_day_utc(day):
        """The last second of ``day`` in Vietnam, as a naive UTC datetime (Odoo's Datetime)."""
        end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=VN_TZ)
        return end.astimezone(dt.UTC).replace(tzinfo=None)
