"""The clerk's chain through the real commands and the real bridge (SoftHSM2 token):
stamp number and date, signer signature, seal signature; checked by snn-sign verify and by
poppler's pdfsig, an implementation that shares no code with pyHanko."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from helpers_chain import ca_pair, leaf_signer
from helpers_sign import (
    appearance_text,
    count_pixels,
    field_widgets,
    page_text,
    pdfsig,
    render_page,
    run_cli,
    sign_args,
    signer_args,
    stamp_args,
)

from snn_sign.cli import sign_cli
from snn_sign.signing import sign_pdf
from snn_sign.stamp import page_lines, stamp_pdf
from snn_sign_testkit.sample_letter import SIGNER_NAME, SIGNER_TITLE, make_letter_pdf


@dataclass
class Flow:
    pages: int
    dir: Path
    letter: bytes
    stamped: bytes
    signed: bytes
    sealed: bytes
    sealed_path: Path
    ca: Path


@pytest.fixture(scope="module", params=[1, 50], ids=["1-page", "50-page"])
def flow(request, bridge, tmp_path_factory) -> Flow:
    pages = request.param
    d = tmp_path_factory.mktemp(f"flow{pages}")
    (d / "letter.pdf").write_bytes(make_letter_pdf(pages))
    r = run_cli(*stamp_args(d / "letter.pdf", d / "stamped.pdf"))
    assert r.returncode == 0, r.stderr
    r = run_cli(*signer_args(bridge, d / "stamped.pdf", d / "signed.pdf"))
    assert r.returncode == 0, r.stderr
    r = run_cli(
        *sign_args(
            bridge,
            "seal",
            "seal",
            d / "signed.pdf",
            d / "sealed.pdf",
            "--image",
            bridge.pki.seal_png,
        )
    )
    assert r.returncode == 0, r.stderr
    return Flow(
        pages,
        d,
        *(
            (d / name).read_bytes()
            for name in ("letter.pdf", "stamped.pdf", "signed.pdf", "sealed.pdf")
        ),
        d / "sealed.pdf",
        bridge.pki.ca_cert,
    )


def test_stamped_text_reads_back_exactly(flow):
    text = page_text(flow.sealed)
    assert "Số: 05/SNN-VP" in text.splitlines()
    assert "Tuyên Quang, ngày 18 tháng 02 năm 2019" in text.splitlines()


def test_every_version_is_a_byte_prefix_of_the_final_file(flow):
    assert flow.sealed.startswith(flow.signed)
    assert flow.signed.startswith(flow.stamped)
    assert flow.stamped.startswith(flow.letter)
    assert len(flow.letter) < len(flow.stamped) < len(flow.signed) < len(flow.sealed)


def test_snn_sign_verify_accepts_both_signatures(flow):
    r = run_cli("verify", flow.sealed_path, "--trust", flow.ca, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True
    sigs = report["signatures"]
    assert [s["field"] for s in sigs] == ["SignerSignature", "SealSignature"]
    assert SIGNER_NAME in sigs[0]["signer_subject"]
    assert "Sở Nông nghiệp và PTNT Tuyên Quang" in sigs[1]["signer_subject"]
    for s in sigs:
        assert s["intact"] and s["valid"] and s["trusted"] and s["bottom_line"]
        assert s["signing_time"].endswith("+07:00")
        assert "SNN Demo CA" in s["issuer"]
    # the signer's signature was followed only by a form-filling update (the seal)
    assert sigs[0]["modification_level"] == "FORM_FILLING"


def test_verify_without_the_trust_root_fails(flow):
    r = run_cli("verify", flow.sealed_path)
    assert r.returncode != 0
    assert "trusted CA" in r.stdout


def test_pdfsig_reports_every_signature_valid(flow):
    r = pdfsig(flow.sealed_path)
    # -nocert skips the chain (our test CA is unknown to NSS); the signature itself must hold
    assert r.stdout.count("Signature Validation: Signature is Valid.") == 2, r.stdout + r.stderr
    assert "ETSI.CAdES.detached" in r.stdout
    assert "SHA-256" in r.stdout
    assert r.stdout.count("Total document signed") == 1  # the last one covers everything
    # Without -nocert pdfsig also checks the chain against NSS's store, which does not know our
    # test CA: it must say so (trust is snn-sign verify's job, with --trust).
    chained = pdfsig(flow.sealed_path, nocert=False).stdout
    assert chained.count("Signature is Valid.") == 2
    assert chained.count("Certificate issuer isn't Trusted.") == 2


def test_signer_image_sits_between_title_and_name(flow):
    widgets = field_widgets(flow.sealed)
    page_ix, (x1, y1, x2, y2) = widgets["SignerSignature"]
    assert page_ix == flow.pages - 1  # the signer block is on the last page
    lines = page_lines(flow.sealed, page_ix)
    name = next(ln for ln in lines if ln.text == SIGNER_NAME)
    title = next(ln for ln in lines if ln.text == SIGNER_TITLE[-1])
    assert name.y1 <= y1 and y2 <= title.y0  # between title and name
    assert abs((x1 + x2) / 2 - (name.x0 + name.x1) / 2) < 1  # centred on the name
    img = render_page(flow.sealed_path, page_ix + 1)
    # the blue signature shows inside its field
    assert count_pixels(img, (x1, y1, x2, y2), 841.89, "blue") > 100


def test_seal_at_real_size_over_left_third_of_the_signature(flow):
    widgets = field_widgets(flow.sealed)
    _, (sx1, sy1, sx2, sy2) = widgets["SignerSignature"]
    page_ix, (x1, y1, x2, y2) = widgets["SealSignature"]
    assert page_ix == flow.pages - 1
    mm36 = 36 * 72 / 25.4
    assert x2 - x1 >= mm36 - 0.5  # the seal is not shrunk
    # the seal image (centred in its field, mm36 wide) ends a third of the way into the signature
    image_right = (x1 + x2) / 2 + mm36 / 2
    assert abs(image_right - (sx1 + (sx2 - sx1) / 3)) < 1
    assert y1 < sy2 and y2 > sy1  # level with the signature
    img = render_page(flow.sealed_path, page_ix + 1)
    assert count_pixels(img, (x1, y1, x2, y2), 841.89, "red") > 500
    text = appearance_text(flow.sealed, "SealSignature")
    assert "Sở Nông nghiệp và PTNT Tuyên Quang" in text
    report = json.loads(run_cli("verify", flow.sealed_path, "--trust", flow.ca, "--json").stdout)
    # the time on the seal is the signature's signing time, ISO 8601 with +07:00
    assert report["signatures"][1]["signing_time"] in text


@pytest.fixture(scope="module")
def chained(tmp_path_factory) -> dict[str, Path]:
    """A letter signed by a leaf under root -> intermediate, whose CMS embeds the leaf alone
    (as VGCA tools sign): root.pem, the intermediate as inter.pem and inter.der, signed.pdf."""
    d = tmp_path_factory.mktemp("chained")
    root = ca_pair("RootCA thử nghiệm", path_length=1)
    inter = ca_pair("CA trung gian thử nghiệm", root, path_length=0)
    letter = stamp_pdf(make_letter_pdf(1), "05/SNN-VP", dt.date(2019, 2, 18))
    signed = sign_pdf(
        letter,
        leaf_signer(*inter, "Trần Văn Soạn", "UBND tỉnh (thử nghiệm)"),
        appearance="attachment",
        code="05/SNN-VP",
        field_name="Chained",
    )
    files = {
        "root.pem": root[0].public_bytes(Encoding.PEM),
        "inter.pem": inter[0].public_bytes(Encoding.PEM),
        "inter.der": inter[0].public_bytes(Encoding.DER),
        "signed.pdf": signed,
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    return {name: d / name for name in files}


def test_cli_verify_intermediate_completes_the_chain(chained):
    pdf, root = chained["signed.pdf"], chained["root.pem"]
    alone = run_cli("verify", pdf, "--trust", root)
    assert alone.returncode == 1, alone.stdout + alone.stderr
    assert "NO_CERTIFICATE_CHAIN_FOUND" in alone.stdout
    r = run_cli("verify", pdf, "--trust", root, "--intermediate", chained["inter.pem"], "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["ok"] is True
    # repeatable, PEM or DER: an unrelated intermediate first does not get in the way
    unrelated = Path(sign_cli.__file__).parents[1] / "trust" / "vn" / "vgca-g2-cp.pem"
    r = run_cli(
        "verify",
        pdf,
        "--trust",
        root,
        "--intermediate",
        unrelated,
        "--intermediate",
        chained["inter.der"],
    )
    assert r.returncode == 0, r.stdout + r.stderr
    # an intermediate is never a trust anchor
    r = run_cli("verify", pdf, "--intermediate", chained["inter.pem"])
    assert r.returncode == 1 and "does not chain to a trusted CA" in r.stdout
    # a file that is not a certificate is refused as such, not taken for "no intermediate"
    r = run_cli("verify", pdf, "--trust", root, "--intermediate", pdf)
    assert r.returncode not in (0, 1), r.stdout
    assert "intermediate CA certificate cannot be read" in r.stderr


def test_cli_verify_default_trust_uses_the_shipped_store(chained, monkeypatch, capsys):
    """--default-trust adds the shipped roots AND intermediates: with the store standing in
    for our test root and intermediate, the file verifies with no --trust at all."""
    root_pem, inter_pem = chained["root.pem"].read_bytes(), chained["inter.pem"].read_bytes()
    monkeypatch.setattr("snn_sign.trust.default_roots", lambda: [root_pem])
    monkeypatch.setattr("snn_sign.trust.default_intermediates", lambda: [inter_pem])
    pdf = str(chained["signed.pdf"])
    assert sign_cli.main(["verify", pdf, "--default-trust", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert sign_cli.main(["verify", pdf, "--json"]) == 1  # the flag, not the patch, decides
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_cli_verify_default_trust_keeps_the_given_roots(chained):
    """The real store: our test chain is not Vietnamese, so --default-trust alone leaves it
    untrusted (and no "give a root" hint); --trust and --intermediate still add to it."""
    pdf = chained["signed.pdf"]
    r = run_cli("verify", pdf, "--default-trust")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "does not chain to a trusted CA" in r.stdout
    assert "no trusted root was given" not in r.stdout
    r = run_cli(
        "verify",
        pdf,
        "--default-trust",
        "--trust",
        chained["root.pem"],
        "--intermediate",
        chained["inter.pem"],
        "--json",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["signatures"][0]["trusted"] is True
