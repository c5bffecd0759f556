"""`make lint`: the same checks as .pre-commit-config.yaml, with the tools pinned in .venv."""

from __future__ import annotations

from pathlib import Path

from .common import run, say, step
from .names import ADDONS, ROOT, VENV
from .odoo_db import project_modules
from .python_env import ensure_venv

# OCA's manifest/XML/.po checks, as pinned in .pre-commit-config.yaml. They need polib 1.2 and
# Odoo 19 runs on polib 1.1.1, so they get a virtualenv of their own (inside .venv).
OCA_HOOKS = "oca-odoo-pre-commit-hooks==0.2.27"


def ensure_oca_hooks(py: Path) -> Path:
    """The bin directory of the OCA hooks' own virtualenv, made when missing or re-pinned."""
    env = VENV / "oca-hooks"
    pin = env / ".snn-pin"
    if pin.exists() and pin.read_text().strip() == OCA_HOOKS:
        return env / "bin"
    with step(f"installing {OCA_HOOKS} into {env}"):
        run([py, "-m", "venv", "--clear", env])
        run(
            [
                env / "bin" / "python",
                "-m",
                "pip",
                "--disable-pip-version-check",
                "install",
                OCA_HOOKS,
            ]
        )
    pin.write_text(OCA_HOOKS + "\n")
    return env / "bin"


def cmd_lint(_args: list) -> int:
    """The same checks as .pre-commit-config.yaml, with the tools pinned in .venv."""
    py = ensure_venv()
    bindir = py.parent
    checks = [
        [bindir / "ruff", "check", "."],
        [bindir / "ruff", "format", "--check", "."],
    ]
    if project_modules():
        checks.append([bindir / "pylint", "--rcfile=.pylintrc", "--recursive=y", "addons"])
        oca = ensure_oca_hooks(py)
        manifests = sorted(str(p.relative_to(ROOT)) for p in ADDONS.glob("*/__manifest__.py"))
        catalogs = sorted(str(p.relative_to(ROOT)) for p in ADDONS.glob("*/i18n/*.po*"))
        checks.append([oca / "oca-checks-odoo-module", *manifests])
        checks.append([oca / "oca-checks-po", *catalogs])
    failed = [c for c in checks if run(c, check=False, cwd=ROOT).returncode]
    for check in failed:
        say(f"lint failed: {Path(check[0]).name} {' '.join(str(x) for x in check[1:])}")
    return 1 if failed else 0
