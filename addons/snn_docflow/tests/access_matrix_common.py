"""The access matrix's world and transports, shared by its test files.

A record of each model of the installed SNN add-ons to attack (made as the users make them
where that is how they come to be), a value that changes each field, and the two ways a role
calls the server: Odoo's JSON-2 API with an API key, or the web client's JSON-RPC for a portal
user. The matrix itself is test_model_access_matrix.py; the file slots test_file_slots.py.
"""

import base64
import datetime

from odoo import Command
from odoo.models import MAGIC_COLUMNS
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import HOST

from ..models.snn_document_workflow import vietnam_today
from .common import PDF_BYTES, DocflowCase
from .test_chain_guards import FORGED_CONTEXT, unique_pdf

SUITE = (
    "snn_docflow",
    "snn_signing",
    "snn_dispatch",
    "snn_office",
    "snn_report",
    "snn_incoming",
    "snn_copies",
)
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
ORGANISATION_SETTINGS = {
    "snn.sign.bridge",
    "snn.csc.service",
    "snn.incoming.register",
    "snn.incoming.route",
    "snn.trust.certificate",
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


class AccessMatrixCase(HttpCase, DocflowCase):
    """Every role of the matrix with its API key, and the world of records to attack."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls._employee(cls.drafter).department_id = cls.unit_vp
        cls._employee(cls.drafter2).department_id = cls.unit_khtc
        cls._employee(cls.director)
        cls.company_b = env["res.company"].create({"name": "Sở Tài chính", "snn_org_code": "STC"})
        cls.manager_b = cls._user_of_company_b("manager")
        cls.clerk_b = cls._user_of_company_b("clerk")
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

    @classmethod
    def _user_of_company_b(cls, role):
        """A user of the other organisation only, with the snn_docflow role ``role``."""
        return new_test_user(
            cls.env,
            f"t_{role}_b",
            f"snn_docflow.group_{role}",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

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
            # Recorded by the director for a later absence: still changeable, by him or a
            # manager of the organisation only.
            "snn.delegation": [("own", cls._delegation())],
        }
        if "snn.incoming.document" in env:  # addressed to the organisation (its clerks)
            world["snn.incoming.document"] = [
                (
                    "made",
                    env["snn.incoming.document"].create(
                        {"company_id": cls.company.id, "subject": "Văn bản đến"}
                    ),
                )
            ]
        if "snn.incoming.route" in env:
            route = {"name": "Sở Tài chính", "department_id": cls.unit_vp.id}
            world["snn.incoming.route"] = [("own", env["snn.incoming.route"].create(route))]
        if "snn.trust.certificate" in env:  # the shipped set the organisation got at install
            shipped = env["snn.trust.certificate"].search(
                [("company_id", "=", cls.company.id), ("builtin", "=", True)], limit=1
            )
            world["snn.trust.certificate"] = [("own", shipped)]
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
        # Parents before the parts that need one (an incoming document before its assignments,
        # an electronic copy before its deliveries and its send dialog).
        parents_first = ("snn.incoming.document", "snn.document.copy")
        for model_name in sorted(cls._suite_models(), key=lambda n: (n not in parents_first, n)):
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
    def _delegation(cls):
        start = vietnam_today() + datetime.timedelta(days=30)
        return (
            cls.env["snn.delegation"]
            .with_user(cls.director)
            .create(
                {
                    "delegator_id": cls.director.id,
                    "delegate_id": cls.director2.id,
                    "date_from": start,
                    "date_to": start + datetime.timedelta(days=3),
                }
            )
        )

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
        if field.type == "char" and field.name.endswith("_url"):
            # An address a check would take (http on loopback, the discard port), so that a
            # refusal is the access rules' and not the value's.
            return "http://127.0.0.1:9/forged"
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
