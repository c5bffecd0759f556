"""The clerk's issue, with digital signatures: number, stamp, sign, verify, store.

All or nothing as the clerk sees it. The register's lock is taken with the number and held
until the transaction ends, also while the bridge signs: simple, and a number is never taken
before it is known that it will be kept. The cost is that a dead bridge holds the other clerks
of the same register for at most the bridge's timeout (5 s by default, per request); a failure
rolls everything back (the number is free again), records the refusal in the trail on a
connection of its own, and pressing again works.
"""

import base64
import hashlib
import json

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.snn_docflow.engine_words import engine_words, line_words
from odoo.addons.snn_docflow.exceptions import RememberedRefusal
from odoo.addons.snn_docflow.models import snn_document_workflow as workflow

from snn_sign import sign_pdf, stamp_pdf, verify_pdf
from snn_sign.bridge.local_request import MAX_MORE
from snn_sign.deferred import prepare_signature
from snn_sign.deferred_detached import prepare_detached
from snn_sign.detached import sign_detached, verify_detached
from snn_sign.errors import SnnSignError
from snn_sign.longterm import add_document_timestamp, check_revocation, require_not_revoked

from .snn_signature_request import ACTIVITY_REMOTE_SIGN, SEALED_WITH_IT, SIGNED_ELSEWHERE


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ actions

    def action_issue_paper(self):
        """Clerk, during the e-signing trial: issue on paper (number and date only)."""
        with self._remembering_refusals("issue"):
            self._check_can_issue_paper()
            for document in self:
                document.sudo()._do_issue_paper()
        return self._step_done(self.env._("Issued as %s.", self[:1].code))

    def _get_cannot_issue_paper_reasons(self):
        reasons = self._get_cannot_issue_reasons()
        if not reasons and (self.confidentiality != "normal" or self._esign_period() != "choice"):
            reasons.append(
                UserError(
                    self.env._(
                        "“%s” cannot be issued on paper by choice: that choice exists only "
                        "during the e-signing trial.",
                        self.display_name,
                    )
                )
            )
        return reasons

    def _check_can_issue_paper(self):
        """As an issue, without what only e-signing needs (keys, bridges)."""
        for document in self:
            document._raise_first(document._get_cannot_issue_paper_reasons)
        self._check_issue_files()

    def _do_issue_paper(self):
        self.paper_reason = "clerk_choice"  # the choice first: a paper issue asks no bridge
        self._do_issue()

    def action_issue_selected(self):
        """Clerk, from the list: issue each selected document on its own; a summary says how
        many were issued, and why the others stay approved."""
        issued, failures = 0, []
        for document in self:
            try:
                with self.env.cr.savepoint():
                    document.action_issue()
                issued += 1
            except UserError as error:
                failures.append(f"{document.display_name}: {error}")
        message = self.env._(
            "%(issued)s of %(total)s documents issued.", issued=issued, total=len(self)
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Issue"),
                "message": "\n".join([message, *failures]),
                "type": "warning" if failures else "success",
                "sticky": bool(failures),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------ when e-signing applies

    def _esign_period(self):
        return self.company_id._esign_mode(workflow.vietnam_today())

    def _issue_mode(self):
        """(True, False) to e-sign; (False, reason) for paper."""
        if self.confidentiality != "normal":
            return False, "secret"
        period = self._esign_period()
        if period == "paper":
            return False, "before_trial"
        if period == "choice" and self.paper_reason == "clerk_choice":
            return False, "clerk_choice"
        return True, False

    # ------------------------------------------------------------------ checks

    def _check_can_issue(self):
        """An e-signed issue also needs its keys and images, and bridges that answer."""
        result = super()._check_can_issue()
        for document in self:
            if document._issue_mode()[0]:
                try:
                    document._check_signing_setup()
                except UserError as error:
                    raise document._issue_refusal(error) from None
        return result

    def _issue_refusal(self, error):
        """The refusal said to the clerk and kept in the trail (it outlives the rollback)."""
        return RememberedRefusal(
            self.env._(
                "“%(doc)s” was not issued: %(why)s It is still approved and no number was "
                "taken; press Issue again once this is fixed.",
                doc=self.display_name,
                why=engine_words(self.env, error),
            ),
            self,
        )

    def _check_signing_setup(self):
        """Keys and images configured; the bridges answer, before the register is locked, and
        offer the keys, with certificates valid now and issued to the signer and the
        organisation."""
        signer, company = self.signer_id.sudo(), self.company_id.sudo()
        missing = self._missing_signing_setup(signer, company)
        if missing:
            raise UserError(
                self.env._("“%s” cannot be e-signed: a manager must set ", self.display_name)
                + ", ".join(missing)
                + "."
            )
        if signer.snn_sign_mode == "remote":
            signer._check_remote_credential()
        elif signer.snn_sign_mode == "local":
            signer._check_local_key()
        else:
            signer.snn_sign_bridge_id._check_key(signer.snn_sign_key, [signer.name])
        if company.snn_seal_sign_mode == "local":
            company._check_local_seal()
        elif company.snn_seal_sign_mode == "remote":
            company._check_remote_seal()
        else:
            company.snn_seal_bridge_id._check_key(
                company.snn_seal_key, [company.name, company.snn_org_full_name]
            )
        self._check_seal_signatures_at_once(company)
        self._check_not_revoked()

    def _check_seal_signatures_at_once(self, company):
        """A seal made elsewhere makes all its signatures of this issue at once (the document's,
        each attachment's, the trail head's: _prepare_sealed_with_it): as many as one
        confirmation at the PC, or one authorisation at the service, may cover. Said before
        anything is numbered."""
        needed = len(self.attachment_ids) + 2
        if company.snn_seal_sign_mode == "local":
            most = MAX_MORE + 1
        elif company.snn_seal_sign_mode == "remote":
            most = company.snn_csc_service_id._credential(company).max_signatures
        else:
            return
        if needed > most:
            raise UserError(
                self.env._(
                    "“%(doc)s” needs %(needed)s seals at once (the document, %(attachments)s "
                    "attachments and its trail), and the seal's token or service makes at most "
                    "%(most)s in one confirmation. Issue the appendices as a document of their "
                    "own, or ask a manager to seal through the token bridge of the server.",
                    doc=self.display_name,
                    needed=needed,
                    attachments=len(self.attachment_ids),
                    most=most,
                )
            )

    def _missing_signing_setup(self, signer, company):
        """What a manager must still set, in words."""
        missing = []
        mode = signer.snn_sign_mode
        if mode == "remote" and not (signer.snn_csc_service_id and signer.snn_csc_credential):
            missing.append(self.env._("the remote-signing credential of %s", signer.name))
        if mode == "local" and not (signer.snn_local_key and signer.snn_local_certificate):
            missing.append(self.env._("the key and certificate on the PC of %s", signer.name))
        if mode == "server" and not (signer.snn_sign_bridge_id and signer.snn_sign_key):
            missing.append(self.env._("the personal key of %s", signer.name))
        if not signer.snn_signature_image:
            missing.append(self.env._("the signature image of %s", signer.name))
        seal_mode = company.snn_seal_sign_mode
        if seal_mode == "server" and not (company.snn_seal_bridge_id and company.snn_seal_key):
            missing.append(self.env._("the seal key of %s", company.name))
        if seal_mode == "remote" and not (
            company.snn_csc_service_id and company.snn_csc_credential
        ):
            missing.append(self.env._("the seal's remote-signing credential of %s", company.name))
        if not company.snn_seal_image:
            missing.append(self.env._("the seal image of %s", company.name))
        if not company.snn_trust_roots:
            missing.append(self.env._("the trusted root certificates of %s", company.name))
        return missing

    def _check_not_revoked(self):
        """Both certificates asked of their CA (OCSP, else CRL, as they name them) before the
        register is locked: revoked is refused; no answer as the organisation's policy says
        (refused, or signed and said on the document, see _note_revocation_unknown)."""
        person, company = self.signer_id.sudo(), self.company_id.sudo()
        policy = company._long_term_policy()
        keys = (
            (person.name, person._personal_certificate()),
            (company.name, company._seal_chain()[0]),
        )
        unanswered = self.env.cr.cache.setdefault("snn_revocation_unknown", {})
        for holder, certificate in keys:
            check = check_revocation(certificate, policy)
            try:
                require_not_revoked(check, policy, holder)
            except SnnSignError as error:
                raise UserError(engine_words(self.env, error)) from None
            if check.status == "unknown":
                unanswered.setdefault(self.id, []).append((holder, check.detail))

    # ------------------------------------------------------------------ effects

    def action_issue(self):
        """As snn_docflow's, but a document whose signature is made away from the server (the
        holder's remote service or PC) is numbered and waits for its holder: said so, not
        "Issued"."""
        result = super().action_issue()
        waiting = self.filtered(lambda d: d.state == "approved" and d.number)
        if waiting:
            request = waiting[:1].sudo()._waiting_signature_request(raise_if_none=False)
            return waiting[:1]._step_done(
                self.env._(
                    "%(code)s is numbered and waits for %(holder)s to sign it.",
                    code=waiting[:1].code,
                    holder=request.holder_id.name or waiting[:1].signer_id.name,
                )
            )
        return result

    def _do_issue(self):
        esign, paper_reason = self._issue_mode()
        if not esign:
            self.write({"esign": False, "paper_reason": paper_reason})
            return super()._do_issue()
        step = self._signature_made_elsewhere()
        if step:
            try:
                with self.env.cr.savepoint():
                    # Checked when the clerk asks, not when the signature comes back.
                    self._record_format_check_at_issue()
                    self._request_signature(*step)
            except (UserError, SnnSignError) as error:
                raise self._issue_refusal(error) from None
            return None
        try:
            with self.env.cr.savepoint():
                self.write({"esign": True, "paper_reason": False})
                super()._do_issue()
                if self._sealed_with_it()["trail"]:  # this issue's seal was made elsewhere
                    self._anchor_trail_sealed_elsewhere()
                else:
                    self._anchor_trail()
        except (UserError, SnnSignError) as error:
            raise self._issue_refusal(error) from None

    def _issue_files(self):
        """Stamp number and date, sign (signer, then seal), verify; the values to store."""
        values = super()._issue_files()
        if not self.esign:
            return values
        signing_time = workflow.vietnam_now()
        if signing_time.date() != self.issue_date:
            raise UserError(self.env._("The day changed while issuing."))
        company = self.company_id.sudo().with_context(bin_size=False)
        long_term = company._long_term_policy()
        handed = self._take_handed("seal")
        if handed:  # both signatures are in the file its holder just sealed
            request, sealed = handed
            stamped = sealed[: request.stamped_size]
        else:
            stamped, signed = self._personal_signature(signing_time, long_term)
            sealed = sign_pdf(
                signed,
                company.snn_seal_bridge_id._signer(company.snn_seal_key),
                signing_time=signing_time,
                long_term=long_term,
                **self._seal_look(company),
            )
        if long_term.tsa_url:  # B-LTA: an archive timestamp over both signatures
            sealed = add_document_timestamp(sealed, long_term)
        self._note_revocation_unknown()
        report = verify_pdf(sealed, company._trust_roots())
        if not report.ok:
            reasons = [*report.problems, *(r for s in report.signatures for r in s.reasons)]
            words = "; ".join(line_words(self.env, reason) for reason in reasons)
            raise UserError(self.env._("The signed file does not verify: %s", words))
        return {
            **values,
            "stamped_file": base64.b64encode(stamped),
            "stamped_sha256": hashlib.sha256(stamped).hexdigest(),
            "signed_file": base64.b64encode(sealed),
            "signed_file_name": self.code.replace("/", "-") + ".pdf",
            "signed_sha256": hashlib.sha256(sealed).hexdigest(),
            "signature_ids": self._signature_records(report, self._signed_keys()),
        }

    def _issue_comment(self):
        """The signatures the server's bridge made at this issue, with their keys: each one
        made elsewhere has trail rows of its own (await_signature, authorize_signature)."""
        if not self.esign:
            return super()._issue_comment()
        elsewhere = self.sudo().signature_request_ids.filtered(
            lambda r: r.state == "signed" and r.issue_date == self.issue_date
        )
        keys = dict(self._signed_keys())
        said = []
        if "personal" not in elsewhere.mapped("role"):
            said.append(
                self.env._(
                    "Signer's signature: token bridge of the server (key “%s”)", keys["personal"]
                )
            )
        if "seal" not in elsewhere.mapped("role"):
            said.append(
                self.env._("Seal: token bridge of the server (key “%s”)", keys["organization"])
            )
        before = super()._issue_comment()  # what the chain's other steps say (a replacement)
        return "\n".join(filter(None, ["; ".join(said), before])) or None

    def _personal_signature(self, signing_time, long_term):
        """(stamped, signed by the signer): the server's bridge signs now; a signature made
        elsewhere is the one its holder just made for these very stamped bytes."""
        person = self.signer_id.sudo().with_context(bin_size=False)
        # The holder's signature, when this issue completes one (whatever the signer's mode
        # says by now: a manager may have changed it while the document waited).
        handed = self._take_handed("personal")
        if handed:
            request, signed = handed
            return signed[: request.stamped_size], signed
        stamped = self._stamped()
        signed = sign_pdf(
            stamped,
            person.snn_sign_bridge_id._signer(person.snn_sign_key),
            signing_time=signing_time,
            long_term=long_term,
            **self._signer_look(person),
        )
        return stamped, signed

    def _stamped(self):
        """The approved file with the number and the date written in."""
        place = self.company_id.sudo().snn_place or None
        return stamp_pdf(self._file_bytes(), self.code, self.issue_date, place=place)

    @staticmethod
    def _signer_look(person):
        """How the signer's signature looks (sign_pdf's and prepare_signature's words)."""
        return {"appearance": "signer", "image_png": base64.b64decode(person.snn_signature_image)}

    @staticmethod
    def _seal_look(company):
        """How the seal looks (sign_pdf's and prepare_signature's words)."""
        return {
            "appearance": "seal",
            "image_png": base64.b64decode(company.snn_seal_image),
            "org_name": company.snn_org_full_name or company.name,
        }

    def _take_handed(self, role):
        """(request, file signed so far) when this issue completes the signature of ``role``
        that its holder just made elsewhere (snn_signature_request._complete), taken once."""
        handed = self.env.cr.cache.get(SIGNED_ELSEWHERE, {})
        if self.id in handed and handed[self.id][0].role == role:
            return handed.pop(self.id)
        return None

    def _signature_made_elsewhere(self):
        """(role, mode) of the next signature of this issue that its holder makes away from
        the server (at the remote service, or with the token on their PC), or None when the
        server makes the rest. The signer signs first, then the seal (Decree 30, Annex I)."""
        handed = self.env.cr.cache.get(SIGNED_ELSEWHERE, {}).get(self.id)
        done = handed[0].role if handed else None  # looked at, not taken
        mode = self.signer_id.sudo().snn_sign_mode
        if done is None and mode != "server":
            return "personal", mode
        seal_mode = self.company_id.sudo().snn_seal_sign_mode
        if done != "seal" and seal_mode != "server":
            return "seal", seal_mode
        return None

    def _request_signature(self, role, mode):
        """The clerk's issue for a signature made elsewhere: number and date, stamp (and the
        signer's signature first, for the seal), prepare the signature, and a request its
        holder alone completes, today: the signer for theirs, the clerk for the seal."""
        self._expire_older_requests()
        self.write({"esign": True, "paper_reason": False, **self._dating_values()})
        company = self.company_id.sudo().with_context(bin_size=False)
        person = self.signer_id.sudo().with_context(bin_size=False)
        signing_time = workflow.vietnam_now()
        long_term = company._long_term_policy()
        if role == "personal":
            stamped = base = self._stamped()
            chain, look, holder = person._personal_chain(), self._signer_look(person), person
        else:
            # The clerk whose issue this is (the one who asked the signer, when the seal
            # follows their signature: the issue completes as them) seals on their PC.
            stamped, base = self._personal_signature(signing_time, long_term)
            chain, look, holder = company._seal_chain(), self._seal_look(company), self.env.user
        pending = prepare_signature(
            base, list(chain), signing_time=signing_time, long_term=long_term, **look
        )
        Request = self.env["snn.signature.request"]
        where = dict(Request._fields["mode"]._description_selection(self.env))[mode]
        self._record_step(
            "await_signature",
            {},
            comment=self.env._(
                "Waiting for %(holder)s to sign: %(where)s.", holder=holder.name, where=where
            ),
        )
        # The seal signs, in the same authorisation, what the server's bridge would seal at
        # this issue: each attachment, and the trail's head (this row's, the last known).
        more = (
            self._prepare_sealed_with_it(chain, signing_time, long_term) if role == "seal" else []
        )
        Request.create(
            {
                "document_id": self.id,
                "role": role,
                "mode": mode,
                "holder_id": holder.id,
                "requested_by_id": self.env.uid,
                "code": self.code,
                "issue_date": self.issue_date,
                "expires_at": Request._end_of_day_utc(self.issue_date),
                "to_sign_sha256": pending.to_sign_digest.hex(),
                "stamped_size": len(stamped),
                "stamped_sha256": hashlib.sha256(stamped).hexdigest(),
                "pending_json": pending.to_json(),
                "more_pending_json": json.dumps(more),
            }
        )
        self._schedule(ACTIVITY_REMOTE_SIGN, holder)

    def _prepare_sealed_with_it(self, chain, signing_time, long_term):
        """The seal's further signatures of this issue, prepared for its holder (the request's
        more_pending_json): each attachment, in its order, as _issue_files seals it on the
        server, and the trail's head."""
        parts = [
            {
                "kind": "attachment",
                "name": attachment.name[:200],
                "attachment_id": attachment.id,
                "pending": prepare_signature(
                    attachment._file_bytes(),
                    list(chain),
                    appearance="attachment",
                    code=self.code,
                    signing_time=signing_time,
                    long_term=long_term,
                ).to_json(),
            }
            for attachment in self.attachment_ids.sorted()
        ]
        head = self.trail_head_hash
        parts.append(
            {
                "kind": "trail",
                "name": self.code,
                "head_hash": head,
                "pending": prepare_detached(
                    head.encode(), list(chain), signing_time=signing_time
                ).to_json(),
            }
        )
        return parts

    def _sealed_with_it(self):
        """What the seal's holder signed with the seal of this issue, elsewhere (handed by
        snn_signature_request._complete): {"attachments": {id: file}, "trail": (head, CMS)}."""
        return self.env.cr.cache.get(SEALED_WITH_IT, {}).get(self.id) or {
            "attachments": {},
            "trail": None,
        }

    def _expire_older_requests(self):
        """A request of today still waits: refused (one at a time). One of an earlier day
        ends: the document cannot bear that date any more."""
        waiting = self.env["snn.signature.request"].search(
            [("document_id", "=", self.id), ("state", "=", "waiting")]
        )
        if waiting.filtered(lambda r: r.issue_date == workflow.vietnam_today()):
            raise UserError(
                self.env._(
                    "“%(doc)s” already waits for %(holder)s to sign it.",
                    doc=self.display_name,
                    holder=waiting[:1].holder_id.name,
                )
            )
        waiting.write({"state": "expired"})

    def _dating_values(self):
        """The number and today's date for a signature made elsewhere: a new number, or the
        one already taken (re-dated on a later day, within its year)."""
        today = workflow.vietnam_today()
        if self.number and self.issue_date != today:  # a new try on a later day: today's date
            if self.number_year != today.year:
                raise UserError(
                    self.env._(
                        "%s was numbered last year and not signed: cancel it and draft it again.",
                        self.code,
                    )
                )
            return {"issue_date": today}
        return self._numbering_values()  # the number, or none when it has one already

    def _note_revocation_unknown(self):
        """Signed although the CA did not answer (the organisation's policy allows it): said on
        the document, never silent."""
        unanswered = self.env.cr.cache.get("snn_revocation_unknown", {}).pop(self.id, [])
        for holder, detail in unanswered:
            self.message_post(
                body=self.env._(
                    "Signed without the CA's answer about the certificate of %(holder)s "
                    "(revocation not checked): %(why)s",
                    holder=holder,
                    why=line_words(self.env, detail),
                )
            )

    def _anchor_trail(self):
        """Sign the trail's head with the organisation's key: proof outside the database.
        Not when the seal's key is elsewhere (the clerk's PC, a remote service): the server has
        no key to sign with; the head its holder signed at the issue stays, and the rows since
        are chained to it by their hashes (_trail_anchor_problems)."""
        company = self.company_id.sudo()
        if company.snn_seal_sign_mode != "server":
            return None
        seal = company.snn_seal_bridge_id._signer(company.snn_seal_key)
        signature = sign_detached(self.trail_head_hash.encode(), seal)
        self.env["snn.trail.anchor"].create(
            {
                "document_id": self.id,
                "head_hash": self.trail_head_hash,
                "signature": base64.b64encode(signature),
                "key_label": company.snn_seal_key,
                "signer_subject": seal.key_info.get("subject"),
            }
        )
        return True

    def _anchor_trail_sealed_elsewhere(self):
        """The head the seal's holder signed (_prepare_sealed_with_it), checked against the
        organisation's trusted roots before it is kept: a seal that does not verify fails the
        issue, as the document's would."""
        company = self.company_id.sudo()
        head, signature = self._sealed_with_it()["trail"]
        report = verify_detached(head.encode(), signature, company._trust_roots())
        if not report.valid:
            why = "; ".join(line_words(self.env, part) for part in (report.error or "").split("; "))
            raise UserError(self.env._("The signed head of the trail does not verify: %s", why))
        key_label = dict(self._signed_keys())["organization"]
        self.env["snn.trail.anchor"].create(
            {
                "document_id": self.id,
                "head_hash": head,
                "signature": base64.b64encode(signature),
                "key_label": key_label,
                "signer_subject": report.signer_subject,
            }
        )
        return True
