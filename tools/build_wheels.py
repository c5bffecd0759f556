"""Build the project's wheels: the engine ``snn-sign`` (setup.cfg at the root) and one
``odoo-addon-<module>`` per add-on of addons/ that has a pyproject.toml (whool, as OCA does).

    .venv/bin/python tools/build_wheels.py [--out DIR]      # default: dist/

Standard library only, run by a Python that has pip (the project's .venv): pip fetches the
build backends (setuptools, whool) from PyPI into isolated build environments. The wheels are
built with ``--no-deps``; their dependencies are declared in them:

- ``snn-sign``: setup.cfg's install_requires;
- ``odoo-addon-<module>``: whool reads the manifest: Odoo 19 (``odoo==19.0.*``), the
  non-core modules of ``depends`` as ``odoo-addon-<module>``, and ``external_dependencies``'
  python names (``snn-sign``, bounded in the add-on's pyproject.toml).

whool packs the add-on files that git tracks (their working-tree content) and derives the
version from the manifest and the git history (19.0.x.y.z.N, N commits since the manifest's
version changed).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
# What the engine's sdist needs (setup.cfg reads README.md as long_description).
ENGINE_FILES = ("setup.cfg", "pyproject.toml", "README.md")
ENGINE_PACKAGE = "snn_sign"


def addon_dirs() -> list[Path]:
    """Add-ons that declare a build backend."""
    found = ADDONS.glob("*/pyproject.toml")
    return sorted(p.parent for p in found if (p.parent / "__manifest__.py").exists())


def _engine_source(tmp: Path) -> Path:
    """A copy of what builds the engine: setuptools builds in the source tree (build/,
    *.egg-info), which must not collide with the working tree's editable install or with other
    runs."""
    src = tmp / "snn-sign"
    src.mkdir()
    for name in ENGINE_FILES:
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / ENGINE_PACKAGE,
        src / ENGINE_PACKAGE,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return src


def build_wheels(out: Path, python: str = sys.executable) -> list[Path]:
    """Build every wheel into ``out`` (created if needed); return the wheel files built."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snn-wheels-") as tmp:
        built = Path(tmp) / "wheels"
        sources = [_engine_source(Path(tmp)), *addon_dirs()]
        cmd = [
            python,
            "-m",
            "pip",
            "--disable-pip-version-check",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(built),
            *map(str, sources),
        ]
        subprocess.run(cmd, check=True, cwd=tmp)
        wheels = []
        for wheel in sorted(built.glob("*.whl")):
            target = out / wheel.name
            shutil.move(wheel, target)  # replaces a wheel of the same version
            wheels.append(target)
    return wheels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="wheel directory")
    args = parser.parse_args(argv)
    try:
        wheels = build_wheels(args.out)
    except subprocess.CalledProcessError as exc:
        print(f"building the wheels failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    for wheel in wheels:
        print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
