"""Two departments of a province, each on its own Odoo database, through the exchange.

Sở Nông nghiệp (A) issues a letter to Sở Xây dựng (B) on the exchange; B receives it, checks
its signatures, registers, assigns, handles and replies; A sees the statuses 01 → 03 → 04 → 05
→ 06 on its delivery and receives B's reply linked to its letter. Everything is real but the
exchange: a local stand-in (snn_sign_testkit.demo_exchange), since the provincial one cannot be
reached from here. Both organisations sign with the keys of the one test token (its director's
and its seal's certificates, of the test CA both trust): this test is about the exchange and
the steps on both sides, not about whose key signs.

`make test` makes the two databases as copies of the freshly installed one (tools/devenv,
SNN_TEST_PEER_DATABASES) and drops them after the run. A pytest test, not an Odoo TestCase:
each organisation commits in its own database, as two servers would; Odoo's own runner has
one database only and does not run it (it imports nothing from here).
"""

import base64
import contextlib
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from unittest.mock import patch

import pytest

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests.common import new_test_user
from odoo.tools import config

from odoo.addons.snn_signing.models.secret_file import OPTION
from odoo.addons.snn_signing.tests.common import (
    BRIDGE_SECRET,
    bridge_values,
    company_signing_values,
    demo_pki,
    director_signing_values,
    put_secret,
)

from snn_edxml.edxml import parse_status
from snn_sign_testkit.demo_bridge import start_bridge
from snn_sign_testkit.demo_exchange import start_exchange
from snn_sign_testkit.sample_letter import make_letter_pdf

PEERS_ENV = "SNN_TEST_PEER_DATABASES"
ORGANS = {"a": "000.00.11.H53", "b": "000.00.13.H53"}
NAMES = {"a": "Sở Nông nghiệp và PTNT", "b": "Sở Xây dựng"}
SYSTEMS = {"a": "sys-snn", "b": "sys-sxd"}
EXCHANGE_SECRET = "exchange.secret"


class Org:
    """One organisation: its database, its secrets directory, its people (ids)."""

    def __init__(self, key, dbname, workdir):
        self.key, self.dbname = key, dbname
        # Loading a registry runs a module's at_install tests when tests are enabled: not here.
        with patch.dict(config.options.maps[0], {"test_enable": False}):
            self.registry = Registry(dbname)
        self.secrets_dir = workdir / f"secrets-{key}"
        self.secrets_dir.mkdir(mode=0o700)
        self.users = {}

    @contextlib.contextmanager
    def env(self):
        """A committed transaction of this organisation's server (its own secrets dir)."""
        with (
            patch.dict(config.options.maps[0], {OPTION: str(self.secrets_dir)}),
            self.registry.cursor() as cr,
        ):
            yield api.Environment(cr, SUPERUSER_ID, {"tz": "Asia/Ho_Chi_Minh"})

    def user(self, env, role):
        return env["res.users"].browse(self.users[role])


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="snn-two-databases-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def orgs(workdir):
    names = [n for n in os.environ.get(PEERS_ENV, "").split(",") if n]
    if len(names) != 2:
        pytest.fail(f"{PEERS_ENV} names no two databases: run this test through `make test`")
    return {"a": Org("a", names[0], workdir), "b": Org("b", names[1], workdir)}


def set_up(org, env, exchange, bridge, secret_file):
    """The organisation's settings, units, people, registers and the other agency."""
    pki = demo_pki()
    company = env.company
    put_secret(org.secrets_dir, company, EXCHANGE_SECRET, secret_file)
    put_secret(org.secrets_dir, company, BRIDGE_SECRET, bridge.secret_file)
    bridge_record = env["snn.sign.bridge"].create(bridge_values(bridge))
    company.write(
        {
            "name": NAMES[org.key],
            "snn_org_code": "SNN" if org.key == "a" else "SXD",
            "snn_organ_id": ORGANS[org.key],
            "snn_exchange_url": exchange.url,
            "snn_exchange_system_id": SYSTEMS[org.key],
            "snn_exchange_secret_file": EXCHANGE_SECRET,
            **company_signing_values(bridge_record, pki),
        }
    )
    g = "snn_docflow.group_"
    roles = {
        "drafter": f"{g}drafter",
        "head": f"{g}head,{g}drafter",
        "director": f"{g}director",
        "clerk": f"{g}clerk",
    }
    for role, groups in roles.items():
        # Both directors sign with the one test token's key, issued to its holder's name.
        name = pki.signer_name if role == "director" else f"{role} {org.key}"
        user = new_test_user(env, f"{org.key}_{role}", groups, name=name)
        org.users[role] = user.id
    employees = {
        role: env["hr.employee"].create({"name": role, "user_id": org.users[role]})
        for role in ("drafter", "head")
    }
    unit = env["hr.department"].create(
        {"name": "Văn phòng", "snn_code": "VP", "manager_id": employees["head"].id}
    )
    employees["drafter"].department_id = unit
    employees["head"].department_id = unit
    org.unit_id = unit.id
    register = env["snn.register"].create({"name": "Sổ văn bản đi"})
    org.type_id = (
        env["snn.document.type"].create({"name": "Công văn", "register_id": register.id}).id
    )
    org.user(env, "director").write(director_signing_values(bridge_record, pki))
    other = "b" if org.key == "a" else "a"
    org.partner_id = (
        env["res.partner"]
        .create({"name": NAMES[other], "is_company": True, "snn_organ_id": ORGANS[other]})
        .id
    )


def issue(org, env, subject, file_pdf):
    """A letter to the other organisation, drafted, reviewed, approved and issued."""
    document = (
        env["snn.document"]
        .with_user(org.user(env, "drafter"))
        .create(
            {
                "subject": subject,
                "document_type_id": org.type_id,
                "department_id": org.unit_id,
                "signer_id": org.users["director"],
                "signer_authority": "KT. GIÁM ĐỐC",
                "signer_position": "PHÓ GIÁM ĐỐC",
                "file": base64.b64encode(file_pdf + f"%{secrets.token_hex(4)}\n".encode()),
                "file_name": "letter.pdf",
                "recipient_ids": [Command.create({"partner_id": org.partner_id})],
            }
        )
    )
    return steps_to_issue(org, env, document)


def steps_to_issue(org, env, document):
    document.with_user(org.user(env, "drafter")).action_submit()
    document.with_user(org.user(env, "head")).action_forward()
    document.with_user(org.user(env, "director")).action_approve()
    document.with_user(org.user(env, "clerk")).action_issue()
    return document


def run_crons(org):
    """What the organisation's scheduled actions do: receive, then deliver (and poll)."""
    with org.env() as env:
        env["snn.incoming.document"]._cron_receive()
    with org.env() as env:
        env["snn.delivery"]._cron_dispatch()


def delivery_codes(org, document_id):
    with org.env() as env:
        delivery = env["snn.document"].browse(document_id).delivery_ids
        return delivery.state, delivery.event_ids.sorted("id").mapped("status_code")


def test_issue_receive_handle_reply_between_two_databases(orgs, workdir):
    a, b = orgs["a"], orgs["b"]
    (workdir / "bridge").mkdir()
    bridge = start_bridge(workdir / "bridge", demo_pki())
    secret_b = secrets.token_hex(16).encode()
    exchange = start_exchange(
        workdir / "exchange",
        system_id=SYSTEMS["a"],
        systems={SYSTEMS["b"]: secret_b},
        organs={SYSTEMS["a"]: [ORGANS["a"]], SYSTEMS["b"]: [ORGANS["b"]]},
    )
    secret_file_b = workdir / "b.secret"
    secret_file_b.write_bytes(secret_b)
    letter = make_letter_pdf()
    try:
        with a.env() as env:
            set_up(a, env, exchange, bridge, exchange.secret_file)
        with b.env() as env:
            set_up(b, env, exchange, bridge, secret_file_b)
        with a.env() as env:
            original = issue(a, env, "V/v phối hợp kiểm tra công trình thủy lợi", letter)
            original_id, original_code = original.id, original.code
        run_crons(a)  # A sends
        run_crons(b)  # B receives, verifies, says 01

        with b.env() as env:
            incoming = env["snn.incoming.document"].search([("source", "=", "exchange")])
            assert incoming.code == original_code
            assert incoming.sender_organ_id == ORGANS["a"]
            assert incoming.signature_state == "valid", incoming.signature_verdict
            incoming.with_user(b.user(env, "clerk")).action_register()
            incoming.with_user(b.user(env, "director")).action_assign(
                "Văn phòng tham mưu trả lời.",
                False,
                [{"department_id": b.unit_id, "role": "main"}],
            )
            incoming_id = incoming.id
        run_crons(b)  # 03, 04 out
        with b.env() as env:
            incoming = env["snn.incoming.document"].browse(incoming_id)
            incoming.with_user(b.user(env, "head")).action_process()
            reply = incoming.with_user(b.user(env, "drafter")).action_reply()
            reply.with_user(b.user(env, "drafter")).write(
                {
                    "department_id": b.unit_id,
                    "document_type_id": b.type_id,
                    "signer_id": b.users["director"],
                    "signer_authority": "KT. GIÁM ĐỐC",
                    "signer_position": "PHÓ GIÁM ĐỐC",
                    "file": base64.b64encode(letter + b"%reply\n"),
                    "file_name": "reply.pdf",
                }
            )
            steps_to_issue(b, env, reply)
            assert incoming.state == "done"
            reply_code = reply.code
        run_crons(b)  # 05, 06 and the reply out
        run_crons(a)  # A polls the statuses and receives the reply

        state, codes = delivery_codes(a, original_id)
        assert state == "done", codes
        # 05 after 04: the same state (processing), still a step in A's history.
        assert [c for c in codes if c] == ["01", "03", "04", "05", "06"]
        sent_by_b = [
            parse_status(s["edxml"]).status_code for s in exchange.statuses_for(SYSTEMS["b"])
        ]
        assert sent_by_b == ["01", "03", "04", "05", "06"]
        with a.env() as env:
            answer = env["snn.incoming.document"].search([("source", "=", "exchange")])
            assert answer.code == reply_code
            assert answer.answers_id.id == original_id
            assert answer.signature_state == "valid", answer.signature_verdict
    finally:
        exchange.stop()
        bridge.stop()
