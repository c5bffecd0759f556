"""The demo database's settings that exist only at run time: the demo company's seal and the
director's key on the demo token bridge, the company on the exchange's stand-in, and a letter
another agency sent it through the stand-in.

The fixed part is data, demo.json:
- certificates: whom the demo token's certificates name, the demo company and director of
  snn_docflow's demo data (addons/snn_docflow/demo/snn_docflow_demo.xml). snn_signing refuses a
  seal certificate whose CN/O is neither the company's name nor its snn_org_full_name, and a
  personal certificate that does not name the user.
- signing: the records to set up (XML ids), the bridge record's name, the values written with a
  new token.
- dispatch: the demo company's agency code (OrganId), the one snn_dispatch's tests give their
  company (the outside agency of snn_dispatch's demo data is 000.00.00.H53), and the id of the
  demo's system on the stand-in, which serves that code (demo_services.py).
- incoming: the system id of the agency that writes to the demo company (the Department of
  Finance, 000.00.00.H53, as snn_sign_testkit.demo_incoming makes its letter).
demo_shell.py writes them, run in `odoo shell` with these and the services' JSON lines.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from .common import Fail, probe, say
from .names import DEMO_DB, ROOT, RUN
from .odoo_db import Site

DEMO_DATA = Path(__file__).with_name("demo.json")
DEMO_SHELL_SCRIPT = Path(__file__).with_name("demo_shell.py")
# The demo's secrets directory (secrets_dir in the [snn] section of .run/odoo.conf): the modules
# read a secret file by name from <this directory>/<company id>/, never from a path in the database.
DEMO_SECRETS = RUN / "secrets"
DEMO_CONFIG_LINE = re.compile(r"^SNN-DEMO (signing|dispatch|incoming): (.*)$")
DEMO_PARTS = {"signing", "dispatch", "incoming"}


@functools.cache
def demo_data() -> dict:
    """demo.json, read once."""
    return json.loads(DEMO_DATA.read_text(encoding="utf-8"))


def configure_demo(site: Site, conf: Path, bridge: dict, exchange: dict | None) -> None:
    """Run demo_shell.py in one `odoo shell` on the demo database and check what it says."""
    settings = {**demo_data(), "bridge": bridge, "exchange": exchange}
    settings["secrets_dir"] = str(DEMO_SECRETS)
    # The bridge's and stand-in's JSON lines name their secret files, never hold a secret.
    env = {**site.odoo.env(), "SNN_DEMO_SETTINGS": json.dumps(settings)}
    cmd = [site.py, "-m", "odoo", "shell", "-c", conf, "-d", DEMO_DB, "--log-level=warn"]
    with DEMO_SHELL_SCRIPT.open() as script:
        out = probe(cmd, stdin=script, env=env, cwd=ROOT)
    lines = (out.stdout + out.stderr).strip().splitlines()
    done = dict(m.groups() for m in map(DEMO_CONFIG_LINE.match, lines) if m)
    if out.returncode != 0 or set(done) != DEMO_PARTS:
        raise Fail("configuring the demo's services failed:\n" + "\n".join(lines[-20:]))
    for what, result in done.items():
        say(f"demo {what}: {result}")
