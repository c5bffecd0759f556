"""Finding Odoo 19 (never copying it into the project): ODOO_SRC, an importable `odoo`,
well-known places, else Odoo's official source archive unpacked next to the project."""

from __future__ import annotations

import os
import re
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .common import Fail, probe, say, step
from .names import ADDONS

ODOO_MAJOR = 19
ODOO_ARCHIVE_URL = "https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz"
ODOO_HOME = Path.home() / ".local" / "share" / "snn-docflow" / "odoo-19.0"
ODOO_WELL_KNOWN = (Path("/opt/odoo/19.0"), ODOO_HOME)
ODOO_HOWTO = (
    "Provide Odoo 19 in one of these ways:\n"
    "  - export ODOO_SRC=/path/to/odoo, a checkout of https://github.com/odoo/odoo\n"
    "    (branch 19.0, containing odoo-bin and odoo/release.py), or\n"
    "  - install the official Odoo 19 package so that `import odoo` works in .venv, or\n"
    f"  - unpack {ODOO_ARCHIVE_URL} into {ODOO_HOME}"
)


@dataclass
class Odoo:
    """Where Odoo 19 lives: `root` holds the `odoo` package (a source tree or site-packages)."""

    root: Path
    from_source: bool  # a source tree must go on PYTHONPATH; an installed package must not

    def addons_path(self) -> list[Path]:
        """Odoo's own addon folders plus the project's, in Odoo's usual order."""
        dirs = [self.root / "odoo" / "addons", self.root / "addons", ADDONS]
        return [d for d in dirs if d.is_dir()]

    def env(self, extra_paths: tuple = ()) -> dict:
        """Environment for any process that imports odoo."""
        env = dict(os.environ)
        paths = ([str(self.root)] if self.from_source else []) + [str(p) for p in extra_paths]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        if paths:
            env["PYTHONPATH"] = os.pathsep.join(paths)
        return env


def tree_major(root: Path) -> int | None:
    """Read the major version from odoo/release.py without importing anything."""
    release = root / "odoo" / "release.py"
    if not release.is_file():
        return None
    match = re.search(r"^version_info\s*=\s*\(\s*(\d+)", release.read_text(), re.M)
    return int(match.group(1)) if match else None


def is_source_tree(root: Path) -> bool:
    """A runnable tree: release.py plus a launcher (odoo-bin, or odoo/__main__.py in archives)."""
    launcher = (root / "odoo-bin").is_file() or (root / "odoo" / "__main__.py").is_file()
    return launcher and tree_major(root) is not None


def odoo_from_env() -> Odoo | None:
    """ODOO_SRC wins over everything: an explicit choice is never silently replaced."""
    src = os.environ.get("ODOO_SRC")
    if not src:
        return None
    root = Path(src).expanduser().resolve()
    if not is_source_tree(root):
        raise Fail(f"ODOO_SRC={src} is not an Odoo source tree (no odoo-bin / odoo/release.py)")
    if tree_major(root) != ODOO_MAJOR:
        raise Fail(f"ODOO_SRC={src} holds Odoo {tree_major(root)}, this project needs Odoo 19")
    return Odoo(root, from_source=True)


def odoo_importable(py: Path) -> Odoo | None:
    """An `odoo` that the venv's Python already imports (official package, pip install)."""
    code = (
        "import os, odoo.release as r; "
        "print(r.version_info[0]); print(os.path.dirname(os.path.dirname(r.__file__)))"
    )
    out = probe([py, "-c", code], cwd="/")
    if out.returncode != 0:
        return None
    major, root = out.stdout.split("\n")[:2]
    if major.strip() != str(ODOO_MAJOR):
        say(f"ignoring the importable Odoo {major.strip()} at {root}: Odoo 19 is needed")
        return None
    return Odoo(Path(root), from_source=False)


def odoo_well_known() -> Odoo | None:
    """The places a developer or an earlier download put Odoo 19."""
    for root in ODOO_WELL_KNOWN:
        if is_source_tree(root) and tree_major(root) == ODOO_MAJOR:
            return Odoo(root, from_source=True)
    return None


def download_with_progress(url: str, target: Path) -> None:
    """Fetch the archive (a few hundred MB) showing progress, so a slow link is not a hang."""
    with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:  # noqa: S310
        total = int(response.headers.get("Content-Length") or 0)
        done, shown = 0, -1
        while chunk := response.read(1 << 20):
            out.write(chunk)
            done += len(chunk)
            percent = done * 100 // total if total else done >> 20
            if percent != shown and (not total or percent % 5 == 0):
                unit = "%" if total else " MB"
                print(f"\r  {percent}{unit}", end="", file=sys.stderr, flush=True)
                shown = percent
    print(file=sys.stderr)


def odoo_download() -> Odoo:
    """Last resort: Odoo's official source archive, unpacked next to (never inside) the project."""
    if ODOO_HOME.exists():
        raise Fail(f"{ODOO_HOME} exists but holds no Odoo 19 source tree: remove it\n{ODOO_HOWTO}")
    ODOO_HOME.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ODOO_HOME.parent) as tmp:
        archive = Path(tmp) / "odoo.tar.gz"
        try:
            with step(f"downloading Odoo 19 from {ODOO_ARCHIVE_URL}"):
                download_with_progress(ODOO_ARCHIVE_URL, archive)
            with step("unpacking Odoo 19"), tarfile.open(archive) as tar:
                kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(Path(tmp) / "x", **kwargs)  # noqa: S202
        except (OSError, tarfile.TarError) as exc:
            raise Fail(f"could not download or unpack Odoo 19: {exc}\n{ODOO_HOWTO}") from exc
        trees = [p for p in (Path(tmp) / "x").iterdir() if is_source_tree(p)]
        if len(trees) != 1 or tree_major(trees[0]) != ODOO_MAJOR:
            raise Fail(f"the archive did not unpack to one Odoo 19 source tree\n{ODOO_HOWTO}")
        trees[0].rename(ODOO_HOME)
    return Odoo(ODOO_HOME, from_source=True)


def find_odoo(py: Path) -> Odoo:
    """ODOO_SRC, then an importable odoo, then well-known places, then the official archive."""
    odoo = odoo_from_env() or odoo_importable(py) or odoo_well_known() or odoo_download()
    say(f"Odoo 19 found at {odoo.root}")
    return odoo
