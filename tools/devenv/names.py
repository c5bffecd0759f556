"""Where things are, and every name devenv uses of the project's own code, in one place.

devenv imports nothing of the project (it must run before .venv exists); it starts the engine's
demo programs by module name and installs the engine into .venv by path. When the engine's
packages move or are renamed, this file is the one to change.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENV = ROOT / ".venv"
RUN = ROOT / ".run"  # everything generated: demo cluster, demo files, test results
ADDONS = ROOT / "addons"
RESULTS = RUN / "test-results"
TOOLS = ROOT / "tools"

# How .venv gets the project's own Python code: after the pinned requirements, `pip install -e`
# of every distribution under packages/ (a directory with a pyproject.toml), the test kit too.
# What decides the venv's content (hashed: an unchanged venv is not re-installed): STAMP_INPUTS
# (relative to ROOT) and each of those distributions' pyproject.toml.
PACKAGES = ROOT / "packages"
REQUIREMENTS = ROOT / "requirements-test.txt"  # includes requirements.txt
STAMP_INPUTS = ("requirements.txt", "requirements-test.txt")


def editable_installs() -> list[Path]:
    """The project's distributions, in name order."""
    return sorted(p.parent for p in PACKAGES.glob("*/pyproject.toml"))


# The engine's demo programs, started as `python -m <module> ...` (see demo_services.py).
BRIDGE_MODULE = "snn_sign_testkit.demo_bridge"  # token bridge on a SoftHSM2 demo token
EXCHANGE_MODULE = "snn_sign_testkit.demo_exchange"  # local stand-in of the document exchange (LGSP)

# pytest plugin of tools/ (tools/snn_pytest_plugin.py): each test's import name in the JUnit XML.
PYTEST_PLUGIN = "snn_pytest_plugin"

# The add-on whose presence asks for the exchange stand-in in the demo.
DISPATCH_ADDON = "snn_dispatch"

DEMO_DB = "snn_demo"
