"""The demo's incoming side (tools/devenv/demo_services.py, demo_shell.py and
snn_sign_testkit.demo_incoming): the Department of Finance's letter is signed twice under the
demo CA, and the exchange stand-in as `make run` starts it puts that letter into the demo
company's mailbox, which only the demo's system reads, while documents the demo company sends
that agency are still answered by the stand-in itself. No Odoo."""

from __future__ import annotations

import json
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from devenv import demo_services
from devenv.demo_config import demo_data

from snn_edxml.edxml import parse_document, parse_status
from snn_edxml.exchange import ExchangeClient, ExchangeRefused
from snn_sign.verify import received_state, verify_pdf
from snn_sign_testkit import demo_incoming
from snn_sign_testkit.pki import make_ca

DEMO_ORGAN = demo_data()["dispatch"]["organ_id"]
SENDER_SYSTEM = demo_data()["incoming"]["sender_system_id"]


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    """(signed PDF, a demo CA's PEM, the message to the demo company): the CA as the demo's
    token bridge keeps it (certificate and key in PEM), demo_incoming issuing the agency's
    certificates from it."""
    ca_cert, ca_key = make_ca()
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    key_pem = ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pdf = demo_incoming.signed_agency_letter(ca_pem, key_pem)
    message = demo_incoming.agency_message(pdf, to=(DEMO_ORGAN, "Sở Nông nghiệp và PTNT"))
    return pdf, ca_pem, message


def test_the_agencys_letter_is_signed_by_its_official_then_sealed(letter):
    pdf, ca_pem, message = letter
    report = verify_pdf(pdf, [ca_pem])
    assert received_state(report) == "valid"
    assert [(s.signer_name, s.signer_org) for s in report.signatures] == [
        ("Hoàng Văn Tài", demo_incoming.AGENCY_NAME),
        (demo_incoming.AGENCY_NAME, demo_incoming.AGENCY_NAME),
    ]
    # Not trusted without the demo CA: the demo company's trust in it is what makes it valid.
    assert received_state(verify_pdf(pdf, [])) == "untrusted"
    parsed = parse_document(message)
    assert parsed.sender.organ_id == demo_incoming.AGENCY_ORGAN_ID
    assert [r.organ_id for r in parsed.recipients] == [DEMO_ORGAN]
    assert f"{parsed.code_number}/{parsed.code_notation}" == "125/STC-QLNS"
    assert parsed.files[0].data == pdf


@pytest.fixture
def demo_exchange(tmp_path, monkeypatch):
    """The stand-in started by devenv as `make run` starts it, its files under tmp_path."""
    exchange_dir = tmp_path / "exchange"
    monkeypatch.setattr(demo_services, "RUN", tmp_path)
    monkeypatch.setattr(demo_services, "EXCHANGE", exchange_dir)
    monkeypatch.setattr(demo_services, "EXCHANGE_PID", exchange_dir / "stand-in.pid")
    monkeypatch.setattr(demo_services, "EXCHANGE_INFO", exchange_dir / "stand-in.json")
    monkeypatch.setattr(demo_services, "EXCHANGE_LAUNCHER_LOG", exchange_dir / "stand-in.log")
    info = demo_services.ensure_demo_exchange(sys.executable)
    yield info
    demo_services.stop_demo_exchange()


def test_the_letter_reaches_the_demo_companys_mailbox_only(demo_exchange, letter):
    _pdf, _ca, message = letter
    secret = demo_services.EXCHANGE / "systems" / f"{SENDER_SYSTEM}.secret"
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    answer = demo_incoming.deliver(demo_exchange, message, as_system_id=SENDER_SYSTEM)
    assert answer["recipients"] == {DEMO_ORGAN: {"result": "accepted"}}
    ours = ExchangeClient.from_secret_file(
        demo_exchange["url"], demo_exchange["system_id"], demo_exchange["secret_file"]
    )
    assert [data for _id, data in ours.receive(DEMO_ORGAN)] == [message]
    # The sending agency's system reads no one's mailbox but its own (it has none here).
    theirs = ExchangeClient.from_secret_file(demo_exchange["url"], SENDER_SYSTEM, secret)
    with pytest.raises(ExchangeRefused):
        theirs.receive(DEMO_ORGAN)


def test_what_the_demo_sends_that_agency_is_still_answered_by_the_stand_in(demo_exchange):
    ours = ExchangeClient.from_secret_file(
        demo_exchange["url"], demo_exchange["system_id"], demo_exchange["secret_file"]
    )
    document_id = f"{DEMO_ORGAN},2019/02/18,218/SNN-VP"
    message = (  # what the stand-in reads of a document message
        '<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="http://www.mic.gov.vn/TBT/'
        'QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>'
        f"<From><OrganId>{DEMO_ORGAN}</OrganId></From>"
        f"<To><OrganId>{demo_incoming.AGENCY_ORGAN_ID}</OrganId></To>"
        f"<DocumentId>{document_id}</DocumentId>"
        "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"
    ).encode()
    results = ours.send(message)
    assert results[demo_incoming.AGENCY_ORGAN_ID].result == "accepted"
    statuses = [parse_status(data) for _id, data in ours.poll()]
    assert [(s.status_code, s.response_for) for s in statuses] == [("01", document_id)]


def test_a_running_stand_in_started_otherwise_is_restarted(demo_exchange):
    info = json.loads(demo_services.EXCHANGE_INFO.read_text())
    assert "--organ" in info["command"]
    info["command"] = info["command"][:4]  # as an earlier `make run` started it: no bindings
    demo_services.EXCHANGE_INFO.write_text(json.dumps(info))
    again = demo_services.ensure_demo_exchange(sys.executable)
    assert again["pid"] != demo_exchange["pid"]
    assert again["command"] == demo_services.exchange_command(sys.executable)
