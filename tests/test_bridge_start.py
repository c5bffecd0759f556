"""The bridge refuses to start, with a bilingual message and exit status 2 and never a
traceback, when the token or the configuration is ambiguous or wrong. Each case runs the real
``snn-token-bridge`` command as a subprocess against a SoftHSM2 token of its own."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from helpers_bridge import bridge_command, write_config, write_secret

from snn_sign.pki import DemoPki, create_demo_pki, import_keys_to_token, issue_cert


def _run_once(config: Path, pki: DemoPki) -> subprocess.CompletedProcess:
    return subprocess.run(
        bridge_command(config),
        env={**os.environ, **pki.env()},
        capture_output=True,
        text=True,
        timeout=30,  # a bridge that wrongly starts runs until killed here
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _config(tmp_path: Path, pki: DemoPki, keys: tuple[tuple[str, str], ...]) -> Path:
    config = tmp_path / "bridge.toml"
    write_secret(tmp_path / "s")
    write_config(config, pki, port=1, secret_file=tmp_path / "s", keys=keys)
    return config


@pytest.fixture(scope="module")
def duplicate_pki(tmp_path_factory):
    """A token where a second private key is also labelled "signer" (another ID), and a
    renewed certificate is also labelled "seal" (same ID as the seal key, as a renewal that
    left the old certificate in place would be)."""
    pki = create_demo_pki(
        tmp_path_factory.mktemp("pki-dup"), token_label="snn-dup", pin=f"D-{secrets.token_hex(6)}"
    )
    ca_cert, ca_key = pki.load_ca()
    other, other_key = issue_cert(ca_cert, ca_key, common_name="Người Thứ Hai", org=pki.org_name)
    renewed, _ = issue_cert(
        ca_cert, ca_key, common_name=pki.org_name, org=pki.org_name, purpose="organization"
    )
    import_keys_to_token(
        pki.module,
        pki.token_label,
        pki.pin,
        [("signer", b"\x21", other, other_key), ("seal", b"\x02", renewed, None)],
        softhsm2_conf=pki.softhsm2_conf,
    )
    return pki


@pytest.mark.parametrize(
    ("label", "purpose", "vi", "en"),
    [
        (
            "signer",
            "personal",
            "2 khóa riêng cùng nhãn 'signer'",
            "2 private keys labelled 'signer'",
        ),
        ("seal", "organization", "2 chứng thư cùng nhãn 'seal'", "2 certificates labelled 'seal'"),
    ],
)
def test_duplicate_label_on_the_token_stops_the_bridge(
    duplicate_pki, tmp_path, label, purpose, vi, en
):
    result = _run_once(_config(tmp_path, duplicate_pki, ((label, purpose),)), duplicate_pki)
    assert result.returncode == 2, result.stderr
    assert vi in result.stderr and en in result.stderr
    assert "Traceback" not in result.stderr
    # Only the configured label is named: the other label's duplicates are not its business.
    other = "'seal'" if label == "signer" else "'signer'"
    assert other not in result.stderr
