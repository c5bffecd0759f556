"""`snn-sign demo-pki` makes a usable PKI and token; it shows the PIN only when it chose it."""

from __future__ import annotations

from helpers_sign import run_cli


def test_demo_pki_with_a_given_pin_never_prints_it(tmp_path):
    pin = "739164"
    r = run_cli("demo-pki", tmp_path / "pki", "--pin", pin)
    assert r.returncode == 0, r.stderr
    assert pin not in r.stdout + r.stderr
    for name in ("ca_cert.pem", "softhsm2.conf", "signature.png", "seal.png"):
        assert any(p.name == name for p in (tmp_path / "pki").rglob(name)), name
    assert "SOFTHSM2_CONF" in r.stdout


def test_demo_pki_shows_a_generated_pin(tmp_path):
    r = run_cli("demo-pki", tmp_path / "pki")
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("PIN"))
    pin = line.split(":")[-1].strip()
    assert len(pin) >= 6
    pin_file = next(ln for ln in r.stdout.splitlines() if "PIN file" in ln).split()[-1]
    assert open(pin_file).read().strip() == pin


def test_demo_pki_refuses_a_directory_with_a_token(tmp_path):
    assert run_cli("demo-pki", tmp_path / "pki", "--pin", "111111").returncode == 0
    r = run_cli("demo-pki", tmp_path / "pki", "--pin", "111111")
    assert r.returncode != 0
    assert "already holds a token store" in r.stderr
