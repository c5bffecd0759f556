"""An upgrade keeps everything: a database made by the previous release (its modules installed
from that release's code, checked out of this repository's history into a temporary
directory, and filled through the steps by upgrade_shell.py) is updated with ``-u`` to the
current code, as an administrator upgrades a server; then the same lines read it again and
every number, file, trail row, anchor, signature and verdict is what it was, the trails and
signatures verify, and the next document continues the series. A module whose fields changed
since must carry a higher version in its manifest (else ``-u`` of a packaged release would not
run its migration scripts).

Odoo runs in subprocesses on a database of its own, on this test's PostgreSQL server, with the
test's data directory; the token bridge is the test kit's, as for the other signing tests. The
previous release's Odoo-free packages (snn-sign and the rest) come first on its PYTHONPATH, so
its add-ons run with the engine they shipped with."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from io import BytesIO
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.module import get_manifest
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import config
from odoo.tools.parse_version import parse_version

from odoo.addons.snn_signing.tests.common import demo_pki, start_demo_bridge

# The previous landed release: main at stop 34 (before the format's check, the copies' sending
# and deliveries, the shared copy record, the access history's download kind). A newer release
# moves this forward; a fresh clone has the history (a shallow clone does not: the test says so).
PREVIOUS_RELEASE = "31c25527c0d2d245a2155a4a29e88936201f621e"
MODULES = (
    "snn_docflow",
    "snn_signing",
    "snn_dispatch",
    "snn_report",
    "snn_office",
    "snn_incoming",
    "snn_copies",
)
ADDONS = Path(__file__).resolve().parents[2]
REPOSITORY = ADDONS.parent
SHELL_SCRIPT = Path(__file__).with_name("upgrade_shell.py")
ODOO_LOG_PROBLEM = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ", re.M)
FIELDS_BY_MODULE = """
    SELECT d.module, f.model, f.name, f.ttype, COALESCE(f.relation, '')
      FROM ir_model_fields f
      JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
     WHERE d.module = ANY(%s)
"""
# The tables of the suite's models (and the indexes it adds to Odoo's attachments) as
# PostgreSQL has them: an upgraded database must have the same as a fresh install.
COLUMNS = """
    SELECT table_name, column_name, data_type, is_nullable
      FROM information_schema.columns
     WHERE table_schema = current_schema AND table_name LIKE 'snn\\_%'
"""
INDEXES = """
    SELECT tablename, indexname, indexdef
      FROM pg_indexes
     WHERE schemaname = current_schema
       AND (tablename LIKE 'snn\\_%' OR indexname LIKE 'ir\\_attachment%')
"""
TIMEOUT = 900  # seconds for one Odoo run: an install of every module takes about two minutes


def previous_release(target):
    """The previous release's add-ons and packages, extracted from the repository's history."""
    try:
        archive = subprocess.run(
            ["git", "-C", REPOSITORY, "archive", PREVIOUS_RELEASE, "addons", "packages"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        raise AssertionError(
            f"The previous release {PREVIOUS_RELEASE[:12]} cannot be read from the repository "
            f"at {REPOSITORY} ({error}; {detail.decode(errors='replace').strip()}). The upgrade "
            "test needs the project's git history: clone it whole (not --depth)."
        ) from error
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


@tagged("post_install", "-at_install")
class TestUpgrade(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.running = start_demo_bridge(cls)
        cls.workdir = Path(tempfile.mkdtemp(prefix="snn-upgrade-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.old = previous_release(cls.workdir / "previous")
        cls.tag = uuid.uuid4().hex[:6]
        cls.dbname = f"{get_db_name()}_upgrade_{cls.tag}"
        cls.addClassCleanup(cls._drop)

    @classmethod
    def _drop(cls):
        Registry.delete(cls.dbname)
        if cls.dbname in db_service.list_dbs(force=True):
            db_service.exp_drop(cls.dbname)

    # ------------------------------------------------------------------ Odoo in subprocesses

    def _conf(self, addons, name):
        """An Odoo configuration for this server and data directory, with ``addons``."""
        paths = [p for p in config["addons_path"] if Path(p).resolve() != ADDONS]
        options = {
            "addons_path": ",".join([str(addons), *paths]),
            "data_dir": config["data_dir"],
            "admin_passwd": secrets.token_urlsafe(16),
            "log_level": "warn",
            **{k: config[k] for k in ("db_host", "db_port", "db_user", "db_password") if config[k]},
        }
        text = "[options]\n" + "".join(f"{k} = {v}\n" for k, v in options.items())
        text += f"\n[snn]\nsecrets_dir = {self.secrets_dir}\n"
        path = self.workdir / name
        path.write_text(text)
        path.chmod(0o600)
        return path

    def _odoo(self, conf, *args, command=(), release="current", stdin=None, settings=None):
        """Run Odoo; its log must end well and hold no ERROR or CRITICAL line."""
        env = {**os.environ, **demo_pki().env()}
        if settings:
            env["SNN_UPGRADE_SETTINGS"] = json.dumps(settings)
        if release == "previous":
            packages = [str(p) for p in sorted((self.old / "packages").iterdir()) if p.is_dir()]
            env["PYTHONPATH"] = os.pathsep.join([*packages, env.get("PYTHONPATH", "")])
        run = subprocess.run(
            [sys.executable, "-m", "odoo", *command, "-c", conf, "-d", self.dbname, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT,
            check=False,
        )
        log = run.stdout + run.stderr
        problems = ODOO_LOG_PROBLEM.findall(log)
        self.assertFalse(run.returncode or problems, f"odoo {' '.join(args)} ({release}):\n{log}")
        return log

    def _shell(self, conf, mode, release):
        state_file = self.workdir / f"state-{mode}-{release}.json"
        settings = {"mode": mode, "tag": self.tag, "state_file": str(state_file)}
        if mode == "fill":
            pki = demo_pki()
            settings["signing"] = {
                "url": self.running.url,
                "client_name": self.running.client_name,
                "secret_file": str(self.running.secret_file),
                "secrets_dir": str(self.secrets_dir),
                "org_name": pki.org_name,
                "signer_name": pki.signer_name,
                "signer_label": pki.signer_label,
                "seal_label": pki.seal_label,
                "ca_cert": str(pki.ca_cert),
                "seal_png": str(pki.seal_png),
                "signature_png": str(pki.signature_png),
            }
        self._odoo(
            conf,
            command=["shell"],
            release=release,
            stdin=SHELL_SCRIPT.read_text(),
            settings=settings,
        )
        self.assertTrue(state_file.exists(), f"odoo shell ({release}, {mode}) wrote no state")
        return json.loads(state_file.read_text())

    def _schema(self):
        """(module -> version, module -> its fields) as the database has them now."""
        with sql_db.db_connect(self.dbname).cursor() as cr:  # no registry on the old schema
            cr.execute(
                "SELECT name, latest_version FROM ir_module_module WHERE name = ANY(%s)",
                [list(MODULES)],
            )
            versions = dict(cr.fetchall())
            cr.execute(FIELDS_BY_MODULE, [list(MODULES)])
            fields = {}
            for module, *field in cr.fetchall():
                fields.setdefault(module, set()).add(tuple(field))
        return versions, fields

    @staticmethod
    def _tables(dbname):
        """The columns and indexes of the suite's tables in ``dbname``."""
        with sql_db.db_connect(dbname).cursor() as cr:
            cr.execute(COLUMNS)
            columns = set(cr.fetchall())
            cr.execute(INDEXES)
            indexes = set(cr.fetchall())
        return columns, indexes

    # ------------------------------------------------------------------ the test

    def test_a_database_of_the_previous_release_upgrades_with_nothing_lost(self):
        old_conf = self._conf(self.old / "addons", "previous.conf")
        new_conf = self._conf(ADDONS, "current.conf")
        self._odoo(old_conf, "-i", ",".join(MODULES), "--stop-after-init", release="previous")
        before = self._shell(old_conf, "fill", "previous")
        versions_before, fields_before = self._schema()

        self._odoo(new_conf, "-u", ",".join(MODULES), "--stop-after-init")
        after = self._shell(new_conf, "state", "current")
        versions_after, fields_after = self._schema()

        # What the previous release made holds as it was, and holds up.
        self.assertEqual(after, before)
        documents = {d["subject"]: d for d in after["documents"]}
        self.assertEqual(len(documents), 5)
        numbers = sorted((d["register"], d["number"]) for d in documents.values() if d["number"])
        self.assertEqual(
            numbers, [("Sổ văn bản mật", 1), ("Sổ văn bản đi", 1), ("Sổ văn bản đi", 2)]
        )
        for document in documents.values():
            self.assertEqual(document["trail_problems"], [], document["subject"])
        signed = [d for d in documents.values() if d["signatures"]]
        self.assertEqual(len(signed), 2)
        for document in signed:
            self.assertEqual(document["signed_file"], document["signed_sha256"])
            self.assertEqual(
                [(valid, why) for _kind, valid, why in document["signatures"]],
                [(True, None), (True, None)],
                document["subject"],
            )
        self.assertEqual(
            {d["state"] for d in documents.values()},
            {"issued", "recalled", "draft", "approved"},
        )
        self.assertTrue(any(d["copies"] for d in documents.values()), "the sao y")
        self.assertTrue(any(d["secret_copies"] for d in documents.values()), "paper copies")
        self.assertTrue(any(d["paper_copies"] for d in documents.values()), "paper originals")
        self.assertEqual(
            {(i["company"], i["signature_state"]) for i in after["incoming"]},
            {("SNN", "valid"), ("SXD", "valid")},
        )

        # The upgraded database has the tables, columns, NOT NULLs and indexes (the searches'
        # trigram ones among them) of a database installed with the current code: this test's.
        upgraded, fresh = self._tables(self.dbname), self._tables(get_db_name())
        self.assertIn(("snn_document", "number", "integer", "YES"), fresh[0])
        self.assertIn("snn_document_pkey", {name for _table, name, _sql in fresh[1]})
        self.assertEqual(upgraded[0], fresh[0], "columns")
        self.assertEqual(upgraded[1], fresh[1], "indexes")

        # A module whose fields changed carries a higher version than it had.
        for module in MODULES:
            if fields_after.get(module) != fields_before.get(module):
                with self.subTest(module=module):
                    self.assertGreater(
                        parse_version(versions_after[module]),
                        parse_version(versions_before[module]),
                        f"{module}'s fields changed since the previous release, its version "
                        f"did not ({versions_before[module]})",
                    )
            self.assertEqual(versions_after[module], get_manifest(module)["version"])

        # The current code goes on where the previous release stopped.
        # Loading a registry is not a test run: with test_enable Odoo would run every module's
        # at_install tests on it (as test_backup_restore loads its copy).
        with patch.dict(config.options.maps[0], {"test_enable": False}):
            registry = Registry(self.dbname)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            document = env["snn.document"].search(
                [("subject", "=", "Về việc đề nghị thẩm định dự toán"), ("state", "=", "approved")]
            )
            clerk = env["res.users"].search([("login", "=", f"clerk_SNN_{self.tag}")])
            document.with_user(clerk).action_check_format()
            document.with_user(clerk).action_issue()
            self.assertEqual((document.state, document.number), ("issued", 3))
            self.assertEqual(document._trail_problems(), [])
            document.action_verify_signatures()
            self.assertEqual(document.signature_ids.mapped("valid"), [True, True])
            cr.rollback()
