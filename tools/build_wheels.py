"""Build the project's wheels: the Odoo-free distributions of packages/ (each with its own
pyproject.toml) and one ``odoo-addon-<module>`` per add-on of addons/ that has a pyproject.toml
(whool, as OCA does).

    .venv/bin/python tools/build_wheels.py [--out DIR] [--with-testkit]   # default: dist/

Standard library only, run by a Python that has pip (the project's .venv): pip fetches the
build backends (setuptools, whool) from its index into isolated build environments. The wheels
are built with ``--no-deps``; their dependencies are declared in them:

- ``snn-sign``, ``snn-token-bridge``, ``snn-edxml``, ``snn-office-convert``: their
  pyproject.toml's ``[project] dependencies``; the test kit ``snn-sign-testkit`` is no runtime
  wheel and is built only with ``--with-testkit``;
- ``odoo-addon-<module>``: whool reads the manifest: Odoo 19 (``odoo==19.0.*``), the
  non-core modules of ``depends`` as ``odoo-addon-<module>``, and ``external_dependencies``'
  python names (``snn-sign``, ``snn-edxml``, …, bounded in the add-on's pyproject.toml).

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
PACKAGES = ROOT / "packages"
TESTKIT = "snn-sign-testkit"


def package_dirs(*, with_testkit: bool = False) -> list[Path]:
    """The distributions of packages/, the test kit only when asked."""
    found = sorted(p.parent for p in PACKAGES.glob("*/pyproject.toml"))
    return [d for d in found if with_testkit or d.name != TESTKIT]


def addon_dirs() -> list[Path]:
    """Add-ons that declare a build backend."""
    found = ADDONS.glob("*/pyproject.toml")
    return sorted(p.parent for p in found if (p.parent / "__manifest__.py").exists())


def _package_source(tmp: Path, package: Path) -> Path:
    """A copy of a distribution's directory: setuptools builds in the source tree (build/,
    *.egg-info), which must not collide with the working tree's editable installs or with other
    runs."""
    src = tmp / "src" / package.name
    shutil.copytree(
        package,
        src,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "build", "dist", "*.egg-info"),
    )
    return src


def build_wheels(
    out: Path, python: str = sys.executable, *, with_testkit: bool = False
) -> list[Path]:
    """Build every wheel into ``out`` (created if needed); return the wheel files built."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snn-wheels-") as tmp:
        built = Path(tmp) / "wheels"
        packages = package_dirs(with_testkit=with_testkit)
        sources = [*(_package_source(Path(tmp), p) for p in packages), *addon_dirs()]
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
    parser.add_argument(
        "--with-testkit", action="store_true", help=f"also build {TESTKIT} (tests only)"
    )
    args = parser.parse_args(argv)
    try:
        wheels = build_wheels(args.out, with_testkit=args.with_testkit)
    except subprocess.CalledProcessError as exc:
        print(f"building the wheels failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    for wheel in wheels:
        print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
