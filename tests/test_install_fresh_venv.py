"""The runtime distributions of packages/ installed into a fresh, empty virtualenv (no Odoo, no
requirements files) give working ``snn-sign`` and ``snn-token-bridge`` commands; each
pyproject.toml declares everything its package imports. ``snn-sign`` alone does not bring
python-pkcs11 (the bridge server's), and no runtime distribution brings the test kit.

The venv is made with this Python's ``-m venv`` (no ``--system-site-packages``), so it sees
nothing of the project's .venv; pip needs its index (PyPI or a mirror; its cache makes a second
run fast).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_bridge import start_bridge
from helpers_sign import sign_args, signer_args, stamp_args
from helpers_source import imported_names
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from snn_sign_testkit.sample_letter import make_letter_pdf

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PACKAGES = REPO / "packages"
RUNTIME = ("snn-sign", "snn-token-bridge", "snn-edxml", "snn-office-convert")
TESTKIT = "snn-sign-testkit"
# Declared only by the bridge server (and the test kit): the token's PKCS#11 binding.
BRIDGE_ONLY = {"python-pkcs11"}

# Generated trees that a copy of a package's source must not carry.
_NOT_COPIED = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.pyc")


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that would let the venv's Python see the
    project's .venv or source tree."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONNOUSERSITE"):
        env.pop(name, None)
    env["PYTHONNOUSERSITE"] = "1"  # no ~/.local site-packages either
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd: list, *, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _listed(venv: Path, cwd: Path) -> set[str]:
    r = _run([venv / "bin" / "python", "-m", "pip", "list", "--format=freeze"], cwd=cwd)
    assert r.returncode == 0, r.stderr
    return {canonicalize_name(line.split("==")[0]) for line in r.stdout.split()}


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> tuple[Path, set[str]]:
    """A new virtualenv holding ``pip install`` of a copy of snn-sign, then of the other
    runtime distributions; with what it listed after snn-sign alone."""
    base = tmp_path_factory.mktemp("fresh")
    # Copies of the sources: pip builds in the source tree (egg-info, build/), which must not
    # collide with the working tree's editable installs or with other runs.
    sources = {}
    for name in RUNTIME:
        sources[name] = base / "src" / name
        shutil.copytree(PACKAGES / name, sources[name], ignore=_NOT_COPIED, symlinks=True)
    venv = base / "venv"
    r = _run([sys.executable, "-m", "venv", venv], cwd=base)
    assert r.returncode == 0, r.stdout + r.stderr
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    r = _run([*pip, sources["snn-sign"]], cwd=base, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    sign_only = _listed(venv, base)
    r = _run([*pip, *(sources[name] for name in RUNTIME)], cwd=base, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return venv, sign_only


@pytest.mark.slow  # the fixture makes a venv and pip-installs: about half a minute with a cache
def test_fresh_venv_sees_only_its_own_install(fresh_venv, tmp_path):
    venv, sign_only = fresh_venv
    r = _run(
        [
            venv / "bin" / "python",
            "-c",
            "import sys, snn_sign, snn_token_bridge, snn_edxml, snn_office_convert; "
            "print(snn_sign.__file__); print(sys.prefix)",
        ],
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    module_file, prefix = r.stdout.splitlines()
    assert Path(prefix) == venv
    assert Path(module_file).is_relative_to(venv)  # not the repo's, not the .venv's
    listed = _listed(venv, tmp_path)
    assert "odoo" not in listed
    assert set(RUNTIME) <= listed  # the distributions' own names
    assert BRIDGE_ONLY <= listed  # brought by snn-token-bridge ...
    # ... python-pkcs11 never by snn-sign; aiohttp comes with it (pyHanko's HTTP client for
    # OCSP, CRLs and timestamps, whose session snn_sign.longterm opens and closes)
    assert "snn-sign" in sign_only and "python-pkcs11" not in sign_only
    assert "aiohttp" in sign_only
    assert TESTKIT not in listed and TESTKIT not in sign_only
    r = _run([venv / "bin" / "python", "-c", "import snn_sign_testkit"], cwd=tmp_path)
    assert r.returncode != 0 and "snn_sign_testkit" in r.stderr


@pytest.mark.slow
def test_the_installed_wheel_carries_the_trust_store(fresh_venv, tmp_path):
    """The default trust store is package data: read (and fingerprint-checked) from the venv."""
    venv, _ = fresh_venv
    code = (
        "from importlib import resources; from snn_sign.trust import default_certificates; "
        "print(resources.files('snn_sign')); print(len(default_certificates()))"
    )
    r = _run([venv / "bin" / "python", "-c", code], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, count = r.stdout.splitlines()
    assert Path(where).is_relative_to(venv)
    index = json.loads((PACKAGES / "snn-sign/snn_sign/trust/vn/index.json").read_text("utf-8"))
    assert int(count) == len(index["certificates"]) > 0


@pytest.mark.slow
def test_demo_pki_without_the_test_kit_says_how_to_get_it(fresh_venv, tmp_path):
    venv, _ = fresh_venv
    r = _run([venv / "bin" / "snn-sign", "demo-pki", tmp_path / "pki"], cwd=tmp_path)
    assert r.returncode != 0
    assert "pip install snn-sign-testkit" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "pki").exists()


@pytest.mark.slow
def test_installed_commands_stamp_sign_and_verify(fresh_venv, bridge, tmp_path, monkeypatch):
    """The fresh venv's snn-sign stamps, signs through the session's bridge (signer) and
    through a bridge started with the fresh venv's snn-token-bridge (seal), then verifies."""
    bin_dir = fresh_venv[0] / "bin"
    snn_sign_cmd = bin_dir / "snn-sign"
    (tmp_path / "letter.pdf").write_bytes(make_letter_pdf())

    r = _run(
        [snn_sign_cmd, *stamp_args(tmp_path / "letter.pdf", tmp_path / "stamped.pdf")], cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    r = _run(
        [snn_sign_cmd, *signer_args(bridge, tmp_path / "stamped.pdf", tmp_path / "signed.pdf")],
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr

    monkeypatch.delenv("PYTHONPATH", raising=False)  # start_bridge passes os.environ on
    own_bridge = start_bridge(
        tmp_path / "bridge", bridge.pki, command=[str(bin_dir / "snn-token-bridge")]
    )
    try:
        seal = sign_args(
            own_bridge,
            "seal",
            "seal",
            tmp_path / "signed.pdf",
            tmp_path / "sealed.pdf",
            "--image",
            bridge.pki.seal_png,
        )
        r = _run([snn_sign_cmd, *seal], cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    finally:
        own_bridge.stop()
    assert "seal" in own_bridge.log_text()

    r = _run(
        [snn_sign_cmd, "verify", tmp_path / "sealed.pdf", "--trust", bridge.pki.ca_cert],
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def _project(dist: str) -> dict:
    return tomllib.loads((PACKAGES / dist / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]


def _declared(dist: str) -> set[str]:
    """The distribution's dependencies by canonical name, its optional ones included."""
    project = _project(dist)
    lines = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    return {canonicalize_name(Requirement(line).name) for line in lines}


def _package_dirs() -> dict[str, Path]:
    """Distribution name -> the import package it ships (packages/<dist>/<package>/)."""
    return {
        d.name: next(p.parent for p in d.glob("*/__init__.py"))
        for d in sorted(PACKAGES.iterdir())
        if (d / "pyproject.toml").is_file()
    }


def _imports(package: Path) -> dict[str, list[str]]:
    """Top-level module -> the package's files that import it (any nesting, any try/except or
    function body), the standard library and the package itself left out."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for name in imported_names(path.read_text(encoding="utf-8")):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in {package.name, "__future__"}:
                continue
            found.setdefault(top, []).append(str(path.relative_to(REPO)))
    return found


def test_the_packages_are_the_products():
    """Five distributions, each one import package; the console scripts keep their names."""
    packages = _package_dirs()
    assert set(packages) == {*RUNTIME, TESTKIT}
    assert _project("snn-sign")["scripts"] == {"snn-sign": "snn_sign.cli.sign_cli:main"}
    assert _project("snn-token-bridge")["scripts"] == {
        "snn-token-bridge": "snn_token_bridge.cli:main"
    }
    assert not (REPO / "snn_sign").exists() and not (REPO / "pyproject.toml").exists()


def test_every_import_is_declared():
    """Static, fast: each package a distribution imports is in its dependencies by its own
    name, not only pulled in by another (asn1crypto comes with pyHanko, but snn_sign imports
    it); the packages/ ones too (snn-edxml on snn-sign). aiohttp and python-pkcs11 are the bridge
    server's (and the test kit's); no runtime distribution needs the test kit (snn-sign names it
    only as the optional extra of `snn-sign demo-pki`)."""
    distributions = importlib.metadata.packages_distributions()
    own = {p.name: dist for dist, p in _package_dirs().items()}
    imports = {dist: _imports(package) for dist, package in _package_dirs().items()}
    assert {"pyhanko", "requests", "asn1crypto"} <= set(imports["snn-sign"])  # the walk works
    assert {"aiohttp", "pkcs11", "snn_sign"} <= set(imports["snn-token-bridge"])
    missing = {}
    for dist, found in imports.items():
        declared = _declared(dist)
        for module, files in found.items():
            # ours: the distribution of packages/; installed here: the distribution that
            # provides it; not installed (tomli on 3.11+): the module's own name
            names = {own[module]} if module in own else set(distributions.get(module, [module]))
            if not {canonicalize_name(n) for n in names} & declared:
                missing[f"{dist}: {module}"] = sorted(set(files))
        if dist not in ("snn-token-bridge", TESTKIT):
            assert not BRIDGE_ONLY & declared, dist
        if dist in RUNTIME:
            required = {
                canonicalize_name(Requirement(r).name) for r in _project(dist)["dependencies"]
            }
            assert TESTKIT not in required, dist
    assert not missing, f"imported but not declared in its pyproject.toml: {missing}"
