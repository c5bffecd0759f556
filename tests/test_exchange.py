"""The document exchange client (snn_edxml.exchange) against the stand-in exchange
(snn_sign_testkit.demo_exchange) run as a real subprocess. No Odoo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import sqlite3
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from snn_edxml import edxml
from snn_edxml.exchange import ExchangeClient, ExchangeError, ExchangeRefused, ExchangeUnavailable
from snn_sign_testkit.demo_exchange import StandIn, start_exchange

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
SENDER = "000.00.00.H53"
KNOWN = ["000.00.01.H53", "000.00.02.H53", "000.00.03.H53"]


def new_document_id() -> str:
    return f"{SENDER},2025/07/01,{uuid.uuid4().int % 10**6}/SNN-VP"


def message(document_id: str, *to: str) -> bytes:
    """A small edXML document message (only what the exchange looks at, plus a subject)."""
    recipients = "".join(f"<edXML:To><edXML:OrganId>{o}</edXML:OrganId></edXML:To>" for o in to)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}" xmlns:edXML="{NS}">'
        "<edXML:edXMLEnvelope><edXML:edXMLHeader><edXML:MessageHeader>"
        f"<edXML:From><edXML:OrganId>{SENDER}</edXML:OrganId></edXML:From>{recipients}"
        f"<edXML:DocumentId>{document_id}</edXML:DocumentId>"
        "<edXML:Subject>Về việc phòng chống hạn hán</edXML:Subject>"
        "</edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"
    ).encode()


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    running = start_exchange(tmp_path_factory.mktemp("exchange"), directory=KNOWN)
    yield running
    running.stop()


@pytest.fixture
def client(exchange):
    with ExchangeClient.from_secret_file(
        exchange.url, exchange.system_id, exchange.secret_file, timeout=1.0
    ) as c:
        yield c


def results(answer):
    return {organ: r.result for organ, r in answer.items()}


def test_send_accepted_and_recorded(client, exchange):
    document_id = new_document_id()
    answer = client.send(message(document_id, KNOWN[0], KNOWN[1]))
    assert results(answer) == {KNOWN[0]: "accepted", KNOWN[1]: "accepted"}
    (got,) = [m for m in exchange.received() if m["document_id"] == document_id]
    assert got["to"] == KNOWN[:2]
    assert got["from"] == SENDER
    assert got["system_id"] == exchange.system_id


def test_duplicate_on_resend_and_new_recipient_accepted(client):
    document_id = new_document_id()
    assert results(client.send(message(document_id, KNOWN[0]))) == {KNOWN[0]: "accepted"}
    again = client.send(message(document_id, KNOWN[0], KNOWN[2]))
    assert results(again) == {KNOWN[0]: "duplicate", KNOWN[2]: "accepted"}
    other = client.send(message(new_document_id(), KNOWN[0]))
    assert results(other) == {KNOWN[0]: "accepted"}


def test_unknown_recipient_refused_per_recipient(client):
    answer = client.send(message(new_document_id(), KNOWN[0], "000.99.99.Z99"))
    assert results(answer) == {KNOWN[0]: "accepted", "000.99.99.Z99": "refused"}
    assert answer["000.99.99.Z99"].reason == "unknown agency"


def test_refuse_recipient_mode(client, exchange):
    exchange.fail_next("refuse_recipient")
    document_id = new_document_id()
    assert results(client.send(message(document_id, KNOWN[1]))) == {KNOWN[1]: "refused"}
    # A refused recipient is not a delivery: sending again delivers it.
    assert results(client.send(message(document_id, KNOWN[1]))) == {KNOWN[1]: "accepted"}


def test_5xx_is_unavailable_then_recovers(client, exchange):
    exchange.fail_next("5xx")
    document_id = new_document_id()
    with pytest.raises(ExchangeUnavailable, match="503"):
        client.send(message(document_id, KNOWN[0]))
    assert results(client.send(message(document_id, KNOWN[0]))) == {KNOWN[0]: "accepted"}


def test_5xx_on_poll(client, exchange):
    exchange.fail_next("5xx", path="/v1/statuses")
    with pytest.raises(ExchangeUnavailable):
        client.poll()


def test_timeout_is_unavailable_within_the_client_timeout(client, exchange):
    exchange.fail_next("timeout")
    start = time.monotonic()
    with pytest.raises(ExchangeUnavailable) as caught:
        client.send(message(new_document_id(), KNOWN[0]))
    assert time.monotonic() - start < 3.0
    assert "không trả lời kịp" in str(caught.value)
    assert "did not answer in time" in str(caught.value)


def test_whole_message_refused(client, exchange):
    exchange.fail_next("refuse")
    with pytest.raises(ExchangeRefused) as caught:
        client.send(message(new_document_id(), KNOWN[0]))
    assert caught.value.status == 422
    no_id = message("", KNOWN[0])
    with pytest.raises(ExchangeRefused, match="DocumentId") as caught:
        client.send(no_id)
    assert caught.value.status == 422
    with pytest.raises(ExchangeRefused) as caught:
        client.send(b"not xml at all")
    assert caught.value.status == 400


def test_bad_secret_refused_without_showing_it(exchange):
    wrong = b"wrong-secret-" + uuid.uuid4().hex.encode()
    client = ExchangeClient(exchange.url, exchange.system_id, wrong, timeout=1.0)
    with pytest.raises(ExchangeRefused) as caught:
        client.send(message(new_document_id(), KNOWN[0]))
    assert caught.value.status == 401
    text = str(caught.value)
    assert wrong.decode() not in text
    assert exchange.secret.decode() not in text
    assert exchange.secret.decode() not in exchange.log_text()
    assert "wrong-secret" not in repr(client)


def test_unreachable_is_unavailable(exchange):
    client = ExchangeClient("http://127.0.0.1:9", exchange.system_id, b"x" * 32, timeout=1.0)
    with pytest.raises(ExchangeUnavailable):
        client.poll()


def status_of(edxml: bytes) -> dict:
    header = ET.fromstring(edxml).find(f".//{{{NS}}}MessageHeader")
    return {
        "from": header.findtext(f"{{{NS}}}From/{{{NS}}}OrganId"),
        "document_id": header.findtext(f"{{{NS}}}ResponseFor/{{{NS}}}DocumentId"),
        "code": header.findtext(f"{{{NS}}}StatusCode"),
    }


def test_poll_and_ack_arrived_status(client, exchange):
    for status_id, _ in client.poll(limit=1000):  # other tests' statuses out of the way
        client.ack([status_id])
    document_id = new_document_id()
    client.send(message(document_id, KNOWN[2]))
    client.send(message(document_id, KNOWN[2]))  # duplicate: no second status
    first = client.poll()
    assert [status_of(x) for _, x in first] == [
        {"from": KNOWN[2], "document_id": document_id, "code": "01"}
    ]
    assert client.poll() == first  # at least once: again until acked
    client.ack([first[0][0]])
    assert client.poll() == []
    assert first[0][0] in exchange.statuses_acked()
    queued = exchange.post_status(first[0][1])
    assert [status_id for status_id, _ in client.poll()] == [queued]
    client.ack([queued])


def test_dedup_survives_restart(tmp_path):
    document_id = new_document_id()
    running = start_exchange(tmp_path)
    try:
        client = ExchangeClient.from_secret_file(
            running.url, running.system_id, running.secret_file
        )
        assert results(client.send(message(document_id, KNOWN[0]))) == {KNOWN[0]: "accepted"}
    finally:
        running.stop()
    running = start_exchange(tmp_path)
    try:
        client = ExchangeClient.from_secret_file(
            running.url, running.system_id, running.secret_file
        )
        assert results(client.send(message(document_id, KNOWN[0]))) == {KNOWN[0]: "duplicate"}
        assert len(running.received()) == 2
    finally:
        running.stop()


def test_secret_file_checks(tmp_path):
    path = tmp_path / "lgsp.secret"
    with pytest.raises(ExchangeError, match=r" / .*Cannot read"):
        ExchangeClient.from_secret_file("http://127.0.0.1:1", "s", path)
    path.write_bytes(b"  \n")
    path.chmod(0o600)
    with pytest.raises(ExchangeError, match=r"trống\. / .*empty"):
        ExchangeClient.from_secret_file("http://127.0.0.1:1", "s", path)
    path.write_bytes(b"s3cr3t-value\n")
    path.chmod(0o640)
    with pytest.raises(ExchangeError, match=r"chmod 600\. / .*chmod 600") as caught:
        ExchangeClient.from_secret_file("http://127.0.0.1:1", "s", path)
    assert "s3cr3t" not in str(caught.value)
    path.chmod(0o600)
    assert (
        ExchangeClient.from_secret_file("http://127.0.0.1:1", "s", path)._secret == b"s3cr3t-value"
    )


def test_errors_are_bilingual(client, exchange):
    exchange.fail_next("5xx")
    with pytest.raises(ExchangeUnavailable) as caught:
        client.send(message(new_document_id(), KNOWN[0]))
    error = caught.value
    assert " / " in str(error)
    assert "Sàn liên thông" in error.vi
    assert "document exchange" in error.en
    assert isinstance(error, ExchangeError)


def test_one_client_many_threads_one_delivery(client):
    document_id = new_document_id()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.send(message(document_id, KNOWN[1])), range(8)))
    assert sorted(a[KNOWN[1]].result for a in answers) == ["accepted"] + ["duplicate"] * 7


# --------------------------------------------------------------------------- receiving
# Two systems (two departments' Odoo), each bound to its agency code, and an outside agency's
# system bound to none; UNBOUND is a recipient that no system serves (reached another way).

ORGAN_A, ORGAN_B, OUTSIDE_ORGAN = "000.00.11.H53", "000.00.12.H53", "000.00.00.H53"
UNBOUND = KNOWN[0]
SYSTEM_A, SYSTEM_B, OUTSIDE = "odoo-a", "odoo-b", "agency-x"
PDF = b"%PDF-1.7\n\x00\xff signed bytes \x80\n%%EOF\n"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    keys = {name: secrets.token_hex(32).encode() for name in (SYSTEM_A, SYSTEM_B, OUTSIDE)}
    running = start_exchange(
        tmp_path_factory.mktemp("exchange-pair"),
        systems=keys,
        directory=[ORGAN_A, ORGAN_B, UNBOUND],
        organs={SYSTEM_A: [ORGAN_A], SYSTEM_B: [ORGAN_B]},
    )
    clients = {
        name: ExchangeClient(running.url, name, key, timeout=5.0) for name, key in keys.items()
    }
    yield running, clients
    for c in clients.values():
        c.close()
    running.stop()


@pytest.fixture
def a_b(pair):
    """Clients of A, B and the outside agency, with nothing pending for any of them."""
    running, clients = pair
    for organ, name in ((ORGAN_A, SYSTEM_A), (ORGAN_B, SYSTEM_B)):
        clients[name].ack_documents(organ, [i for i, _ in clients[name].receive(organ, 1000)])
    for c in clients.values():
        c.ack([i for i, _ in c.poll(1000)])
    return running, clients[SYSTEM_A], clients[SYSTEM_B], clients[OUTSIDE]


def document(sender: str, *to: str, **changes) -> edxml.EdxmlDocument:
    doc = edxml.EdxmlDocument(
        sender=edxml.Organ(sender, f"Cơ quan {sender}"),
        recipients=[edxml.Organ(organ, f"Cơ quan {organ}") for organ in to],
        code_number=str(uuid.uuid4().int % 10**6),
        code_notation="SNN-VP",
        place="Tuyên Quang",
        promulgation_date=dt.date(2025, 7, 1),
        document_type="1",
        type_name="Công văn",
        subject="V/v phòng chống hạn hán",
        signer_competence="KT. GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_full_name="Nguyễn Văn Đức",
        files=[edxml.EdxmlFile("cv.pdf", "application/pdf", PDF)],
    )
    return dataclasses.replace(doc, **changes)


def status(organ: str, document_id: str, code: str = "01") -> bytes:
    return edxml.build_status(
        edxml.EdxmlStatus(edxml.Organ(organ, f"Cơ quan {organ}"), document_id, code)
    )


def test_receive_is_byte_exact_at_least_once_and_acked(a_b):
    _running, a, b, _outside = a_b
    sent = edxml.build_document(document(ORGAN_A, ORGAN_B, UNBOUND))
    assert results(a.send(sent)) == {ORGAN_B: "accepted", UNBOUND: "accepted"}
    first = b.receive(ORGAN_B)
    assert [data for _, data in first] == [sent]  # byte for byte as A posted it
    assert b.receive(ORGAN_B) == first  # not acked: the same message again
    assert a.receive(ORGAN_A) == []  # the sender's own mailbox has nothing
    b.ack_documents(ORGAN_B, [first[0][0]])
    assert b.receive(ORGAN_B) == []
    # A second sending of the same message (after a timeout, say) is no second delivery.
    assert results(a.send(sent)) == {ORGAN_B: "duplicate", UNBOUND: "duplicate"}
    assert b.receive(ORGAN_B) == []
    # A recall keeps the DocumentId and is a message of its own, received like any other.
    recall = edxml.parse_document(sent)
    recall = dataclasses.replace(recall, business_doc_type=1, business_reason="Sai", files=[])
    recall_bytes = edxml.build_document(recall)
    assert results(a.send(recall_bytes)) == {ORGAN_B: "accepted", UNBOUND: "accepted"}
    assert [data for _, data in b.receive(ORGAN_B)] == [recall_bytes]


def test_receive_oldest_first_and_limit(a_b):
    _running, a, b, _outside = a_b
    sent = [edxml.build_document(document(ORGAN_A, ORGAN_B)) for _ in range(3)]
    for data in sent:
        a.send(data)
    assert [data for _, data in b.receive(ORGAN_B, limit=2)] == sent[:2]
    assert [data for _, data in b.receive(ORGAN_B)] == sent


def test_another_agencys_mailbox_is_refused(a_b):
    _running, a, b, _outside = a_b
    to_a = edxml.build_document(document(ORGAN_B, ORGAN_A))
    assert results(b.send(to_a)) == {ORGAN_A: "accepted"}
    [(message_id, _)] = a.receive(ORGAN_A)
    for organ in (ORGAN_A, UNBOUND):  # A's mailbox, and one that no system serves
        with pytest.raises(ExchangeRefused) as caught:
            b.receive(organ)
        assert caught.value.status == 403
        assert "không phục vụ" in caught.value.vi and "does not serve" in caught.value.en
    with pytest.raises(ExchangeRefused) as caught:
        b.ack_documents(ORGAN_A, [message_id])
    assert caught.value.status == 403
    # Still pending for A: B's ack did nothing.
    assert [i for i, _ in a.receive(ORGAN_A)] == [message_id]


def test_a_bound_system_speaks_only_for_its_agencies(a_b):
    running, _a, b, _outside = a_b
    forged = document(ORGAN_A, ORGAN_B)  # B posing as A
    with pytest.raises(ExchangeRefused) as caught:
        b.send(edxml.build_document(forged))
    assert caught.value.status == 403
    assert forged.document_id not in [m["document_id"] for m in running.received()]
    assert b.receive(ORGAN_B) == []


def test_receivers_status_reaches_the_sender(a_b):
    running, a, b, _outside = a_b
    doc = document(ORGAN_A, ORGAN_B, UNBOUND)
    a.send(edxml.build_document(doc))
    # The exchange's own 01 only for the recipient no system serves; B sends its own.
    arrived = [edxml.parse_status(x) for _, x in a.poll()]
    assert [(s.sender.organ_id, s.status_code) for s in arrived] == [(UNBOUND, "01")]
    a.ack([i for i, _ in a.poll()])
    [(_, data)] = b.receive(ORGAN_B)
    received = edxml.parse_document(data)
    status_id = b.send_status(status(ORGAN_B, received.received_document_id))
    [(polled_id, polled)] = a.poll()
    assert polled_id == status_id
    got = edxml.parse_status(polled)
    assert (got.sender.organ_id, got.status_code) == (ORGAN_B, "01")
    assert got.response_for == doc.document_id and got.response_for_organ == ORGAN_A
    assert b.poll() == []  # not to the receiver itself
    [sent] = running.statuses_for(SYSTEM_B)[-1:]
    assert (sent["id"], sent["to_system_id"], sent["acked_at"]) == (status_id, SYSTEM_A, None)
    assert edxml.parse_status(sent["edxml"]).status_code == "01"
    a.ack([status_id])
    assert running.statuses_for(SYSTEM_B)[-1]["acked_at"]
    assert running.statuses_for(SYSTEM_A) == []


def test_status_refusals(a_b):
    running, a, b, _outside = a_b
    doc = document(ORGAN_A, ORGAN_B)
    a.send(edxml.build_document(doc))
    only_unbound = document(ORGAN_A, UNBOUND)
    a.send(edxml.build_document(only_unbound))
    a.ack([i for i, _ in a.poll()])
    before = len(running.statuses_for(SYSTEM_B))
    cases = [
        (status(ORGAN_B, f"{ORGAN_A},2025/07/01,999999999/NEVER"), 422),  # never carried
        (status(ORGAN_B, only_unbound.document_id), 422),  # carried, but not to B
        (status(ORGAN_A, doc.document_id), 403),  # B speaking for A
        (edxml.build_document(document(ORGAN_B, ORGAN_A)), 422),  # a document, not a status
        (b"not xml at all", 400),
    ]
    for body, code in cases:
        with pytest.raises(ExchangeRefused) as caught:
            b.send_status(body)
        assert caught.value.status == code, body[:80]
    assert a.poll() == []
    assert len(running.statuses_for(SYSTEM_B)) == before


def test_deliver_as_an_outside_agency_routes_statuses_back_to_it(a_b):
    running, _a, b, outside = a_b
    doc = document(OUTSIDE_ORGAN, ORGAN_B)
    data = edxml.build_document(doc)
    answer = running.deliver(data, as_system_id=OUTSIDE)
    assert answer["recipients"] == {ORGAN_B: {"result": "accepted"}}
    [(message_id, received)] = b.receive(ORGAN_B)
    assert (message_id, received) == (answer["message_id"], data)
    (record,) = [m for m in running.received() if m["message_id"] == message_id]
    assert record["system_id"] == OUTSIDE
    status_id = b.send_status(status(ORGAN_B, doc.document_id, "03"))
    assert [(i, edxml.parse_status(x).status_code) for i, x in outside.poll()] == [
        (status_id, "03")
    ]
    assert running.deliver(data, as_system_id=OUTSIDE)["recipients"][ORGAN_B] == {
        "result": "duplicate"
    }
    with pytest.raises(requests.HTTPError):
        running.deliver(data, as_system_id="nobody")


def test_bindings_are_checked_and_an_old_store_is_upgraded(tmp_path):
    key = secrets.token_hex(32).encode()
    with pytest.raises(ValueError, match="two systems"):
        StandIn(
            tmp_path / "a.sqlite3", {"a": key, "b": key}, organs={"a": [ORGAN_A], "b": [ORGAN_A]}
        )
    with pytest.raises(ValueError, match="unknown system"):
        StandIn(tmp_path / "b.sqlite3", {"a": key}, organs={"c": [ORGAN_A]})
    # The demo keeps its store between runs: one from before receiving gains its new parts.
    old = sqlite3.connect(tmp_path / "old.sqlite3")
    old.executescript(
        "CREATE TABLE statuses (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE,"
        " system_id TEXT, edxml BLOB, queued_at TEXT, acked_at TEXT);"
    )
    old.close()
    stand_in = StandIn(tmp_path / "old.sqlite3", {"a": key}, organs={"a": [ORGAN_A]})
    columns = {row[1] for row in stand_in.db.execute("PRAGMA table_info(statuses)")}
    assert "from_system" in columns
    assert stand_in.db.execute("SELECT count(*) FROM mailbox").fetchone() == (0,)


@pytest.mark.parametrize(
    ("binding", "said"),
    [("bad", "expected SYSTEM_ID=ORGAN_ID"), (f"nobody={ORGAN_A}", "unknown system 'nobody'")],
)
def test_command_line_bindings_are_checked(tmp_path, binding, said):
    run = subprocess.run(
        [sys.executable, "-m", "snn_sign_testkit.demo_exchange", str(tmp_path), "--organ", binding],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 2 and said in run.stderr and run.stdout == ""
