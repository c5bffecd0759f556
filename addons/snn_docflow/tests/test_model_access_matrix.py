"""Every model and stored field of the suite × every role × create/write/unlink, over RPC.

The cases come from the registry, not from a list: each model of the installed SNN add-ons
(and each field they add to Odoo's models) is tried, so a model or field added later is
covered without touching this file. Each role calls Odoo's JSON-2 API (/json/2, with an API
key, as any script would) with a forged context, and the refusal is checked by re-reading the
record as superuser: unchanged, not created, not deleted. What a role may do is the ALLOWED
list below, written from the procedure; those cases are run in-process (each in a savepoint
rolled back) and must go through, so that the list cannot grow wider than what is true.

Installed alone (odoo-bin -i snn_docflow), it covers snn_docflow's models; with every module,
all of them.
"""

import base64
import datetime
import logging
from collections import Counter

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .access_matrix_common import ROLES, SKIPPED_FIELDS, SUITE, AccessMatrixCase, suite_fields
from .test_chain_guards import unique_pdf

_logger = logging.getLogger(__name__)

DRAFT_CONTENT = {
    "subject",
    "document_type_id",
    "department_id",
    "signer_id",
    "signer_authority",
    "signer_position",
    "recipient_ids",
    "related_document_ids",
    "urgency",
    "confidentiality",
    "file",
    "file_name",
    "attachment_ids",
}
# (model, record tag) -> {role: fields the role may write there}; creates and unlinks in
# ALLOWED_CREATES/ALLOWED_UNLINKS below. Everything else is refused. Written from the
# procedure, not imported from the code (CONTENT_FIELDS, SIGNING_FIELDS): a field the code opens
# by mistake fails here instead of widening the list with it.
ALLOWED_WRITES = {
    ("snn.document", "draft"): {"drafter": DRAFT_CONTENT, "manager": DRAFT_CONTENT},
    ("snn.document.recipient", "draft"): {
        "drafter": {"sequence", "partner_id", "department_id", "purpose"},
        "manager": {"sequence", "partner_id", "department_id", "purpose"},
    },
    ("snn.document.attachment", "draft"): {
        "drafter": {"sequence", "name", "file", "file_name"},
        "manager": {"sequence", "name", "file", "file_name"},
    },
    ("snn.document.type", "own"): {"manager": "*"},
    ("snn.register", "own"): {"manager": "*"},
    ("snn.sign.bridge", "own"): {"manager": "*"},
    ("snn.csc.service", "own"): {"manager": "*"},
    ("snn.incoming.register", "own"): {"manager": "*"},
    # The office's routing suggestions: its clerks keep them.
    ("snn.incoming.route", "own"): {"clerk": "*", "manager": "*"},
    # Who signs for whom while the director is away: he records it for himself, a manager of
    # the organisation for any of its directors; nobody writes its state (End Now does).
    ("snn.delegation", "own"): {
        "director": {"delegate_id", "date_from", "date_to", "authority_line"},
        "manager": {"delegator_id", "delegate_id", "date_from", "date_to", "authority_line"},
    },
    # A shipped certificate is disabled or enabled, never changed.
    ("snn.trust.certificate", "own"): {"manager": {"active"}},
    ("res.users", "director"): {
        "manager": {
            "snn_sign_bridge_id",
            "snn_sign_key",
            "snn_signature_image",
            "snn_sign_mode",
            "snn_csc_service_id",
            "snn_csc_credential",
            "snn_csc_token_file",
            "snn_local_key",
            "snn_local_certificate",
        }
    },
    ("res.company", "own"): {
        "manager": {
            "snn_seal_bridge_id",
            "snn_seal_key",
            "snn_seal_image",
            "snn_trust_roots",
            "snn_esign_trial_date",
            "snn_esign_mandatory_date",
            "snn_tsa_url",
            "snn_revocation_policy",
            "snn_archive_renewal_days",
            "snn_tsa_username",
            "snn_tsa_secret_file",
            "snn_ca_proxy_url",
            "snn_seal_sign_mode",
            "snn_seal_local_key",
            "snn_seal_local_certificate",
            "snn_local_bridge_url",
            "snn_local_request_key_file",
            "snn_csc_service_id",
            "snn_csc_credential",
            "snn_csc_token_file",
            "snn_organ_id",
            "snn_exchange_url",
            "snn_exchange_system_id",
            "snn_exchange_secret_file",
            "snn_incoming_alias_name",
        }
    },
}
# The other organisation's manager sets up their own organisation the same way.
ALLOWED_WRITES[("res.company", "other")] = {
    "manager_b": ALLOWED_WRITES[("res.company", "own")]["manager"]
}
ALLOWED_CREATES = {
    "snn.document": {"drafter", "drafter2", "head", "director", "manager"},
    "snn.document.recipient": {"drafter", "manager"},  # on the drafter's draft
    "snn.document.attachment": {"drafter", "manager"},
    "snn.document.type": {"manager"},
    "snn.register": {"manager"},
    "snn.sign.bridge": {"manager"},
    "snn.csc.service": {"manager"},
    "snn.incoming.register": {"manager"},
    "snn.incoming.route": {"clerk", "manager"},
    "snn.trust.certificate": {"manager"},
    "snn.delegation": {"director", "manager"},
    # Wizards: a form for a record the user may read (the issued document) does nothing yet.
    "snn.document.reason.wizard": {"drafter", "drafter2", "head", "director", "clerk", "manager"},
    "snn.paper.print": {"clerk", "manager"},
    # The director's form: any reader of the incoming document opens it; its step decides.
    "snn.incoming.assign.wizard": {"clerk", "manager"},
    "snn.incoming.register.print": {"clerk", "manager"},
    "snn.register.print": {"clerk", "manager"},
    # It names no record: every clerk exports their own organisation's documents.
    "snn.metadata.export": {"clerk", "manager", "clerk_b", "manager_b"},
    "snn.period.report": {"clerk", "manager"},
    "snn.copy.wizard": {"clerk", "manager"},
    "snn.copy.send.wizard": {"clerk", "manager"},
}
ALLOWED_UNLINKS = {
    ("snn.document", "draft"): {"drafter", "manager"},
    ("snn.document.recipient", "draft"): {"drafter", "manager"},
    ("snn.document.attachment", "draft"): {"drafter", "manager"},
    ("snn.document.type", "own"): {"manager"},
    ("snn.sign.bridge", "own"): {"manager"},
    ("snn.csc.service", "own"): {"manager"},
    ("snn.incoming.route", "own"): {"clerk", "manager"},
    ("snn.delegation", "own"): {"director", "manager"},  # before it starts
}


def other_certificate_pem():
    """A self-signed certificate of its own (a CA a manager might add to the trust store)."""
    from cryptography import x509  # noqa: PLC0415 - only for this one model
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Access matrix CA")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2020, 1, 1))
        .not_valid_after(datetime.datetime(2040, 1, 1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@tagged("post_install", "-at_install")
class TestModelAccessMatrix(AccessMatrixCase):
    # odoo.http logs each refused request as a warning: thousands of expected ones here.
    @mute_logger("odoo.http")
    def test_every_model_and_field_refuses_every_role_not_allowed(self):
        counts = Counter()
        allowed_cases = []
        for model_name, records in sorted(self.world.items()):
            Model = self.env[model_name]
            fields_ = suite_fields(Model)
            if model_name in self._suite_models():
                self.assertTrue(fields_, f"{model_name}: no field to try")
            for tag, record in records:
                may_write = ALLOWED_WRITES.get((model_name, tag), {})
                for field in fields_:
                    for role in ROLES:
                        if self._may_write(may_write.get(role, ()), field):
                            allowed_cases.append(("write", model_name, tag, record, field, role))
                            continue
                        counts["write"] += 1
                        self._assert_write_refused(role, record, field, tag)
                for role in ROLES:
                    if role in ALLOWED_UNLINKS.get((model_name, tag), ()):
                        allowed_cases.append(("unlink", model_name, tag, record, None, role))
                        continue
                    counts["unlink"] += 1
                    self._assert_unlink_refused(role, record, tag)
            if model_name in self._suite_models():
                for role in ROLES:
                    if role in ALLOWED_CREATES.get(model_name, ()):
                        allowed_cases.append(
                            ("create", model_name, None, records[0][1], None, role)
                        )
                        continue
                    counts["create"] += 1
                    self._assert_create_refused(role, records[0][1])
        for case in allowed_cases:
            counts["allowed"] += 1
            self._assert_allowed(*case)
        _logger.info(
            "access matrix: %s refusals over JSON-2 (%s writes, %s creates, %s unlinks), "
            "%s allowed cases in-process, %s models",
            counts["write"] + counts["create"] + counts["unlink"],
            counts["write"],
            counts["create"],
            counts["unlink"],
            counts["allowed"],
            len(self.world),
        )
        self.assertGreater(counts["write"], 100)

    def test_every_mixin_of_the_suite_is_tried_through_a_model(self):
        """Abstract models have no records to attack: each mixin of the suite (parts, record
        files, organisation records, wizard guard) is tried through the models that inherit
        it, and at least one of them is in the matrix's world."""
        mixins = [
            name
            for name in self.env.registry
            if self.env[name]._abstract and self.env[name]._original_module in SUITE
        ]
        self.assertTrue(mixins)
        for name in mixins:
            with self.subTest(mixin=name):
                children = set(self.env.registry[name]._inherit_children)
                self.assertTrue(children & set(self.world), f"no model of the world has {name}")

    def test_the_transports_carry_an_allowed_call(self):
        """The refusals above are the models' answers: the same calls go through for a role
        that may make them, over both transports."""
        draft = self.world["snn.document"][0][1]
        self.assertIsNone(
            self.json2(
                "drafter",
                "snn.document",
                "write",
                {"ids": draft.ids, "vals": {"subject": "Sửa trích yếu"}},
            )
        )
        self.assertEqual(draft.sudo().subject, "Sửa trích yếu")
        self.assertIsNone(
            self._web_call(
                "drafter",
                "snn.document",
                "write",
                {"ids": draft.ids, "vals": {"urgency": "urgent"}},
            )
        )
        self.assertEqual(draft.sudo().urgency, "urgent")
        portal_partner = self.portal.partner_id
        self.assertIsNone(
            self._web_call(
                "portal", "res.partner", "read", {"args": [portal_partner.ids, ["name"]]}
            )
        )

    @staticmethod
    def _may_write(allowed, field):
        """``allowed``: field names, or "*" for a record's own fields (its company and the
        records that hang off it are never rewritten through it)."""
        if allowed == "*":
            return field.name != "company_id" and field.type != "one2many"
        return field.name in allowed

    def _assert_write_refused(self, role, record, field, tag):
        value = self._attack_value(record, field)
        before = self._snapshot(record, field)
        error = self.json2(
            role, record._name, "write", {"ids": record.ids, "vals": {field.name: value}}
        )
        with self.subTest(op="write", model=record._name, tag=tag, field=field.name, role=role):
            self.assertTrue(error, "the write went through")
            self.assertEqual(self._snapshot(record, field), before, "a refusal changes nothing")

    def _assert_unlink_refused(self, role, record, tag):
        error = self.json2(role, record._name, "unlink", {"ids": record.ids})
        with self.subTest(op="unlink", model=record._name, tag=tag, role=role):
            self.assertTrue(error, "the record was deleted")
            self.assertTrue(record.sudo().exists(), "a refusal deletes nothing")

    def _create_vals(self, record):
        vals = record.sudo().copy_data()[0]
        if "pem" in vals and record._name == "snn.trust.certificate":
            # A copy of a certificate is the same certificate, which the organisation's store
            # holds once: another one, so that an allowed create can go through.
            vals["pem"] = other_certificate_pem()
        for name, field in record._fields.items():
            if field.type == "binary" and field.store and record.sudo()[name] and name not in vals:
                vals[name] = base64.b64encode(unique_pdf()).decode()
        return {
            name: str(value) if isinstance(value, datetime.date) else value
            for name, value in vals.items()
            if name not in SKIPPED_FIELDS and not isinstance(value, bytes)
        }

    def _assert_create_refused(self, role, record):
        Model = self.env[record._name].sudo().with_context(active_test=False)
        before = Model.search_count([])
        error = self.json2(role, record._name, "create", {"vals_list": [self._create_vals(record)]})
        with self.subTest(op="create", model=record._name, role=role):
            self.assertTrue(error, "the record was created")
            self.assertEqual(Model.search_count([]), before, "a refusal creates nothing")

    def _assert_allowed(self, op, model_name, tag, record, field, role):
        user = self.users[role]
        with self.subTest(op=op, model=model_name, tag=tag, field=field and field.name, role=role):
            with self.env.cr.savepoint(flush=True) as savepoint:
                try:
                    if op == "write" and field.type == "many2one":
                        # What the user could choose in the form: a record they may read.
                        current = record.sudo()[field.name]
                        comodel = self.env[field.comodel_name].with_user(user)
                        value = comodel.search([("id", "not in", current.ids)], limit=1).id
                        record.with_user(user).write({field.name: value})
                    elif op == "write":
                        value = self._attack_value(record, field)
                        record.with_user(user).write({field.name: value})
                    elif op == "unlink":
                        record.with_user(user).unlink()
                    else:
                        self.env[model_name].with_user(user).create(self._create_vals(record))
                    self.env.flush_all()
                except (AccessError, UserError) as error:
                    if not isinstance(error, ValidationError):
                        self.fail(f"refused although the procedure allows it: {error}")
                finally:
                    savepoint.rollback()
                    self.env.invalidate_all()
