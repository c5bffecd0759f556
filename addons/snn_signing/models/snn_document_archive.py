"""Archive timestamps renewed before they expire (PAdES B-LTA).

An issued file's last archive timestamp proves everything before it only while its TSA's
certificate is valid (Decree 30 Art. 19 keeps the electronic original for decades; a TSA
certificate lasts years). Before that ends (the company's margin), a scheduled action adds the
validation data of that timestamp and a new archive timestamp: an incremental update, so the
issued file stays a byte prefix of the renewed one. Each renewal is a row of the trail (with the
new file's SHA-256) whose head the seal signs again.

The signed file (and each sealed appendix) is frozen once issued; only this step unfreezes it,
for the document it renews, through a context variable of this process (not a context key a
client could send). Sealed appendices are renewed with their document, in the same step.
"""

import base64
import contextlib
import contextvars
import datetime as dt
import hashlib
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.snn_docflow.engine_words import line_words

from snn_sign import verify_pdf
from snn_sign.errors import SnnSignError
from snn_sign.longterm import last_archive_timestamp_expiry, renew_archive_timestamp

_logger = logging.getLogger(__name__)
_RENEWING = contextvars.ContextVar("snn_archive_renewing", default=frozenset())
RENEW_BATCH = 20  # documents per commit of the scheduled action


class SnnDocument(models.Model):
    _inherit = "snn.document"  # pylint: disable=consider-merging-classes-inherited

    archive_expiry = fields.Datetime(
        string="Archive Timestamp Valid Until",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the last archive timestamp of the signed file stops proving it on its own "
        "(its TSA certificate's end); renewed before, as the company's margin says.",
    )

    def _frozen_file_fields(self):
        frozen = super()._frozen_file_fields()
        if self.id in _RENEWING.get():
            frozen = frozen - {"signed_file"}
        return frozen

    def _issue_files(self):
        values = super()._issue_files()
        if values.get("signed_file"):
            values["archive_expiry"] = _naive_utc(
                last_archive_timestamp_expiry(base64.b64decode(values["signed_file"]))
            )
        return values

    @api.model
    def _cron_renew_archive_timestamps(self, commit=True):
        """Every organisation with a TSA: its issued files whose archive timestamp expires
        within its margin, renewed; a failure is logged and tried again on the next run.
        ``commit``: after each batch (False inside a test's transaction)."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().search([("snn_tsa_url", "!=", False)])
        for company in companies:
            margin = dt.timedelta(days=company.snn_archive_renewal_days or 0)
            due = self.sudo().search(
                [("company_id", "=", company.id), ("archive_expiry", "<=", now + margin)],
                order="archive_expiry, id",
            )
            for batch in (due[i : i + RENEW_BATCH] for i in range(0, len(due), RENEW_BATCH)):
                for document in batch:
                    try:
                        with self.env.cr.savepoint():
                            document._renew_archive_timestamp()
                    except (SnnSignError, UserError) as error:
                        _logger.warning(
                            "Archive timestamp of document %s not renewed: %s", document.id, error
                        )
                if commit:
                    self.env["ir.cron"]._commit_progress(len(batch))

    def _renew_archive_timestamp(self):
        """The next archive timestamp on the stored signed file, checked, stored, in the trail."""
        self.ensure_one()
        company = self.company_id.sudo()
        current = base64.b64decode(self.with_context(bin_size=False).signed_file)
        renewed, report = self._renewed_bytes(company, current, self.signed_sha256)
        appendices = self._renewed_attachments(company)
        with self._renewing():
            # The main file's signature records anew; the appendices' are their own.
            self.signature_ids.filtered(lambda s: not s.attachment_id).unlink()
            for attachment, values in appendices:
                attachment.write(values)
            self._record_step(
                "archive_timestamp",
                {
                    "signed_file": base64.b64encode(renewed),
                    "signed_sha256": hashlib.sha256(renewed).hexdigest(),
                    "archive_expiry": _naive_utc(last_archive_timestamp_expiry(renewed)),
                    "signature_ids": self._signature_records(report, self._signed_keys()),
                },
                comment=self.env._("Archive timestamp renewed."),
            )
        self._anchor_trail()

    def _renewed_attachments(self, company):
        """(attachment, values) for each sealed appendix with an archive timestamp: its next
        one, checked as the main file's (the old file a prefix, verifying)."""
        renewed = []
        for attachment in self.attachment_ids.sorted().filtered("sealed_file"):
            sealed = attachment._file_bytes("sealed_file")
            if last_archive_timestamp_expiry(sealed) is None:
                continue
            again, report = self._renewed_bytes(company, sealed, attachment.sealed_sha256)
            renewed.append(
                (
                    attachment,
                    {
                        "sealed_file": base64.b64encode(again),
                        "sealed_sha256": hashlib.sha256(again).hexdigest(),
                        "signature_ids": [
                            fields.Command.clear(),
                            *attachment._signature_commands(self, report),
                        ],
                    },
                )
            )
        return renewed

    def _renewed_bytes(self, company, current, stored_sha256):
        """(renewed bytes, verify report) of one stored file: unchanged since stored, renewed,
        ``current`` a prefix of the result, every signature verifying; UserError otherwise."""
        if hashlib.sha256(current).hexdigest() != stored_sha256:
            raise UserError(self.env._("The stored file was changed."))
        renewed = renew_archive_timestamp(current, company._long_term_policy())
        report = verify_pdf(renewed, company._trust_roots())
        if not (renewed.startswith(current) and report.ok):
            reasons = [*report.problems, *(r for s in report.signatures for r in s.reasons)]
            raise UserError(
                self.env._(
                    "The renewed file does not verify: %s",
                    "; ".join(line_words(self.env, reason) for reason in reasons),
                )
            )
        return renewed, report

    @contextlib.contextmanager
    def _renewing(self):
        token = _RENEWING.set(_RENEWING.get() | {self.id})
        try:
            yield
        finally:
            _RENEWING.reset(token)


def _naive_utc(moment):
    """An aware datetime as Odoo keeps one (naive UTC); False for None."""
    if moment is None:
        return False
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class SnnDocumentAttachment(models.Model):
    _inherit = "snn.document.attachment"

    def _frozen_file_fields(self):
        frozen = super()._frozen_file_fields()
        if self.document_id.id in _RENEWING.get():
            frozen = frozen - {"sealed_file"}
        return frozen
