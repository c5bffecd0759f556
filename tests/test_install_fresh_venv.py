"""``pip install .`` into a fresh, empty virtualenv (no Odoo, no requirements files) gives
working ``snn-sign`` and ``snn-token-bridge`` commands: setup.cfg's install_requires declares
everything snn_sign imports.

The venv is made with this Python's ``-m venv`` (no ``--system-site-packages``), so it sees
nothing of the project's .venv; PyPI must be reachable (pip's cache makes a second run fast).
"""

from __future__ import annotations

import ast
import configparser
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_bridge import start_bridge
from helpers_sign import sign_args, signer_args, stamp_args
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from snn_sign.sample_letter import make_letter_pdf

REPO = Path(__file__).resolve().parent.parent

# Generated or unrelated trees that a copy of the source must not carry (nor be slowed by).
_NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".run",
    "addons",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
)


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


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A new virtualenv holding only ``pip install <copy of the repo>`` and its dependencies."""
    base = tmp_path_factory.mktemp("fresh")
    # A copy of the source: pip builds in the source tree (egg-info, build/), which must not
    # collide with other runs in the working tree. Everything but generated trees is copied,
    # so the copy installs exactly as the repo root does.
    source = base / "src"
    shutil.copytree(REPO, source, ignore=_NOT_COPIED, symlinks=True)
    venv = base / "venv"
    r = _run([sys.executable, "-m", "venv", venv], cwd=base)
    assert r.returncode == 0, r.stdout + r.stderr
    r = _run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", source],
        cwd=base,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return venv


@pytest.mark.slow  # the fixture makes a venv and pip-installs: about half a minute with a cache
def test_fresh_venv_sees_only_its_own_install(fresh_venv, tmp_path):
    r = _run(
        [
            fresh_venv / "bin" / "python",
            "-c",
            "import sys, snn_sign; print(snn_sign.__file__); print(sys.prefix)",
        ],
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    module_file, prefix = r.stdout.splitlines()
    assert Path(prefix) == fresh_venv
    assert Path(module_file).is_relative_to(fresh_venv)  # not the repo's, not the .venv's
    listed = _run([fresh_venv / "bin" / "python", "-m", "pip", "list"], cwd=tmp_path).stdout
    assert "odoo" not in listed.lower().split()
    assert "snn-sign" in listed.lower().split()  # the engine's own distribution name


@pytest.mark.slow
def test_installed_commands_stamp_sign_and_verify(fresh_venv, bridge, tmp_path, monkeypatch):
    """The fresh venv's snn-sign stamps, signs through the session's bridge (signer) and
    through a bridge started with the fresh venv's snn-token-bridge (seal), then verifies."""
    bin_dir = fresh_venv / "bin"
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


def _declared_requirements() -> set[str]:
    parser = configparser.ConfigParser()
    parser.read(REPO / "setup.cfg", encoding="utf-8")
    lines = parser["options"]["install_requires"].strip().splitlines()
    return {canonicalize_name(Requirement(line).name) for line in lines if line.strip()}


def _third_party_imports() -> dict[str, list[str]]:
    """Top-level third-party module -> the snn_sign files that import it (any nesting, any
    try/except or function body)."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "snn_sign").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"snn_sign", "__future__"}:
                    continue
                found.setdefault(top, []).append(str(path.relative_to(REPO)))
    return found


def test_every_third_party_import_is_declared():
    """Static, fast: each package snn_sign imports is in install_requires by its own name, not
    only pulled in by another (asn1crypto comes with pyHanko today, but we import it)."""
    declared = _declared_requirements()
    distributions = importlib.metadata.packages_distributions()
    imports = _third_party_imports()
    assert {"pyhanko", "requests", "asn1crypto", "pkcs11"} <= set(imports)  # the walk works
    missing = {}
    for module, files in imports.items():
        # installed here: the distribution that provides it; not installed (tomli on 3.11+):
        # the module's own name, which is the distribution's for those
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = sorted(set(files))
    assert not missing, f"imported by snn_sign but not in setup.cfg install_requires: {missing}"
