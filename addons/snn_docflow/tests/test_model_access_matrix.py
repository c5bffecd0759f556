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

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import MAGIC_COLUMNS
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import HOST
from odoo.tools import mute_logger

from .common import PDF_BYTES, DocflowCase
from .test_chain_guards import FORGED_CONTEXT, unique_pdf

_logger = logging.getLogger(__name__)

SUITE = ("snn_docflow", "snn_signing", "snn_dispatch", "snn_office", "snn_report")
ROLES = (
    "drafter",  # the drafter of the documents below (unit VP)
    "drafter2",  # a drafter of another unit
    "head",
    "director",
    "clerk",
    "manager",
    "manager_b",  # the manager of another organisation of the database
    "clerk_b",
    "outsider",  # an employee without a role in outgoing documents
    "portal",
)
# Models read through SQL views, or rebuilt and never written.
NOT_WRITABLE_BY_DESIGN = {"snn.document.report"}
# Fields Odoo writes itself or ignores when a client sends them.
SKIPPED_FIELDS = set(MAGIC_COLUMNS) | {"display_name"}

# Models that hold an organisation's own settings: the generic record is the organisation's.
ORGANISATION_SETTINGS = {"snn.sign.bridge"}
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
    ("res.users", "director"): {
        "manager": {"snn_sign_bridge_id", "snn_sign_key", "snn_signature_image"}
    },
    ("res.company", "own"): {
        "manager": {
            "snn_seal_bridge_id",
            "snn_seal_key",
            "snn_seal_image",
            "snn_trust_roots",
            "snn_esign_trial_date",
            "snn_esign_mandatory_date",
            "snn_organ_id",
            "snn_exchange_url",
            "snn_exchange_system_id",
            "snn_exchange_secret_file",
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
    # Wizards: a form for a record the user may read (the issued document) does nothing yet.
    "snn.document.reason.wizard": {"drafter", "drafter2", "head", "director", "clerk", "manager"},
    "snn.reason.wizard": {"drafter", "drafter2", "head", "director", "clerk", "manager"},
    "snn.paper.print": {"clerk", "manager"},
    "snn.register.print": {"clerk", "manager"},
    "snn.period.report": {"clerk", "manager"},
}
ALLOWED_UNLINKS = {
    ("snn.document", "draft"): {"drafter", "manager"},
    ("snn.document.recipient", "draft"): {"drafter", "manager"},
    ("snn.document.attachment", "draft"): {"drafter", "manager"},
    ("snn.document.type", "own"): {"manager"},
    ("snn.sign.bridge", "own"): {"manager"},
}


def suite_fields(model):
    """The stored (or inversible) fields of ``model`` that an SNN add-on defines."""
    return [
        field
        for name, field in model._fields.items()
        if set(field._modules) & set(SUITE)
        and name not in SKIPPED_FIELDS
        and (field.store or field.inverse)
    ]


@tagged("post_install", "-at_install")
class TestModelAccessMatrix(HttpCase, DocflowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        g = "snn_docflow.group_"
        cls._employee(cls.drafter).department_id = cls.unit_vp
        cls._employee(cls.drafter2).department_id = cls.unit_khtc
        cls._employee(cls.director)
        cls.company_b = env["res.company"].create({"name": "Sở Tài chính", "snn_org_code": "STC"})
        cls.manager_b = new_test_user(
            env,
            "t_manager_b",
            f"{g}manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.clerk_b = new_test_user(
            env,
            "t_clerk_b",
            f"{g}clerk",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.portal = new_test_user(env, "t_portal", "base.group_portal")
        cls.users = {role: getattr(cls, role) for role in ROLES}
        cls.api_keys = {
            role: env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(
                scope="rpc",
                name="matrix",
                expiration_date=datetime.datetime.now() + datetime.timedelta(days=1),
            )
            for role, user in cls.users.items()
            if not user.share
        }
        cls.world = cls._build_world()

    # ------------------------------------------------------------------ the world

    @classmethod
    def _build_world(cls):
        """{model: [(tag, record)]}: a record of each model of the suite to attack, made as the
        users make them where that is how they come to be, else as superuser."""
        env = cls.env
        draft = cls._make(cls.drafter, "Bản nháp của người soạn")
        approved = cls._make(cls.drafter, "Văn bản đã duyệt")
        issued = cls._make(cls.drafter, "Văn bản đã ban hành")
        world = {
            "snn.document": [("draft", draft), ("approved", approved), ("issued", issued)],
            "snn.document.type": [("own", env["snn.document.type"].create({"name": "Thông báo"}))],
            "snn.register": [("own", cls.register)],
            "res.company": [("own", cls.company), ("other", cls.company_b)],
            "res.users": [("director", cls.director)],
            "res.partner": [("outside", cls.partner)],
            "hr.department": [("unit", cls.unit_vp)],
        }
        if "snn.document.attachment" in env:
            Attachment = env["snn.document.attachment"].with_user(cls.drafter)
            for document in (draft, approved, issued):
                Attachment.create(
                    {
                        "document_id": document.id,
                        "name": "Phụ lục I",
                        "file": base64.b64encode(unique_pdf()),
                        "file_name": "phu-luc.pdf",
                    }
                )
        cls_walk = DocflowCase.walk
        cls_walk(cls, approved, "approved")
        cls_walk(cls, issued, "issued")
        for tag, document in world["snn.document"]:
            world.setdefault("snn.document.recipient", []).append((tag, document.recipient_ids[0]))
            if "snn.document.attachment" in env:
                world.setdefault("snn.document.attachment", []).append(
                    (tag, document.attachment_ids[0])
                )
            if document.approval_ids:
                world.setdefault("snn.approval", []).append((tag, document.approval_ids[-1]))
        # The rest (deliveries, signatures, incoming documents, wizards, …): one record each,
        # the one the chain made for these documents (the issue queues deliveries) or one
        # made as superuser from the required fields, attached to the issued document. Never
        # a record another test left in the database (Odoo's runner shares it).
        documents = draft | approved | issued
        for model_name in sorted(cls._suite_models()):
            if model_name not in world:
                Model = env[model_name].sudo()
                made = Model
                if "document_id" in Model._fields and model_name not in ORGANISATION_SETTINGS:
                    made = Model.search([("document_id", "in", documents.ids)], limit=1)
                made = made or cls._make_generic(model_name, issued)
                tag = "own" if model_name in ORGANISATION_SETTINGS else "made"
                world[model_name] = [(tag, made)]
        return world

    @classmethod
    def _make(cls, drafter, subject):
        return DocflowCase.make_draft(
            cls, drafter, subject=subject, file=base64.b64encode(unique_pdf())
        )

    @classmethod
    def _suite_models(cls):
        """Models an SNN add-on defines (abstract mixins and SQL views aside)."""
        names = set()
        for name in cls.env.registry:
            model = cls.env[name]
            if model._abstract or not model._auto or name in NOT_WRITABLE_BY_DESIGN:
                continue
            if model._original_module in SUITE:
                names.add(name)
        return names

    @classmethod
    def _make_generic(cls, model_name, document):
        Model = cls.env[model_name].sudo()
        vals = {}
        for name, field in Model._fields.items():
            # Required fields, and the document a wizard is for.
            linked = field.type == "many2one" and field.comodel_name == "snn.document"
            if not (field.required or linked) or name in SKIPPED_FIELDS or field.default:
                continue
            vals[name] = cls._sample_value(field, document)
        return Model.create(vals)

    @classmethod
    def _sample_value(cls, field, document, current=None):
        env = cls.env
        if field.type == "many2one":
            if field.comodel_name == "snn.document":
                return document.id
            if field.comodel_name == "snn.document.recipient":
                return document.recipient_ids[:1].id
            comodel = env[field.comodel_name].sudo()
            other = comodel.search([("id", "not in", current.ids if current else [])], limit=1)
            return other.id or False
        if field.type == "selection":
            values = [value for value, _label in field._description_selection(env)]
            others = [value for value in values if value != current]
            return others[0] if others else values[0]
        return {
            "char": "forged",
            "text": "forged",
            "html": "<p>forged</p>",
            "integer": 999,
            "float": 9.5,
            "monetary": 9.5,
            "boolean": not current,
            "date": "2020-01-01",
            "datetime": "2020-01-01 00:00:00",
            "binary": base64.b64encode(PDF_BYTES + b"%forged\n").decode(),
        }[field.type]

    # ------------------------------------------------------------------ the attack values

    def _attack_value(self, record, field):
        """A value that changes ``field`` of ``record``; the attack it stands for is the move
        to another parent for a Many2one (another document, another organisation's user)."""
        current = record.sudo()[field.name]
        if field.type == "many2one":
            others = self._other_records(field.comodel_name, current)
            return others[:1].id or False
        if field.type == "one2many":
            return [Command.clear()] if current else [Command.create({})]
        if field.type == "many2many":
            others = self._other_records(field.comodel_name, current)
            return [Command.set([] if current else others[:1].ids)]
        document = self.world["snn.document"][0][1]
        value = self._sample_value(field, document, current)
        return value

    def _other_records(self, model_name, current):
        same_model = [r for records in self.world.get(model_name, []) for r in records[1:]]
        candidates = [r for r in same_model if r != current]
        if candidates:
            return candidates[0]
        return self.env[model_name].sudo().search([("id", "not in", current.ids)], limit=1)

    def _snapshot(self, record, field):
        self.env.invalidate_all()
        value = record.sudo().with_context(active_test=False, bin_size=False)[field.name]
        return value.ids if hasattr(value, "ids") else value

    # ------------------------------------------------------------------ transport

    # The errors a model raises when it refuses; anything else (a key or session the server
    # did not take, a request it ignored) would make a refusal out of nothing.
    REFUSALS = frozenset(
        f"odoo.exceptions.{name}"
        for name in ("AccessError", "UserError", "ValidationError", "MissingError")
    )

    def json2(self, role, model, method, payload):
        """One call of Odoo 19's JSON-2 API as ``role`` (the web client's JSON-RPC for a portal
        user, who has no API key): None when it went through, else the refusal's message."""
        if role not in self.api_keys:
            return self._web_call(role, model, method, payload)
        # url_open: the test server answers only requests that carry the test's cookie; no
        # session cookie (another role's would be refused against this key).
        self._use_session(None)
        response = self.url_open(
            f"/json/2/{model}/{method}",
            json={"context": FORGED_CONTEXT, **payload},
            headers={"Authorization": f"Bearer {self.api_keys[role]}"},
            timeout=60,
        )
        if response.status_code == 200:
            return None
        body = response.json()
        self.assertIn(body.get("name"), self.REFUSALS, body)
        return body["message"]

    def _web_call(self, role, model, method, payload):
        if role not in self._sessions:
            user = self.users[role]
            self._sessions[role] = self.authenticate(user.login, self.password(user)).sid
        self._use_session(self._sessions[role])
        args = payload.get("args") or ([payload["ids"]] if "ids" in payload else [])
        if method == "write":
            args.append(payload["vals"])
        if method == "create":
            args.append(payload["vals_list"])
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": {"context": FORGED_CONTEXT},
                },
            },
            timeout=60,
        )
        body = response.json()
        if "error" not in body:
            return None
        self.assertIn(body["error"]["data"]["name"], self.REFUSALS, body["error"])
        return body["error"]["data"]["message"]

    def _use_session(self, sid):
        """The opener's web session: ``sid``'s, or none."""
        jar = self.opener.cookies
        for cookie in [c for c in jar if c.name == "session_id"]:
            jar.clear(cookie.domain, cookie.path, cookie.name)
        if sid:
            jar.set("session_id", sid, domain=HOST)

    @staticmethod
    def password(user):
        return user.login + "x" * (8 - len(user.login))  # as new_test_user sets it

    def setUp(self):
        super().setUp()
        self._sessions = {}

    # ------------------------------------------------------------------ the matrix

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

    @mute_logger("odoo.http")
    def test_no_file_slot_takes_a_planted_attachment(self):
        """Every file a record of the suite writes through itself (snn.record.files) refuses an
        ir.attachment put in its place, over RPC as each role and from the superuser's code."""
        slots = [
            (record, name)
            for model_name, records in sorted(self.world.items())
            if hasattr(self.env[model_name], "_guarded_file_fields")
            for _tag, record in records
            for name in sorted(self.env[model_name]._guarded_file_fields())
        ]
        self.assertTrue(slots)
        Attachment = self.env["ir.attachment"].sudo()
        for record, name in slots:
            domain = [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("res_field", "=", name),
            ]
            before = Attachment.search(domain).ids
            vals = {
                "name": "planted.pdf",
                "datas": base64.b64encode(unique_pdf()).decode(),
                "res_model": record._name,
                "res_id": record.id,
                "res_field": name,
            }
            for role in ("drafter", "clerk", "manager"):
                with self.subTest(model=record._name, field=name, role=role):
                    self.assertTrue(
                        self.json2(role, "ir.attachment", "create", {"vals_list": [vals]})
                    )
            with self.subTest(model=record._name, field=name, role="superuser"):
                with self.assertRaises(UserError):
                    Attachment.create(vals)
            for attachment in Attachment.browse(before):
                with self.subTest(model=record._name, field=name, op="overwrite"):
                    with self.assertRaises(UserError):
                        attachment.write({"raw": unique_pdf()})
                    with self.assertRaises(UserError):
                        attachment.unlink()
            self.assertEqual(Attachment.search(domain).ids, before)

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
