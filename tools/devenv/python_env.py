"""The project's virtualenv (.venv): a Python 3.10-3.13 that runs, the pinned requirements,
and the project's own packages installed editable; re-installed only when what decides its
content changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from .common import Fail, probe, run, say, step
from .names import REQUIREMENTS, ROOT, STAMP_INPUTS, VENV, editable_installs

# Interpreters in order of preference: 3.12 is recommended; the suite also passed on the others.
PY_PREFERENCE = ((3, 12), (3, 13), (3, 11), (3, 10))


def probe_python(exe: str) -> tuple[int, int] | None:
    """Run a candidate: a pyenv shim can sit on PATH and still fail, so only a run tells."""
    code = "import sys, venv, ensurepip; print(*sys.version_info[:2])"
    try:
        out = probe([exe, "-c", code], timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, minor = (int(x) for x in out.stdout.split())
    return major, minor


def pyenv_roots() -> list[Path]:
    """pyenv keeps interpreters under its root even when no shim is active."""
    roots = []
    if shutil.which("pyenv"):
        out = probe(["pyenv", "root"])
        if out.returncode == 0 and out.stdout.strip():
            roots.append(Path(out.stdout.strip()))
    roots += [Path(p) for p in (os.environ.get("PYENV_ROOT"), Path.home() / ".pyenv") if p]
    return list(dict.fromkeys(roots))


def python_candidates():
    """Yield interpreters to try, most preferred first (PATH name, then pyenv installs)."""
    for major, minor in PY_PREFERENCE:
        name = f"python{major}.{minor}"
        if shutil.which(name):
            yield shutil.which(name)
        for root in pyenv_roots():
            found = sorted(root.glob(f"versions/{major}.{minor}*/bin/{name}"), reverse=True)
            yield from (str(p) for p in found)
    if shutil.which("python3"):
        yield shutil.which("python3")


def find_base_python() -> str:
    """Pick the interpreter for .venv: $PYTHON when given, else the best one that runs."""
    if os.environ.get("PYTHON"):
        exe = os.environ["PYTHON"]
        if probe_python(exe) not in PY_PREFERENCE:
            raise Fail(f"$PYTHON={exe} does not run as Python 3.10-3.13 with venv/ensurepip")
        return exe
    for exe in python_candidates():
        if probe_python(exe) in PY_PREFERENCE:
            return exe
    raise Fail(
        "no working Python 3.10-3.13 with the venv module found (3.12 recommended). "
        "Install one (Debian: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3"
    )


def venv_python() -> Path:
    """The project's interpreter; everything after bootstrap runs on it."""
    return VENV / "bin" / "python"


def requirements_stamp(version: tuple[int, int]) -> str:
    """Hash of what decides the venv's content, so an unchanged venv is not re-installed."""
    digest = hashlib.sha256(repr(version).encode())
    inputs = [ROOT / name for name in STAMP_INPUTS]
    inputs += [package / "pyproject.toml" for package in editable_installs()]
    for path in inputs:
        if path.exists():
            name = str(path.relative_to(ROOT))
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> Path:
    """Create .venv if missing or broken, install requirements when they changed."""
    py = venv_python()
    version = probe_python(str(py)) if py.exists() else None
    if version not in PY_PREFERENCE:
        if VENV.exists():
            say(f"{VENV} exists but its Python does not run; re-creating it")
            shutil.rmtree(VENV)
        base = find_base_python()
        with step(f"creating .venv with {base}"):
            run([base, "-m", "venv", VENV])
        version = probe_python(str(py))
        if version is None:
            raise Fail(f"{base} made a virtualenv whose Python does not run: {py}")
    stamp_file = VENV / ".snn-requirements.sha256"
    stamp = requirements_stamp(version)
    if stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        return py
    with step(f"installing Python requirements into .venv (Python {version[0]}.{version[1]})"):
        pip = [py, "-m", "pip", "--disable-pip-version-check"]
        run([*pip, "install", "-r", REQUIREMENTS], cwd=ROOT)
        editable = [a for path in editable_installs() for a in ("-e", path)]
        if editable:
            run([*pip, "install", *editable], cwd=ROOT)
    stamp_file.write_text(stamp + "\n")
    return py
