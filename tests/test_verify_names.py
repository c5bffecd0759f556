"""The verifier names the signer, the signer's organisation and the issuing CA as a person reads
them ("Ký bởi Nguyễn Công Hàm (Sở …)", "chứng thư do … cấp"), not only as distinguished names."""

from __future__ import annotations

import datetime as dt
import json

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from helpers_sign import run_cli

from snn_sign.signing import sign_pdf
from snn_sign.stamp import stamp_pdf
from snn_sign.verify import SignatureReport, certificate_names, verify_pdf
from snn_sign_testkit.sample_letter import make_letter_pdf


def test_the_report_names_signer_organisation_and_issuer(bridge_signer, bridge, tmp_path):
    pki = bridge.pki
    stamped = stamp_pdf(make_letter_pdf(1), "05/SNN-VP", dt.date(2019, 2, 18))
    signed = sign_pdf(
        stamped,
        bridge_signer("signer"),
        appearance="signer",
        image_png=pki.signature_png.read_bytes(),
    )
    sealed = sign_pdf(
        signed, bridge_signer("seal"), appearance="seal", image_png=pki.seal_png.read_bytes()
    )
    report = verify_pdf(sealed, [pki.ca_cert.read_bytes()])
    assert report.ok, report.to_dict()
    signer, seal = report.signatures
    assert (signer.signer_name, signer.signer_org) == (pki.signer_name, pki.org_name)
    assert (seal.signer_name, seal.signer_org) == (pki.org_name, pki.org_name)
    ca_name = "SNN Demo CA (thử nghiệm, không dùng thật)"
    assert {signer.issuer_name, seal.issuer_name} == {ca_name}
    # `snn-sign verify --json` carries the names too, next to the keys it always had
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    r = run_cli("verify", path, "--trust", pki.ca_cert, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    first = json.loads(r.stdout)["signatures"][0]
    assert first["signer_name"] == pki.signer_name
    assert first["signer_org"] == pki.org_name
    assert first["issuer_name"] == ca_name
    assert pki.signer_name in first["signer_subject"] and ca_name in first["issuer"]


def _certificate(subject: list, issuer: list) -> asn1_x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject))
        .issuer_name(x509.Name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_an_issuer_without_common_name_is_named_by_its_organisation():
    org = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ")
    cert = _certificate([x509.NameAttribute(NameOID.COMMON_NAME, "Trần Văn Soạn")], [org, org])
    assert certificate_names(cert) == {
        "signer_name": "Trần Văn Soạn",
        "signer_org": "",
        "issuer_name": "Ban Cơ yếu Chính phủ",
    }


def test_reports_built_without_the_names_still_work():
    report = SignatureReport(
        field="SignerSignature",
        signer_subject="Common Name: A",
        serial="01",
        issuer="Common Name: CA",
        signing_time=None,
        intact=True,
        valid=True,
        trusted=True,
        modification_level="NONE",
        bottom_line=True,
    )
    assert report.ok
    assert (report.signer_name, report.signer_org, report.issuer_name) == ("", "", "")
