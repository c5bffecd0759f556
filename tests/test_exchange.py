"""The document exchange client (snn_edxml.exchange) against the stand-in exchange
(snn_sign_testkit.demo_exchange) run as a real subprocess. No Odoo."""

from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest

from snn_edxml.exchange import ExchangeClient, ExchangeError, ExchangeRefused, ExchangeUnavailable
from snn_sign_testkit.demo_exchange import start_exchange

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
