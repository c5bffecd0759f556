"""The bridge refuses to start, with a bilingual message and exit status 2 and never a
traceback, when the token or the configuration is ambiguous or wrong. Each case runs the real
``snn-token-bridge`` command as a subprocess against a SoftHSM2 token of its own."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_bridge import bridge_command, write_config, write_secret

from snn_sign_testkit.pki import DemoPki, create_demo_pki, import_keys_to_token, issue_cert


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


# The real command, except that the logged-in session fails every object search the way a
# token pulled out (or a driver in trouble) does: python-pkcs11 raises its own exceptions.
_FAILING_LIST = """
import sys
from pkcs11 import exceptions as p11e
import snn_token_bridge.token as token
from snn_token_bridge.cli import main


class FailingSession:
    def __init__(self, real):
        self._real = real

    def get_objects(self, *args, **kwargs):
        raise p11e.GeneralError()

    def __getattr__(self, name):
        return getattr(self._real, name)


real_require = token.TokenWorker._require_session
token.TokenWorker._require_session = lambda self: FailingSession(real_require(self))
sys.exit(main())
"""


def test_pkcs11_error_while_listing_keys_is_a_clear_exit(pki, tmp_path):
    config = _config(tmp_path, pki, (("signer", "personal"),))
    result = subprocess.run(
        [sys.executable, "-c", _FAILING_LIST, "--config", str(config)],
        env={**os.environ, **pki.env()},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Không đọc được các đối tượng trên token: GeneralError" in result.stderr
    assert "Cannot read the objects on the token: GeneralError" in result.stderr


def _set(text: str, header: str, line: str) -> str:
    """Put ``line`` at the top of the (first) ``header`` section, replacing its line with the
    same key there."""
    key = line.split("=", maxsplit=1)[0].strip()
    lines = text.splitlines()
    start = lines.index(header) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    body = [x for x in lines[start:end] if x.split("=", maxsplit=1)[0].strip() != key]
    return "\n".join([*lines[:start], line, *body, *lines[end:]]) + "\n"


@pytest.mark.parametrize(
    ("section", "line", "vi", "en"),
    [
        ("server", 'max_body_bytes = "big"', "max_body_bytes phải là", "max_body_bytes must be"),
        ("server", "max_body_bytes = -1", "max_body_bytes phải", "max_body_bytes must"),
        ("server", 'auth_window_seconds = "5m"', "auth_window_seconds phải", "auth_window_seconds"),
        ("server", 'port = "x"', "cổng không hợp lệ", "invalid port"),
        ("server", "port = true", "cổng không hợp lệ", "invalid port"),
        ("server", "host = 8080", "host phải là", "host must be"),
        ("token", "label = 5", "label phải là", "label must be"),
        ("token", "pin_file = 5", "pin_file phải là", "pin_file must be"),
        ("token", 'chain_files = "ca.pem"', "chain_files phải là", "chain_files must be"),
        ("clients", "secret_file = 5", "secret_file phải là", "secret_file must be"),
        ("keys", "purpose = 1", "purpose", "purpose"),
    ],
)
def test_config_value_of_the_wrong_type_is_a_clear_exit(pki, tmp_path, section, line, vi, en):
    config = _config(tmp_path, pki, (("signer", "personal"),))
    header = f"[[{section}]]" if section in {"clients", "keys"} else f"[{section}]"
    config.write_text(_set(config.read_text(), header, line))
    result = _run_once(config, pki)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Cấu hình token bridge" in result.stderr and vi in result.stderr
    assert "Token bridge configuration" in result.stderr and en in result.stderr


def test_keys_not_a_list_of_tables_is_a_clear_exit(pki, tmp_path):
    config = _config(tmp_path, pki, (("signer", "personal"),))
    text = config.read_text().split("[[keys]]")[0]
    config.write_text('keys = ["signer"]\n' + text)
    result = _run_once(config, pki)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "[[keys]]" in result.stderr


@pytest.mark.parametrize(
    ("content", "en"), [(b"not a certificate", "no valid PEM"), (None, "cannot read")]
)
def test_bad_chain_file_is_a_clear_exit(pki, tmp_path, content, en):
    config = _config(tmp_path, pki, (("signer", "personal"),))
    if content is not None:
        (tmp_path / "ca.pem").write_bytes(content)
    config.write_text(_set(config.read_text(), "[token]", 'chain_files = ["ca.pem"]'))
    result = _run_once(config, pki)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "chain_files" in result.stderr and en in result.stderr
