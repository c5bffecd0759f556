"""The wheels a deployment installs: ``tools/build_wheels.py`` builds the runtime distributions of
packages/ (``snn-sign``, ``snn-token-bridge``, ``snn-edxml``, ``snn-office-convert``; not the test
kit) and one ``odoo-addon-<module>`` per add-on (whool), and Odoo 19 loads the modules from a
fresh virtualenv that holds only the wheels the add-ons need and Odoo's Python requirements,
then installs them into a database of a throwaway PostgreSQL cluster: no addons path points
into this repository.

Odoo itself is not on PyPI (it ships as source archives and Debian packages), so the add-on
wheels, which require ``odoo==19.0.*``, are installed with ``--no-deps``, and the Odoo 19 source
tree that ``make`` uses is put on PYTHONPATH. PyPI must be reachable (pip's cache makes a second
run fast).
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import devenv
import psycopg2
import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
ADDONS = (
    "snn_docflow",
    "snn_signing",
    "snn_dispatch",
    "snn_report",
    "snn_office",
    "snn_incoming",
    "snn_copies",
)
# The runtime distributions of packages/ (the test kit is built only on request)
PACKAGES = ("snn-sign", "snn-token-bridge", "snn-edxml", "snn-office-convert")
# Where tools/devenv.py looks for an Odoo 19 source tree when ODOO_SRC is unset and the Python
# running the tests does not import odoo by itself (it does under `make test`: PYTHONPATH).
ODOO_WELL_KNOWN = (
    Path("/opt/odoo/19.0"),
    Path.home() / ".local" / "share" / "snn-docflow" / "odoo-19.0",
)

# Run inside the fresh venv, with only the Odoo source tree on PYTHONPATH: load the modules
# the way the server does, and say where everything came from.
_CHECK = """
import json, sys
import odoo
from odoo.modules import module
from odoo.tools import config

config.parse_config(sys.argv[1:])
module.initialize_sys_path()
found = {"addons_path": list(odoo.addons.__path__), "modules": module.get_modules()}
for name in (
    "snn_docflow", "snn_signing", "snn_dispatch", "snn_report", "snn_office", "snn_incoming",
    "snn_copies",
):
    manifest = module.get_manifest(name)
    manifest.check_manifest_dependencies()  # external_dependencies: snn-sign, ... installed
    module.load_openerp_module(name)  # imports the module's Python code, as the server does
    found[name] = {
        "file": sys.modules["odoo.addons." + name].__file__,
        "manifest_path": manifest.path,
        "version": manifest["version"],
    }
import snn_edxml, snn_office_convert, snn_sign
found["snn"] = [m.__file__ for m in (snn_sign, snn_edxml, snn_office_convert)]
try:
    import snn_sign_testkit
    found["testkit"] = snn_sign_testkit.__file__
except ModuleNotFoundError:
    found["testkit"] = None
found["odoo"] = odoo.release.version
print(json.dumps(found))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without what would let the venv's Python see the project's .venv or
    source tree."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "ODOO_RC"):
        env.pop(name, None)
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def _run(cmd: list, *, cwd: Path, timeout: float = 120, **extra_env: str):
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=_clean_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _is_odoo19_tree(root: Path) -> bool:
    release = root / "odoo" / "release.py"
    return release.is_file() and "version_info = (19," in release.read_text(encoding="utf-8")


def find_odoo_root() -> Path:
    """The directory that holds the ``odoo`` package, found as tools/devenv.py finds it:
    ODOO_SRC, an odoo this Python imports, then the well-known places. Never skips: without
    Odoo 19 this test fails and says how to provide it."""
    src = os.environ.get("ODOO_SRC")
    if src:
        root = Path(src).expanduser().resolve()
        assert _is_odoo19_tree(root), f"ODOO_SRC={src} is not an Odoo 19 source tree"
        return root
    probe = subprocess.run(
        [sys.executable, "-c", "import os, odoo.release as r; print(r.__file__)"],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    if probe.returncode == 0:
        root = Path(probe.stdout.strip()).parent.parent
        if _is_odoo19_tree(root):
            return root
    for root in ODOO_WELL_KNOWN:
        if _is_odoo19_tree(root):
            return root
    pytest.fail(
        "Odoo 19 not found: set ODOO_SRC to an Odoo 19 source tree (branch 19.0 of "
        "https://github.com/odoo/odoo), or run `make test`, which finds or downloads it"
    )


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    r = _run(
        [sys.executable, REPO / "tools" / "build_wheels.py", "--out", out], cwd=out, timeout=300
    )
    assert r.returncode == 0, r.stdout + r.stderr
    built = {_metadata(w)["Name"]: w for w in out.glob("*.whl")}
    assert set(built) == {*PACKAGES, *(f"odoo-addon-{a}" for a in ADDONS)}, built
    return built


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return HeaderParser().parsestr(zf.read(name).decode("utf-8"))


def _requires(wheel: Path) -> dict[str, Requirement]:
    reqs = (Requirement(r) for r in _metadata(wheel).get_all("Requires-Dist") or [])
    return {r.name: r for r in reqs if not r.marker}


@pytest.mark.slow  # builds eleven wheels with isolated build environments: ~30 s
def test_wheels_declare_odoo_the_addons_and_the_engine(wheels):
    docflow = _requires(wheels["odoo-addon-snn_docflow"])
    signing = _requires(wheels["odoo-addon-snn_signing"])
    dispatch = _requires(wheels["odoo-addon-snn_dispatch"])
    report = _requires(wheels["odoo-addon-snn_report"])
    office = _requires(wheels["odoo-addon-snn_office"])
    incoming = _requires(wheels["odoo-addon-snn_incoming"])
    copies = _requires(wheels["odoo-addon-snn_copies"])
    assert set(docflow) == {"odoo", "snn-sign"}  # mail and hr are Odoo's own
    assert set(signing) == {"odoo", "odoo-addon-snn_docflow", "snn-sign"}
    # each add-on names the distributions it imports: dispatch only edXML and the exchange
    assert set(dispatch) == {"odoo", "odoo-addon-snn_signing", "snn-edxml"}
    # attachment_indexation is Odoo's own; XlsxWriter is one of Odoo's requirements too
    assert set(report) == {"odoo", "odoo-addon-snn_dispatch", "snn-sign", "xlsxwriter"}
    assert set(office) == {"odoo", "odoo-addon-snn_dispatch", "snn-office-convert", "snn-sign"}
    assert set(incoming) == {"odoo", "odoo-addon-snn_dispatch", "snn-edxml", "snn-sign"}
    assert set(copies) == {"odoo", "odoo-addon-snn_incoming", "odoo-addon-snn_report", "snn-sign"}
    for reqs in (docflow, signing, dispatch, report, office, incoming, copies):
        assert reqs["odoo"].specifier.contains("19.0")
        assert not reqs["odoo"].specifier.contains("18.0")
        assert not reqs["odoo"].specifier.contains("19.1")
    docflow_version = _metadata(wheels["odoo-addon-snn_docflow"])["Version"]
    assert signing["odoo-addon-snn_docflow"].specifier.contains(docflow_version)
    for reqs, dist in (
        (signing, "snn-sign"),
        (dispatch, "snn-edxml"),
        (office, "snn-office-convert"),
    ):
        assert reqs[dist].specifier.contains(_metadata(wheels[dist])["Version"]), dist
    # the distributions among themselves: the bridge server and edXML on the PDF package
    engine = _metadata(wheels["snn-sign"])["Version"]
    for dist in ("snn-token-bridge", "snn-edxml", "snn-office-convert"):
        assert _requires(wheels[dist])["snn-sign"].specifier.contains(engine), dist
    assert {"aiohttp", "python-pkcs11"} <= set(_requires(wheels["snn-token-bridge"]))
    # the PKCS#11 binding is the bridge's alone; aiohttp is the engine's too (pyHanko's HTTP
    # client for OCSP, CRLs and timestamps, whose session snn_sign.longterm holds)
    assert "python-pkcs11" not in _requires(wheels["snn-sign"])
    assert "aiohttp" in _requires(wheels["snn-sign"])
    with zipfile.ZipFile(wheels["odoo-addon-snn_signing"]) as zf:
        names = set(zf.namelist())
    assert "odoo/addons/snn_signing/__manifest__.py" in names
    assert "odoo/addons/snn_signing/static/description/icon.png" in names
    assert not any("/tests/" in n and n.endswith(".pyc") for n in names)


@pytest.mark.slow  # a venv with Odoo's requirements, then an install: about a minute with a cache
def test_odoo_loads_and_installs_the_modules_from_the_wheels(wheels, tmp_path):
    odoo_root = find_odoo_root()
    venv = tmp_path / "venv"
    r = _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    # The distributions the add-ons import, with their own dependencies, and Odoo's Python
    # requirements (this project's pins).
    engine = [wheels[d] for d in ("snn-sign", "snn-edxml", "snn-office-convert")]
    r = _run([*pip, "-r", REPO / "requirements.txt", *engine], cwd=tmp_path, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    # The add-ons without dependencies: the one they name that is missing is Odoo, not on PyPI.
    addons = [wheels[f"odoo-addon-{a}"] for a in ADDONS]
    r = _run([*pip, "--no-deps", *addons], cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr

    core_addons = odoo_root / "addons"  # Odoo's own (mail, hr); a packaged Odoo has none here
    args = ["--addons-path", core_addons] if core_addons.is_dir() else []
    (tmp_path / "check.py").write_text(_CHECK, encoding="utf-8")
    r = _run(
        [venv / "bin" / "python", tmp_path / "check.py", *args],
        cwd=tmp_path,
        PYTHONPATH=str(odoo_root),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    found = json.loads(r.stdout.strip().splitlines()[-1])

    site = next((venv / "lib").glob("python3*/site-packages"))
    assert found["odoo"].startswith("19.0")
    assert set(ADDONS) <= set(found["modules"])
    assert not [p for p in found["addons_path"] if Path(p).is_relative_to(REPO)]
    for name in ADDONS:
        where = site / "odoo" / "addons" / name
        assert Path(found[name]["file"]) == where / "__init__.py"
        assert Path(found[name]["manifest_path"]) == where
        manifest = ast.literal_eval((REPO / "addons" / name / "__manifest__.py").read_text())
        assert found[name]["version"] == manifest["version"]
    assert all(Path(f).is_relative_to(site) for f in found["snn"]), found["snn"]
    assert found["testkit"] is None  # the add-ons' runtime needs no test kit

    # And Odoo installs them from there into a database: their data files, views, security,
    # reports and translations came with the wheels (a file left out of one fails here).
    with devenv.throwaway_server() as server:
        dbname = f"snn_wheels_{secrets.token_hex(4)}"
        conf = tmp_path / "odoo.conf"
        conf.write_text(
            "[options]\n"
            + (f"addons_path = {core_addons}\n" if core_addons.is_dir() else "")
            + f"db_host = {server.host}\ndb_port = {server.port}\ndb_user = {server.user}\n"
            + (f"db_password = {server.password}\n" if server.password else "")
            + f"data_dir = {tmp_path / 'data'}\nadmin_passwd = {secrets.token_urlsafe(24)}\n"
        )
        try:
            odoo_args = ["-c", conf, "-d", dbname, "-i", ",".join(ADDONS), "--stop-after-init"]
            r = _run(
                [venv / "bin" / "python", "-m", "odoo", *odoo_args, "--log-level=warn"],
                cwd=tmp_path,
                timeout=600,
                PYTHONPATH=str(odoo_root),
            )
            log = r.stdout + r.stderr
            assert r.returncode == 0, log
            assert not devenv_problems(log), log
            installed = _query(
                server,
                dbname,
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                [list(ADDONS)],
            )
            assert {row[0] for row in installed} == set(ADDONS)
            views = _query(
                server,
                dbname,
                "SELECT module, count(*) FROM ir_model_data WHERE model = 'ir.ui.view' "
                "AND module = ANY(%s) GROUP BY module",
                [list(ADDONS)],
            )
            assert {row[0] for row in views} == set(ADDONS), "each module's views are loaded"
        finally:
            if devenv.configured_server():
                _query(server, "postgres", f'DROP DATABASE IF EXISTS "{dbname}"', autocommit=True)


def devenv_problems(log: str) -> list[str]:
    """ERROR/CRITICAL lines of an Odoo log, as `make test` refuses them at install."""
    return [line for line in log.splitlines() if devenv.ODOO_LOG_PROBLEM.match(line)]


def _query(server, dbname: str, query: str, params=None, *, autocommit: bool = False):
    connection = psycopg2.connect(**server.dsn(dbname))
    connection.autocommit = autocommit
    try:
        with connection.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []
    finally:
        connection.close()
