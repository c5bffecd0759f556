"""PAdES details a verifier or an auditor relies on: CMS attributes, the attachment look,
the Vietnam date across midnight UTC, and an RFC 3161 timestamp from a TSA over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import http.server
import io
import re
import threading

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from helpers_sign import (
    appearance_pdf,
    field_widgets,
    page_text,
    run_cli,
    sign_args,
    signer_args,
    stamp_args,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from snn_sign.signing import sign_pdf
from snn_sign.stamp import page_lines, stamp_pdf
from snn_sign.verify import verify_pdf
from snn_sign_testkit.sample_letter import PAGE_H, PAGE_W, make_letter_pdf

MM = 72 / 25.4


def _signer_attrs(pdf: bytes, index: int = 0):
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[index]
    attrs = {a["type"].native: a for a in sig.signer_info["signed_attrs"]}
    return sig, attrs


def test_cms_is_pades_sha256_with_signing_certificate_v2(bridge_signer, bridge):
    letter = stamp_pdf(make_letter_pdf(1), "05/SNN-VP", dt.date(2019, 2, 18))
    signed = sign_pdf(
        letter,
        bridge_signer("signer"),
        appearance="signer",
        image_png=bridge.pki.signature_png.read_bytes(),
    )
    sig, attrs = _signer_attrs(signed)
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.signer_info["digest_algorithm"]["algorithm"].native == "sha256"
    assert "signing_certificate_v2" in attrs
    assert "message_digest" in attrs and "content_type" in attrs
    assert "signing_time" not in attrs  # PAdES: the time is the dictionary's /M
    cert_hash = attrs["signing_certificate_v2"]["values"][0]["certs"][0]["cert_hash"].native
    assert cert_hash == sig.signer_cert.sha256


def test_attachment_signature_top_right_text_only(bridge, tmp_path):
    (tmp_path / "annex.pdf").write_bytes(make_letter_pdf(2))
    r = run_cli(
        *sign_args(
            bridge,
            "seal",
            "attachment",
            tmp_path / "annex.pdf",
            tmp_path / "annex-signed.pdf",
            "--code",
            "05/SNN-VP",
        )
    )
    assert r.returncode == 0, r.stderr
    signed = (tmp_path / "annex-signed.pdf").read_bytes()
    page_ix, (_x1, _y1, x2, y2) = field_widgets(signed)["AttachmentSignature"]
    assert page_ix == 0
    assert x2 > PAGE_W - 25 * MM and y2 > PAGE_H - 10 * MM  # top right corner
    look = appearance_pdf(signed, "AttachmentSignature")
    assert not re.search(rb"/Subtype\s*/Image", look)  # no image at all
    lines = page_lines(look, 0)
    assert lines[0].text == "05/SNN-VP"
    assert lines[1].text.endswith("+07:00")
    assert {ln.size for ln in lines} == {10.0}
    assert not any(ln.bold or ln.italic for ln in lines)  # upright
    assert b"LiberationSerif" in look  # Times New Roman metrics
    report = verify_pdf(signed, [bridge.pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    assert report.signatures[0].signing_time == lines[1].text


def test_2330_utc_is_the_next_day_in_vietnam_and_the_stamp_agrees(bridge_signer, bridge):
    moment = dt.datetime(2019, 2, 17, 23, 30, tzinfo=dt.timezone.utc)
    stamped = stamp_pdf(make_letter_pdf(1), "05/SNN-VP", moment)
    signed = sign_pdf(
        stamped,
        bridge_signer("signer"),
        appearance="signer",
        image_png=bridge.pki.signature_png.read_bytes(),
        signing_time=moment,
    )
    sealed = sign_pdf(
        signed,
        bridge_signer("seal"),
        appearance="seal",
        image_png=bridge.pki.seal_png.read_bytes(),
        signing_time=moment,
    )
    report = verify_pdf(sealed, [bridge.pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    times = {s.signing_time for s in report.signatures}
    assert times == {"2019-02-18T06:30:00+07:00"}
    assert "Tuyên Quang, ngày 18 tháng 02 năm 2019" in page_text(sealed).splitlines()
    # /M in the signature dictionary carries the Vietnam offset as well
    sig = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    assert str(sig.sig_object["/M"]).startswith("D:20190218063000+07")


def test_stamp_command_takes_a_utc_moment_as_the_vietnam_date(tmp_path):
    (tmp_path / "in.pdf").write_bytes(make_letter_pdf(1))
    r = run_cli(*stamp_args(tmp_path / "in.pdf", tmp_path / "out.pdf", date="2019-02-17T23:30:00Z"))
    assert r.returncode == 0, r.stderr
    assert (
        "Tuyên Quang, ngày 18 tháng 02 năm 2019"
        in page_text((tmp_path / "out.pdf").read_bytes()).splitlines()
    )


# ---------------------------------------------------------------- RFC 3161 over HTTP


@pytest.fixture(scope="module")
def tsa_url(pki):
    """A local RFC 3161 TSA over HTTP (pyHanko's DummyTimeStamper behind http.server)."""
    ca_cert, ca_key = pki.load_ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SNN test TSA")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            req = tsp.TimeStampReq.load(body)
            resp = asyncio.run(stamper.async_request_tsa_response(req)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(resp)))
            self.end_headers()
            self.wfile.write(resp)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()


def test_tsa_timestamp_is_embedded_and_verified(bridge, tsa_url, tmp_path):
    (tmp_path / "in.pdf").write_bytes(
        stamp_pdf(make_letter_pdf(1), "05/SNN-VP", dt.date(2019, 2, 18))
    )
    r = run_cli(*signer_args(bridge, tmp_path / "in.pdf", tmp_path / "out.pdf", "--tsa", tsa_url))
    assert r.returncode == 0, r.stderr
    signed = (tmp_path / "out.pdf").read_bytes()
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    unsigned = {a["type"].native for a in sig.signer_info["unsigned_attrs"]}
    assert "signature_time_stamp_token" in unsigned
    report = verify_pdf(signed, [bridge.pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    assert report.signatures[0].timestamped
