"""pytest's side of a test run: the command (with our plugin), and its JUnit XML read back
into counts of Odoo tests and Odoo-free tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .names import PYTEST_PLUGIN


@dataclass
class JunitCounts:
    """What a pytest run did, split into Odoo tests and Odoo-free tests."""

    odoo_ran: int = 0
    odoo_skipped: int = 0
    free_ran: int = 0
    free_skipped: int = 0
    misimported: int = 0


def count_junit(path: Path) -> JunitCounts:
    """Odoo tests are those imported as odoo.addons.* (recorded by tools/snn_pytest_plugin)."""
    counts = JunitCounts()
    if not path.exists():
        return counts
    for case in ET.parse(path).iter("testcase"):  # noqa: S314 - our own pytest's output
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        module = props.get("python_module", "")
        skipped = case.find("skipped") is not None
        if module.startswith("odoo.addons."):
            counts.odoo_ran += not skipped
            counts.odoo_skipped += skipped
        else:
            counts.misimported += case.get("classname", "").startswith("addons.")
            counts.free_ran += not skipped
            counts.free_skipped += skipped
    return counts


def pytest_command(py: Path, paths: list, junit: Path, extra: list) -> list:
    """One pytest over all given paths; our plugin tags each test with its import name."""
    return [
        py,
        "-m",
        "pytest",
        *paths,
        f"--junitxml={junit}",
        "-p",
        PYTEST_PLUGIN,
        "-o",
        "junit_family=xunit1",
        *extra,
    ]
