#!/usr/bin/env python3
"""Developer environment behind `make run`, `make test` and friends.

Standard library only: it must run on any python3 >= 3.10 *before* the project's virtualenv
exists. It makes that virtualenv, checks the Debian packages the signing code needs, finds
Odoo 19 (never copying it into the project), starts a private PostgreSQL cluster when no
database server is configured, and then either serves the demo (with a token bridge on a demo
token, see "demo signing" below) or runs every test on a throwaway database.

    python3 tools/devenv.py venv | run | reset-demo | stop | test [pytest args] |
                            test-sign [pytest args] | test-core | lint | clean

Configuration (environment variables) is described in README.md, section "Configuration".
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
RUN = ROOT / ".run"
ADDONS = ROOT / "addons"
RESULTS = RUN / "test-results"
TOOLS = ROOT / "tools"

# Interpreters in order of preference: 3.12 is recommended; the suite also passed on the others.
PY_PREFERENCE = ((3, 12), (3, 13), (3, 11), (3, 10))
STAMP_INPUTS = ("requirements.txt", "requirements-test.txt", "setup.cfg", "pyproject.toml")

# Debian packages the signing engine and the tests need, each with a file it installs (checked
# instead of dpkg on systems without dpkg). Chromium runs Odoo's browser (tour) tests.
SYSTEM_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "softhsm2": "/usr/lib/softhsm/libsofthsm2.so",
    "opensc": "/usr/bin/pkcs11-tool",
    "poppler-utils": "/usr/bin/pdfsig",
    "fonts-liberation2": "/usr/share/fonts/truetype/liberation2",
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu",
    "wkhtmltopdf": "/usr/bin/wkhtmltopdf",  # Odoo's QWeb PDF reports (registers, periodic report)
    # soffice (from libreoffice-common, which it pulls in) converts .docx/.odt drafts to PDF
    "libreoffice-writer-nogui": "/usr/lib/libreoffice/program/libswlo.so",
}

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

PG_MIN_MAJOR = 13
PG_ROLE = "odoo"  # Odoo refuses to connect as `postgres`
DEMO_DB = "snn_demo"
ODOO_LOG_PROBLEM = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")
ODOO_LOG_WARNING = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ WARNING ")
# Any Odoo log line: date time pid LEVEL db logger: message (tracebacks continue unprefixed).
ODOO_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): "
    r"(?P<message>.*)$"
)
# What Odoo's test runner logs (odoo/tests/result.py, odoo/service/server.py): one result line
# per database, one stats line per module, and `skipped <test> : <reason>` for every skip (the
# result line has no skip count; the skip line is INFO, hence --log-level=info for the runner).
ODOO_TEST_RESULT = re.compile(r"^(\d+) failed, (\d+) error\(s\) of (\d+) tests\b")
ODOO_TEST_STATS = re.compile(r"^(\w+): (\d+) tests\b")
ODOO_TEST_SKIP = re.compile(r"^skipped (.+) : ")
ODOO_BROWSER_LATE = re.compile(r"^(Error|Exception) received after termination: ")
# `make test` runs the module tests a second time through Odoo's own runner unless this is 0
# (never on CI); `make test-core` runs these tests of Odoo's modules with ours installed.
ODOO_RUNNER_ENV = "SNN_TEST_ODOO_RUNNER"
CORE_TEST_TAGS = (
    "/hr",
    "/base_setup",
    "mail_activity/mail",  # mail's activity tests (TestMailActivityChatter, ...Integrity)
    # base's tests of what we override: res.users.write, res.company.write, ir.attachment
    "/base:TestIrAttachment",
    "/base:TestPermissions",
    "/base:TestUsers",
    "/base:TestUsers2",
    "/base:TestUsersTweaks",
    "/base:TestUsersIdentitycheck",
    "/base:TestCompany",
    # web basics: login, menus, session info, user settings. Not the user switch tour
    # (TestUserSwitch): here it waits for the bus websocket after logging in again and times
    # out at step 14 with hr alone installed too, without our modules.
    "/web:TestWebLogin",
    "/web:LoadMenusTests",
    "/web:TestSessionInfo",
    "/web:TestResUsers",
    # Expects /web/login_successful for a portal user, "valid without portal installed" (its
    # words): run after loading, portal (hr -> digest -> portal) sends that user to /my.
    "-/web:TestWebLogin.test_web_login_external",
    # Odoo's click-everywhere bot as admin: every app's menus, views, filters and group-bys
    # (ours among them) open without a client error. Not a standard test: asked by its tag.
    "click_all/web:TestMenusAdmin",
)
# Odoo runs a module's at_install tests right after installing it, so a core module's tests
# never see the modules that depend on it. For `make test-core` this wrapper around Odoo's own
# runner runs nothing while modules load and every selected test (at_install and post_install)
# once the whole registry, our overrides included, is loaded.
CORE_RUNNER = """\
import sys
from odoo.tests import loader
from odoo.tests.suite import OdooSuite

make_suite = loader.make_suite


def after_loading(module_names, position="at_install"):
    if position == "at_install":
        return OdooSuite([])
    tests = [*make_suite(module_names, "at_install"), *make_suite(module_names, "post_install")]
    return OdooSuite(sorted(tests, key=lambda t: getattr(t, "test_sequence", 0)))


loader.make_suite = after_loading
sys.argv = ["odoo", *sys.argv[1:]]
from odoo.cli.command import main

main()
"""


class Fail(Exception):
    """A problem the user must fix; printed without a traceback."""


def say(message: str) -> None:
    """Progress goes to stderr so that CI logs interleave it with subprocess output."""
    print(f"[devenv] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def step(name: str):
    """Time each phase: the report and CI logs show where a slow run spends its time."""
    say(f"{name} ...")
    start = time.monotonic()
    yield
    say(f"{name}: done in {time.monotonic() - start:.1f}s")


def run(cmd: list, *, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run a command and fail loudly: a half-made environment is worse than a clear stop."""
    try:
        return subprocess.run([str(c) for c in cmd], check=check, **kwargs)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "") if kwargs.get("capture_output") else ""
        command = " ".join(map(str, cmd))
        raise Fail(f"command failed ({exc.returncode}): {command}\n{detail}") from exc


def probe(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Run a command whose failure is an answer, not an error; output captured as text."""
    return run(cmd, check=False, capture_output=True, text=True, **kwargs)


def is_root() -> bool:
    """Root needs special care: initdb and postgres refuse to run as root."""
    return os.geteuid() == 0


# --------------------------------------------------------------------------- Python and venv


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
    for name in STAMP_INPUTS:
        path = ROOT / name
        if path.exists():
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
        run([*pip, "install", "-r", ROOT / "requirements-test.txt"], cwd=ROOT)
        run([*pip, "install", "-e", ROOT], cwd=ROOT)
    stamp_file.write_text(stamp + "\n")
    return py


# --------------------------------------------------------------------------- system packages


def missing_system_packages() -> list[str]:
    """Ask dpkg when there is one; elsewhere look for a file each package installs."""
    names = list(SYSTEM_PACKAGES)
    if not shutil.which("dpkg-query"):
        return [n for n in names if not Path(SYSTEM_PACKAGES[n]).exists()]
    fmt = "${Package} ${db:Status-Status}\n"
    out = probe(["dpkg-query", "-W", f"-f={fmt}", *names])
    installed = {line.split()[0] for line in out.stdout.splitlines() if line.endswith(" installed")}
    return [n for n in names if n not in installed]


def ensure_system_packages() -> None:
    """Install missing Debian packages as root; otherwise say exactly what to run."""
    missing = missing_system_packages()
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if not (is_root() and shutil.which("apt-get")):
        raise Fail("missing system packages; install them with:\n  sudo " + " ".join(command))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with step(f"installing system packages: {' '.join(missing)}"):
        run(["apt-get", "update"], env=env)
        run(command, env=env)


# --------------------------------------------------------------------------- Odoo


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


# --------------------------------------------------------------------------- PostgreSQL


@dataclass
class DbServer:
    """Connection settings Odoo and our SQL helper use."""

    host: str
    port: int
    user: str
    password: str = ""

    def dsn(self, dbname: str = "postgres") -> dict:
        """psycopg2 keyword arguments."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password or None,
            "dbname": dbname,
        }


@dataclass
class Site:
    """What every Odoo step needs: the venv's Python, Odoo, and a database server."""

    py: Path
    odoo: Odoo
    server: DbServer

    def odoo_command(self, conf: Path, *args) -> list:
        """`python -m odoo` works for a source tree and an installed package alike."""
        return [self.py, "-m", "odoo", "-c", conf, *args]


def configured_server() -> DbServer | None:
    """SNN_DB_HOST selects an existing server; without it we run our own private cluster."""
    host = os.environ.get("SNN_DB_HOST")
    if not host:
        return None
    server = DbServer(
        host,
        int(os.environ.get("SNN_DB_PORT", "5432")),
        os.environ.get("SNN_DB_USER", PG_ROLE),
        os.environ.get("SNN_DB_PASSWORD", ""),
    )
    if server.user == "postgres":
        raise Fail("SNN_DB_USER=postgres: Odoo refuses that role; use a role with CREATEDB")
    return server


def sql(site: Site, statement: str, params=(), dbname="postgres") -> list:
    """Run one statement with the venv's psycopg2 (no psql needed on a configured server)."""
    code = (
        "import json, sys, psycopg2\n"
        "a = json.loads(sys.stdin.read())\n"
        "c = psycopg2.connect(**a['dsn']); c.autocommit = True; cur = c.cursor()\n"
        "cur.execute(a['sql'], a['params'])\n"
        "print(json.dumps(cur.fetchall() if cur.description else []))\n"
    )
    payload = {"dsn": site.server.dsn(dbname), "sql": statement, "params": list(params)}
    # On stdin, not argv: a configured server's password must not show up in `ps`.
    out = run([site.py, "-c", code], input=json.dumps(payload), capture_output=True, text=True)
    return json.loads(out.stdout)


def free_port() -> int:
    """Ask the kernel for a free TCP port: the cluster must never collide with another one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_major(bindir: Path) -> int | None:
    """Major version of a server installation, from `postgres --version`."""
    out = probe([bindir / "postgres", "--version"])
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return int(match.group(1)) if out.returncode == 0 and match else None


def pg_bindir_candidates() -> list[Path]:
    """pg_config's answer, Debian's versioned dirs, then whatever `postgres` PATH has."""
    dirs = []
    if shutil.which("pg_config"):
        out = probe(["pg_config", "--bindir"])
        dirs.append(Path(out.stdout.strip()))
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    dirs.append(Path("/usr/local/pgsql/bin"))
    if shutil.which("postgres"):
        dirs.append(Path(shutil.which("postgres")).resolve().parent)
    tools = ("initdb", "pg_ctl", "postgres")
    return [d for d in dict.fromkeys(dirs) if all((d / t).is_file() for t in tools)]


def find_pg_bindir(major: int | None = None) -> Path:
    """The newest server >= 13, or exactly `major` for an existing data directory."""
    found = [(pg_major(d) or 0, d) for d in pg_bindir_candidates()]
    usable = [(v, d) for v, d in found if v >= PG_MIN_MAJOR and (major is None or v == major)]
    if not usable:
        want = f"PostgreSQL {major}" if major else f"PostgreSQL >= {PG_MIN_MAJOR}"
        raise Fail(
            f"no {want} server binaries (initdb, pg_ctl, postgres) found.\n"
            "Install them (Debian: apt-get install postgresql) or point SNN_DB_HOST "
            "(and SNN_DB_PORT, SNN_DB_USER, SNN_DB_PASSWORD) at an existing server."
        )
    return max(usable, key=lambda vd: vd[0])[1]


def pg_os_user() -> str | None:
    """As root, run PostgreSQL as `postgres` (or `nobody`); otherwise as ourselves."""
    if not is_root():
        return None
    import pwd  # noqa: PLC0415 - POSIX only, and only needed as root

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "nobody"
    return "postgres"


def as_pg_user(cmd: list) -> list:
    """Prefix a command so it runs as the unprivileged cluster owner."""
    user = pg_os_user()
    if user is None:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *cmd]
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *cmd]


def give_to_pg_user(path: Path) -> None:
    """chown a directory to the cluster owner (no-op when not root)."""
    user = pg_os_user()
    if user is None:
        return
    import pwd  # noqa: PLC0415

    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def pg_user_can_use(path: Path) -> bool:
    """Can the cluster owner reach and write this directory (every parent traversable)?"""
    if pg_os_user() is None:
        return True
    return probe(as_pg_user(["test", "-w", path, "-a", "-x", path])).returncode == 0


def utf8_locale() -> str:
    """C.UTF-8 gives UTF-8 character classes (Vietnamese case folding) with C sorting."""
    out = probe(["locale", "-a"])
    names = {n.lower().replace("-", "") for n in out.stdout.split()}
    return "C.UTF-8" if "c.utf8" in names else "C"


@dataclass
class Cluster:
    """A private cluster: our own data directory, superuser role `odoo`, TCP on 127.0.0.1."""

    bindir: Path
    data: Path

    def pg(self, tool: str, *args, **kwargs) -> subprocess.CompletedProcess:
        """Run a server tool as the cluster owner."""
        return run(as_pg_user([self.bindir / tool, *args]), **kwargs)

    def init(self, throwaway: bool) -> None:
        """initdb with trust auth on 127.0.0.1 only and no unix socket at all."""
        self.pg(
            "initdb",
            "-D",
            self.data,
            "-U",
            PG_ROLE,
            "-A",
            "trust",
            "-E",
            "UTF8",
            f"--locale={utf8_locale()}",
            capture_output=True,
            text=True,
        )
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        settings = ["listen_addresses = '127.0.0.1'", "unix_socket_directories = ''"]
        if throwaway:  # durability is pointless for a cluster deleted after the run
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# snn-docflow private cluster\n" + "\n".join(settings) + "\n")

    def running_port(self) -> int | None:
        """Port of the running server, from postmaster.pid, or None when it is down."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return None
        if probe(as_pg_user([self.bindir / "pg_ctl", "status", "-D", self.data])).returncode:
            return None
        return int(pid_file.read_text().splitlines()[3])

    def start(self) -> int:
        """Start on a free port and wait until it accepts connections."""
        port = free_port()
        log = self.data / "server.log"
        started = self.pg(
            "pg_ctl", "start", "-D", self.data, "-l", log, "-w", "-t", "120", "-o", f"-p {port}",
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        if started.returncode != 0:
            tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
            raise Fail(f"PostgreSQL did not start ({self.data}):\n" + "\n".join(tail))
        return port

    def stop(self) -> None:
        """Fast shutdown: disconnect clients, no waiting for them."""
        self.pg(
            "pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w", check=False, capture_output=True
        )

    def server(self, port: int) -> DbServer:
        """How Odoo connects to this cluster."""
        return DbServer("127.0.0.1", port, PG_ROLE)


@contextlib.contextmanager
def throwaway_server():
    """A configured server as is, else a fresh cluster in /tmp, removed however the run ends."""
    configured = configured_server()
    if configured:
        yield configured
        return
    # /tmp, not $TMPDIR: as root the cluster owner must be able to traverse the path.
    base = Path(tempfile.mkdtemp(prefix="snn-pg-", dir="/tmp" if is_root() else None))
    cluster = Cluster(find_pg_bindir(), base / "data")
    try:
        give_to_pg_user(base)
        with step(f"throwaway PostgreSQL cluster in {cluster.data}"):
            cluster.init(throwaway=True)
            port = cluster.start()
        yield cluster.server(port)
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def demo_data_dirs() -> list[Path]:
    """Inside the project when the cluster owner can reach it, else a per-project /var/tmp dir."""
    tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return [RUN / "pgdata", Path("/var/tmp") / f"snn-docflow-{tag}" / "pgdata"]


def existing_demo_cluster() -> Cluster | None:
    """The demo cluster made by an earlier `make run`, wherever it was put."""
    for data in demo_data_dirs():
        version_file = data / "PG_VERSION"
        if version_file.exists():
            return Cluster(find_pg_bindir(int(version_file.read_text().strip())), data)
    return None


def prepare_demo_data_dir() -> Path:
    """Make an empty data directory owned by the cluster owner, preferring .run/pgdata."""
    for data in demo_data_dirs():
        data.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        data.mkdir(exist_ok=True, mode=0o700)
        give_to_pg_user(data)
        if pg_user_can_use(data):
            if data != demo_data_dirs()[0]:
                say(f"user {pg_os_user()} cannot reach {RUN}; demo cluster lives in {data}")
            return data
        data.rmdir()
    raise Fail("no directory the PostgreSQL user can use for the demo cluster")


def demo_server() -> DbServer:
    """The configured server, or the demo cluster: reused if running, started (or made) if not."""
    configured = configured_server()
    if configured:
        return configured
    cluster = existing_demo_cluster()
    if cluster is None:
        cluster = Cluster(find_pg_bindir(), prepare_demo_data_dir())
        with step(f"creating the demo PostgreSQL cluster in {cluster.data}"):
            cluster.init(throwaway=False)
    port = cluster.running_port()
    if port is None:
        with step("starting the demo PostgreSQL cluster"):
            port = cluster.start()
    say(f"demo PostgreSQL on 127.0.0.1:{port} (data in {cluster.data}; `make stop` stops it)")
    return cluster.server(port)


# --------------------------------------------------------------------------- Odoo databases


def project_modules() -> list[str]:
    """Every installable module in addons/: the project installs and tests all of them."""
    mods = []
    for manifest in sorted(ADDONS.glob("*/__manifest__.py")):
        text = manifest.read_text()
        if not re.search(r"['\"]installable['\"]\s*:\s*False", text):
            mods.append(manifest.parent.name)
    return mods


def write_odoo_conf(
    site: Site, path: Path, data_dir: Path, sections: dict | None = None, **extra
) -> Path:
    """An Odoo config for this run; the admin (master) password is random, never a default.
    ``sections``: other sections than [options] ({name: {key: value}}), for the add-ons."""
    odoo, server = site.odoo, site.server
    options = {
        "addons_path": ",".join(str(p) for p in odoo.addons_path()),
        "db_host": server.host,
        "db_port": server.port,
        "db_user": server.user,
        "admin_passwd": secrets.token_urlsafe(24),
        "data_dir": data_dir,
        "log_level": "warn",
        **extra,
    }
    if server.password:
        options["db_password"] = server.password
    text = "[options]\n" + "".join(f"{k} = {v}\n" for k, v in options.items())
    for name, values in (sections or {}).items():
        text += f"\n[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
    path.write_text(text)
    path.chmod(0o600)
    return path


def installed_modules(site: Site, dbname: str, modules: list[str]) -> set[str]:
    """Which of `modules` are installed in a database (empty when it has no Odoo yet)."""
    if not database_exists(site, dbname):
        return set()
    rows = sql(site, "SELECT to_regclass('ir_module_module') IS NOT NULL", dbname=dbname)
    if not rows[0][0]:
        return set()
    query = "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)"
    return {r[0] for r in sql(site, query, [modules], dbname=dbname)}


def database_exists(site: Site, dbname: str) -> bool:
    """Whether a database exists on the server."""
    return bool(sql(site, "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]))


def drop_database(site: Site, dbname: str) -> None:
    """Drop a database, disconnecting whoever still uses it."""
    sql(
        site,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [dbname],
    )
    sql(site, f'DROP DATABASE IF EXISTS "{dbname}"')


def stream_to_log(cmd: list, log: Path, env: dict, show=None, silence_limit=None) -> int:
    """Run a command, showing its output and keeping it in a log file for later reading.

    `show(line)`, when given, picks the lines shown; the log file keeps them all.
    `silence_limit` (seconds): a command that prints nothing for that long is taken as hung,
    killed, and said so in the log and on screen (rc is then -9), so that a run that waits for
    ever fails with the line it stopped at instead of running into CI's time limit.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=ROOT,
        )
        last_output = [time.monotonic()]
        hung = threading.Event()
        done = threading.Event()

        def watch():
            while not done.wait(min(10, silence_limit)):
                if time.monotonic() - last_output[0] > silence_limit:
                    hung.set()
                    proc.kill()
                    return

        if silence_limit:
            threading.Thread(target=watch, daemon=True).start()
        try:
            for line in proc.stdout:
                last_output[0] = time.monotonic()
                if show is None or show(line):
                    sys.stderr.write(line)
                out.write(line)
            rc = proc.wait()
        except BaseException:  # Ctrl-C or SIGTERM: never leave Odoo running behind us
            proc.kill()
            raise
        finally:
            done.set()
        if hung.is_set():
            message = (
                f"HUNG: no output for {silence_limit:.0f}s, killed "
                "(the last lines of the log above show where it waited)\n"
            )
            sys.stderr.write(message)
            out.write(message)
        return rc


def install_modules(
    site: Site, conf: Path, dbname: str, modules: list, *, log: Path, demo: bool = False
) -> None:
    """Install modules with Odoo and refuse any ERROR/CRITICAL in its log (Odoo exits 0 then)."""
    # Warnings and worse only: the log is shown live and scanned; INFO would bury the problems.
    args = ["-d", dbname, "-i", ",".join(modules), "--stop-after-init", "--log-level=warn"]
    if demo:
        args.append("--with-demo")  # Odoo 19 installs no demo data unless asked
    with step(f"installing {', '.join(modules)} into database {dbname}"):
        rc = stream_to_log(site.odoo_command(conf, *args), log, site.odoo.env())
    lines = log.read_text().splitlines()
    problems = [line for line in lines if ODOO_LOG_PROBLEM.match(line)]
    warnings = [line for line in lines if ODOO_LOG_WARNING.match(line)]
    if warnings:
        say(f"{len(warnings)} WARNING line(s) in the install log ({log})")
    missing = set(modules) - installed_modules(site, dbname, modules)
    if rc != 0 or problems or missing:
        shown = "\n".join(problems[:50]) or "(no ERROR lines; see the log)"
        raise Fail(
            f"module installation failed (exit {rc}, not installed: "
            f"{', '.join(sorted(missing)) or 'none'}); full log: {log}\n{shown}"
        )


# --------------------------------------------------------------------------- demo signing

# The demo signs for real: a SoftHSM2 token holding a test CA, the demo director's personal key
# and the organisation's seal (snn_sign.pki), served by a token bridge (snn_sign.demo_bridge,
# `python -m snn_sign.demo_bridge DIR`). The token is made once in .run/signing and reused;
# the PIN and the bridge client's secret stay in 0600 files there. The bridge and Odoo run as
# the user running make (only PostgreSQL refuses root), so .run/ suits them in every case.
SIGNING = RUN / "signing"
BRIDGE_PID = SIGNING / "bridge.pid"  # the launcher, leader of the bridge's process group
BRIDGE_INFO = SIGNING / "bridge.json"  # its JSON line: url, secret_file, ca_cert, ... (no secret)
BRIDGE_LAUNCHER_LOG = SIGNING / "demo-bridge.log"
BRIDGE_START_TIMEOUT = 180  # seconds; the first start also makes the token
# Whom the certificates name: the demo company and director of snn_docflow's demo data
# (addons/snn_docflow/demo/snn_docflow_demo.xml). snn_signing refuses a seal certificate whose
# CN/O is neither the company's name nor its snn_org_full_name, and a personal certificate
# that does not name the user.
DEMO_ORG = "Sở Nông nghiệp và PTNT Tuyên Quang"
DEMO_DIRECTOR = "Nguyễn Công Hàm"
DEMO_BRIDGE_NAME = "Demo token bridge (SoftHSM2, test keys)"


def process_alive(pid: int) -> bool:
    """A running process; a zombie (exited, not yet reaped by its parent) is not."""
    if Path("/proc/self/stat").exists():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_group(pgid: int) -> list[int]:
    """Live members of a process group (Linux /proc; elsewhere its leader only)."""
    if not Path("/proc/self/stat").exists():
        return [pgid] if process_alive(pgid) else []
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def launcher_pid(pid_file: Path, module: str) -> int | None:
    """The launcher an earlier `make run` started, if it still runs: a pid file can outlive
    its process, and the pid be taken by another one, hence the command-line check."""
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return None
    if not process_alive(pid):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and module.encode() not in cmdline.read_bytes():
        return None
    return pid


def stop_launcher(pid_file: Path, module: str, what: str) -> bool:
    """SIGTERM the launcher's process group, SIGKILL after 10 s. False when it was not
    running."""
    pid = launcher_pid(pid_file, module)
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return False
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while process_group(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not process_group(pid):
            return True
    raise Fail(f"{what} (process group {pid}) did not stop")


def start_launcher(cmd: list, *, pid_file: Path, log: Path, timeout: float, what: str) -> dict:
    """Start a launcher in a session of its own: Ctrl-C of `make run` stops Odoo and leaves
    it running, like the database; `make stop` stops it. It prints one JSON line (where it
    listens, where its files are), read here; its stderr goes to `log`."""
    module = str(cmd[2])  # [python, "-m", module, ...]
    with log.open("w") as err:
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=ROOT,
            text=True,
            start_new_session=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    proc.stdout.close()
    try:
        info = json.loads(line)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        stop_launcher(pid_file, module, what)
        tail = log.read_text(errors="replace").strip().splitlines()[-20:]
        raise Fail(f"{what} did not start (log: {log}):\n" + ("\n".join(tail) or "(no output)"))
    return info


def demo_bridge_pid() -> int | None:
    """The bridge's launcher an earlier `make run` started, if it still runs."""
    return launcher_pid(BRIDGE_PID, "snn_sign.demo_bridge")


def bridge_healthy(url: str) -> bool:
    """GET /v1/health, never through a proxy (the bridge is on loopback)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url + "/v1/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop_demo_bridge() -> bool:
    """Stop the launcher and the bridge; False when it was not running."""
    return stop_launcher(BRIDGE_PID, "snn_sign.demo_bridge", "the demo token bridge")


def start_demo_bridge(py: Path) -> dict:
    """Start the bridge's launcher (see start_launcher); its JSON line says where the bridge
    listens and where its files are."""
    SIGNING.mkdir(parents=True, exist_ok=True, mode=0o700)
    SIGNING.chmod(0o700)
    cmd = [py, "-m", "snn_sign.demo_bridge", SIGNING, "--org", DEMO_ORG, "--signer", DEMO_DIRECTOR]
    info = start_launcher(
        cmd,
        pid_file=BRIDGE_PID,
        log=BRIDGE_LAUNCHER_LOG,
        timeout=BRIDGE_START_TIMEOUT,
        what="the demo token bridge",
    )
    BRIDGE_INFO.write_text(json.dumps(info, indent=2) + "\n")
    return info


def ensure_demo_bridge(py: Path) -> dict:
    """The running demo bridge, or a new one. Before Odoo installs anything: snn_signing's
    constraints ask the bridge about a key whenever one is configured."""
    if demo_bridge_pid() is not None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            info = json.loads(BRIDGE_INFO.read_text())
            if bridge_healthy(info["url"]):
                say(f"demo token bridge on {info['url']} (already running)")
                return info
        stop_demo_bridge()  # alive but not answering: start afresh
    with step("starting the demo token bridge"):
        info = start_demo_bridge(py)
    say(f"demo token bridge on {info['url']} (token and log in {SIGNING})")
    return info


# --------------------------------------------------------------------------- demo exchange

# snn_dispatch sends to outside agencies through the provincial document exchange (LGSP),
# which cannot be reached from here; the demo runs its local stand-in instead
# (snn_sign.demo_exchange, `python -m snn_sign.demo_exchange .run`, loopback only). Its files
# are in .run/exchange: the sending system's HMAC secret (0600), an SQLite store (messages,
# dedup keys, statuses) and exchange.log, one line per request. It accepts any agency code and
# answers each accepted recipient with a status 01 ("arrived"), which Odoo's scheduled action
# fetches on its next run. Started and stopped like the bridge (a session of its own, reused
# while it answers, stopped by `make stop`); `make reset-demo` starts it afresh with an empty
# store, since the rebuilt database numbers its documents from 01 again.
DISPATCH_MODULE = "snn_dispatch"
EXCHANGE = RUN / "exchange"
EXCHANGE_MODULE = "snn_sign.demo_exchange"
EXCHANGE_PID = EXCHANGE / "stand-in.pid"
EXCHANGE_INFO = EXCHANGE / "stand-in.json"  # its JSON line: url, system_id, secret_file, ...
EXCHANGE_LAUNCHER_LOG = EXCHANGE / "stand-in.stderr.log"
EXCHANGE_START_TIMEOUT = 60  # seconds
# The demo company's agency code (OrganId), the one snn_dispatch's tests give their company;
# the outside agency of snn_dispatch's demo data is 000.00.00.H53.
DEMO_ORGAN_ID = "000.00.11.H53"


def exchange_healthy(info: dict) -> bool:
    """GET /_standin/health signed as the sending system (SNN-HMAC, the scheme of
    snn_sign.bridge.auth, written out here: devenv imports nothing of the project), never
    through a proxy: a 200 proves the stand-in answers and still takes the secret Odoo uses."""
    path = "/_standin/health"
    try:
        url = info["url"]
        if not url.startswith("http://127.0.0.1:"):  # the stand-in listens on loopback only
            return False
        secret = Path(info["secret_file"]).read_bytes().strip()
        ts, nonce = str(int(time.time())), secrets.token_urlsafe(18)
        signed = "\n".join(["GET", path, ts, nonce, hashlib.sha256(b"").hexdigest()])
        sig = hmac.new(secret, signed.encode(), hashlib.sha256).hexdigest()
        auth = f"SNN-HMAC client={info['system_id']},ts={ts},nonce={nonce},sig={sig}"
        request = urllib.request.Request(url + path, headers={"Authorization": auth})  # noqa: S310
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=2) as response:
            return response.status == 200
    except (OSError, KeyError, TypeError, ValueError):
        return False


def stop_demo_exchange() -> bool:
    """Stop the exchange's stand-in; False when it was not running."""
    return stop_launcher(EXCHANGE_PID, EXCHANGE_MODULE, "the demo exchange stand-in")


def ensure_demo_exchange(py: Path) -> dict:
    """The running stand-in of the document exchange, or a new one."""
    if launcher_pid(EXCHANGE_PID, EXCHANGE_MODULE) is not None:
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(EXCHANGE_INFO.read_text())
            if isinstance(info, dict) and exchange_healthy(info):
                say(f"demo exchange stand-in on {info['url']} (already running)")
                return info
        stop_demo_exchange()  # alive but not answering: start afresh
    with step("starting the demo exchange stand-in"):
        EXCHANGE.mkdir(parents=True, exist_ok=True, mode=0o700)
        EXCHANGE.chmod(0o700)
        info = start_launcher(
            [py, "-m", EXCHANGE_MODULE, RUN],  # its files go to RUN / "exchange"
            pid_file=EXCHANGE_PID,
            log=EXCHANGE_LAUNCHER_LOG,
            timeout=EXCHANGE_START_TIMEOUT,
            what="the demo exchange stand-in",
        )
        EXCHANGE_INFO.write_text(json.dumps(info, indent=2) + "\n")
    say(f"demo exchange stand-in on {info['url']} (its store and request log in {EXCHANGE})")
    return info


def dispatch_wanted() -> bool:
    """The stand-in runs only for a demo that has snn_dispatch to use it."""
    return DISPATCH_MODULE in project_modules()


# The demo's secrets directory (secrets_dir in the [snn] section of .run/odoo.conf): the modules
# read a secret file by name from <this directory>/<company id>/, never from a path in the database.
DEMO_SECRETS = RUN / "secrets"

# Run inside `odoo shell` (superuser), with INFO and SECRETS prepended. Demo data is static XML
# and the bridge's port, secret and CA exist only at run time; snn_signing's models belong to the
# module and get no demo-only method, so devenv writes the settings itself. The connection
# (url, client, secret file) is updated on every run; the keys, images, trusted root and
# e-signing period are written when the bridge record is new or the token changed (its CA is
# not among the trusted roots), so a setting changed in the demo by hand stays otherwise.
CONFIGURE_SIGNING = """
import base64, os, pathlib


def put_secret(company, name, source):
    # A copy of a launcher's secret file in the company's directory of SECRETS, 0600.
    pathlib.Path(SECRETS).mkdir(mode=0o700, exist_ok=True)
    folder = pathlib.Path(SECRETS) / str(company.id)
    folder.mkdir(mode=0o700, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    with os.fdopen(os.open(folder / name, flags, 0o600), "wb") as target:
        target.write(pathlib.Path(source).read_bytes())


if "snn.sign.bridge" not in env:
    print("SNN-DEMO signing: snn_signing is not installed; not configured")
else:
    company = env.ref("base.main_company")
    director = env.ref("snn_docflow.user_director_demo")
    put_secret(company, "bridge.secret", INFO["secret_file"])
    ca_pem = pathlib.Path(INFO["ca_cert"]).read_text()
    bridges = env["snn.sign.bridge"].with_context(active_test=False)
    bridge = bridges.search([("name", "=", NAME), ("company_id", "=", company.id)], limit=1)
    connection = {
        "url": INFO["url"],
        "client_name": INFO["client_name"],
        "secret_file": "bridge.secret",
        "active": True,
    }
    new_token = not bridge or ca_pem.strip() not in (company.snn_trust_roots or "")
    changed = {k: v for k, v in connection.items() if not bridge or bridge[k] != v}
    if bridge:
        bridge.write(changed)
    else:
        bridge = bridges.create({"name": NAME, "company_id": company.id, **connection})
    if new_token:
        company.write({
            "snn_seal_bridge_id": bridge.id,
            "snn_seal_key": "seal",
            "snn_seal_image": base64.b64encode(pathlib.Path(INFO["seal_png"]).read_bytes()),
            "snn_trust_roots": ca_pem,
            "snn_esign_trial_date": "2019-03-01",
            "snn_esign_mandatory_date": "2019-04-15",
        })
        director.write({
            "snn_sign_bridge_id": bridge.id,
            "snn_sign_key": "signer",
            "snn_signature_image": base64.b64encode(
                pathlib.Path(INFO["signature_png"]).read_bytes()
            ),
        })
    env.cr.commit()
    if new_token:
        print("SNN-DEMO signing: keys, images, trusted root and e-signing period set")
    else:
        print("SNN-DEMO signing: " + ("bridge URL updated" if changed else "already configured"))
"""


# Run in the same `odoo shell` after CONFIGURE_SIGNING, with EXCHANGE (the stand-in's JSON
# line, or None) and ORGAN_ID prepended. The same split as for signing: the connection (URL,
# system id, secret file) follows the stand-in on every run; the company's agency code is
# written only when it has none, so one set in the demo by hand stays.
CONFIGURE_DISPATCH = """
if "snn.delivery" not in env:
    print("SNN-DEMO dispatch: snn_dispatch is not installed; not configured")
elif EXCHANGE is None:
    print("SNN-DEMO dispatch: no exchange stand-in; the exchange is not configured")
else:
    company = env.ref("base.main_company")
    put_secret(company, "exchange.secret", EXCHANGE["secret_file"])
    values = {
        "snn_exchange_url": EXCHANGE["url"],
        "snn_exchange_system_id": EXCHANGE["system_id"],
        "snn_exchange_secret_file": "exchange.secret",
    }
    values = {k: v for k, v in values.items() if company[k] != v}
    if not company.snn_organ_id:
        values["snn_organ_id"] = ORGAN_ID
    if values:
        company.write(values)
    env.cr.commit()
    print(
        "SNN-DEMO dispatch: "
        + ("exchange settings written" if values else "already configured")
        + f" (agency code {company.snn_organ_id}, exchange {company.snn_exchange_url})"
    )
"""
DEMO_CONFIG_LINE = re.compile(r"^SNN-DEMO (signing|dispatch): (.*)$")


def configure_demo(site: Site, conf: Path, bridge: dict, exchange: dict | None) -> None:
    """Point the demo company and director at the demo bridge (CONFIGURE_SIGNING), and the
    company at the exchange's stand-in (CONFIGURE_DISPATCH), in one `odoo shell`."""
    script = (
        "import json\n"
        f"INFO = json.loads({json.dumps(bridge)!r})\n"
        f"NAME = {DEMO_BRIDGE_NAME!r}\n"
        f"EXCHANGE = json.loads({json.dumps(exchange)!r})\n"
        f"ORGAN_ID = {DEMO_ORGAN_ID!r}\n"
        f"SECRETS = {str(DEMO_SECRETS)!r}\n"
    )
    cmd = [site.py, "-m", "odoo", "shell", "-c", conf, "-d", DEMO_DB, "--log-level=warn"]
    out = probe(
        cmd,
        input=script + CONFIGURE_SIGNING + CONFIGURE_DISPATCH,
        env=site.odoo.env(),
        cwd=ROOT,
    )
    lines = (out.stdout + out.stderr).strip().splitlines()
    done = dict(m.groups() for m in map(DEMO_CONFIG_LINE.match, lines) if m)
    if out.returncode != 0 or set(done) != {"signing", "dispatch"}:
        raise Fail("configuring the demo's signing and dispatch failed:\n" + "\n".join(lines[-20:]))
    for what, result in done.items():
        say(f"demo {what}: {result}")


# --------------------------------------------------------------------------- tests


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
        "snn_pytest_plugin",
        "-o",
        "junit_family=xunit1",
        *extra,
    ]


def report_counts(
    counts: JunitCounts, rc: int, need_odoo: bool, runner: RunnerResult | str | None = None
) -> int:
    """Print the counts CI looks for; 'nothing ran' is a failure, never a pass.

    `runner` is Odoo's own runner's result, or why it did not run (then no failure of its own).
    """
    print(f"Odoo tests: {counts.odoo_ran} ran ({counts.odoo_skipped} skipped)", flush=True)
    print(f"Odoo-free tests: {counts.free_ran} ran ({counts.free_skipped} skipped)", flush=True)
    problems = []
    if isinstance(runner, RunnerResult):
        print(f"{RUNNER_LABEL}: {runner.ran} ran ({len(runner.skipped)} skipped)", flush=True)
        problems += [f"Odoo runner: {p}" for p in runner.problems]
    elif runner is not None:
        print(f"{RUNNER_LABEL}: not run ({runner})", flush=True)
    if counts.misimported:
        problems.append(
            f"{counts.misimported} test(s) in addons/ were not imported as odoo.addons.*: "
            "is there an __init__.py in addons/ or the repository root?"
        )
    if rc == 5:
        problems.append("pytest collected no tests (exit 5)")
    elif rc:
        problems.append(f"pytest failed (exit {rc})")
    if need_odoo and counts.odoo_ran == 0:
        problems.append("no Odoo test ran")
    skipped = counts.odoo_skipped + counts.free_skipped
    if skipped:
        # A skipped test proves nothing (a browser that did not start, a missing tool): CI
        # must not count it as a pass.
        problems.append(f"{skipped} test(s) skipped: see the 'SKIPPED' lines above")
    for problem in problems:
        say(f"FAILED: {problem}")
    return 1 if problems else 0


RUNNER_LABEL = "Odoo tests (odoo-bin --test-enable)"
# Odoo's runner logs every test it starts (--log-level=info); this long without a line, it waits
# for something that will not come (a lock, a server that cannot answer) and is killed.
RUNNER_SILENCE_LIMIT = 600


@dataclass
class RunnerResult:
    """What one `odoo --test-enable --stop-after-init` run did, read from its log."""

    rc: int
    ran: int = 0  # Odoo's count (testsRun): skipped tests included
    failed: int | None = None  # None: no result line at all
    errors: int = 0
    skipped: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # module -> tests, from odoo.tests.stats
    error_lines: list = field(default_factory=list)
    late_browser_lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def parse_runner_log(log: Path, rc: int) -> RunnerResult:
    """Read Odoo's result, stats, skip and ERROR/CRITICAL lines; `problems` say why not green."""
    res = RunnerResult(rc)
    for line in log.read_text(errors="replace").splitlines():
        m = ODOO_LOG_LINE.match(line)
        if not m:
            continue
        logger, message = m["logger"], m["message"]
        if logger == "odoo.tests.result" and (r := ODOO_TEST_RESULT.match(message)):
            res.failed = (res.failed or 0) + int(r[1])
            res.errors += int(r[2])
            res.ran += int(r[3])
        elif logger == "odoo.tests.stats" and (r := ODOO_TEST_STATS.match(message)):
            res.stats[r[1]] = res.stats.get(r[1], 0) + int(r[2])
        elif m["level"] == "INFO" and (r := ODOO_TEST_SKIP.match(message)):
            res.skipped.append(f"{logger}: {r[1]}")
        if m["level"] in ("ERROR", "CRITICAL") and logger != "odoo.tests.result":
            # What the browser says after a tour has ended (Odoo logs it at ERROR and lets the
            # test pass: a page still loading when the tab closes) is shown, not fatal.
            late = logger.endswith(".browser") and ODOO_BROWSER_LATE.match(message)
            (res.late_browser_lines if late else res.error_lines).append(line)
    if rc:
        res.problems.append(f"odoo exited with {rc}")
    if res.failed is None:
        res.problems.append("no 'odoo.tests.result' line in the log (did the run finish?)")
    elif res.failed or res.errors:
        res.problems.append(f"{res.failed} failed, {res.errors} error(s) of {res.ran} tests")
    elif res.ran == 0:
        res.problems.append("no test ran")
    if res.skipped:
        res.problems.append(f"{len(res.skipped)} test(s) skipped: " + "; ".join(res.skipped[:10]))
    if res.error_lines:
        res.problems.append(f"{len(res.error_lines)} ERROR/CRITICAL line(s) in the log")
    return res


def runner_filter():
    """Live: warnings and worse (with their tracebacks), test results, stats, skips, progress."""
    state = {"shown": False}

    def show(line: str) -> bool:
        m = ODOO_LOG_LINE.match(line)
        if not m:
            return state["shown"]  # a traceback or a multi-line message goes with its first line
        state["shown"] = (
            m["level"] not in ("INFO", "DEBUG")
            or m["logger"] in ("odoo.tests.result", "odoo.tests.stats")
            or bool(ODOO_TEST_SKIP.match(m["message"]))
            or bool(re.match(r"(Starting post tests|\d+ post-tests in )", m["message"]))
            or "s test)" in m["message"]  # "Module X loaded in 9s (incl. 8s test), ..."
        )
        return state["shown"]

    return show


def run_odoo_runner(
    site: Site, conf: Path, dbname: str, args: list, *, log: Path, what: str, core: bool = False
) -> RunnerResult:
    """Odoo's own test runner (`odoo ... --test-enable --stop-after-init`), its log kept and read.

    `core` runs it through CORE_RUNNER (every selected test after the registry is loaded).
    """
    args = [*args, "--test-enable", "--stop-after-init", "--log-level=info", "-d", dbname]
    cmd = site.odoo_command(conf, *args)
    if core:
        cmd = [site.py, "-c", CORE_RUNNER, *cmd[3:]]  # same arguments after `python -m odoo`
    started = time.monotonic()
    with step(f"{what} (log: {log})"):
        rc = stream_to_log(
            cmd, log, site.odoo.env(), show=runner_filter(), silence_limit=RUNNER_SILENCE_LIMIT
        )
    res = parse_runner_log(log, rc)
    if rc == -signal.SIGKILL:
        started_tests = [line for line in log.read_text().splitlines() if " Starting " in line]
        last = started_tests[-1] if started_tests else "(none started)"
        res.problems.append(f"Odoo's runner hung and was killed; the last test started: {last}")
    stats = ", ".join(f"{m} {n}" for m, n in sorted(res.stats.items())) or "none"
    say(f"{what}: {time.monotonic() - started:.0f}s; tests per module: {stats}")
    for line in res.error_lines[:20]:
        say(f"  {line}")
    if res.late_browser_lines:
        say(
            f"{len(res.late_browser_lines)} browser ERROR line(s) after a tour ended "
            "(not counted as a failure, as Odoo does not):"
        )
        for line in res.late_browser_lines[:10]:
            say(f"  {line}")
    return res


def odoo_runner_wanted() -> bool:
    """SNN_TEST_ODOO_RUNNER=0 skips Odoo's runner in `make test`, except on CI."""
    if os.environ.get(ODOO_RUNNER_ENV, "1").strip() not in ("0", "no", "false"):
        return True
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        raise Fail(f"{ODOO_RUNNER_ENV}=0 is refused on CI (CI is set): both runners must pass")
    return False


def run_project_runner(site: Site, conf: Path, dbname: str, modules: list) -> RunnerResult:
    """Every module installed into a fresh database by Odoo's runner, its tests run as Odoo does."""
    tags = ",".join(f"/{m}" for m in modules)
    res = run_odoo_runner(
        site,
        conf,
        dbname,
        ["-i", ",".join(modules), "--test-tags", tags],
        log=RESULTS / "odoo-runner.log",
        what=f"Odoo's test runner on database {dbname} (--test-tags {tags})",
    )
    for module in modules:
        if (ADDONS / module / "tests" / "__init__.py").exists() and not res.stats.get(module):
            res.problems.append(f"no test of {module} ran (no odoo.tests.stats line for it)")
    return res


def test_paths(with_odoo: bool) -> list[Path]:
    """tests/ always; every module's tests/ when Odoo is part of the run."""
    paths = [ROOT / "tests"] if (ROOT / "tests").is_dir() else []
    if with_odoo:
        paths += [p.parent for p in sorted(ADDONS.glob("*/tests/__init__.py"))]
    return [p.relative_to(ROOT) for p in paths]


def run_odoo_tests(site: Site, workdir: Path, args: list, with_runner: bool = True) -> int:
    """Install every module into a fresh database, then run all tests in one pytest; then
    (unless `with_runner` is false) the module tests again with Odoo's own runner on a second
    fresh database of the same server, so that neither way of running them can rot."""
    modules = project_modules()
    if not modules:
        raise Fail(f"no Odoo module in {ADDONS}: nothing to install, no Odoo test can run")
    suffix = "" if not configured_server() else f"_{secrets.token_hex(4)}"
    dbname, runner_db = f"snn_test{suffix}", f"snn_test_odoo{suffix}"
    conf = write_odoo_conf(
        site,
        workdir / "odoo.conf",
        workdir / "data",
        http_interface="127.0.0.1",
        http_port=free_port(),
        gevent_port=free_port(),
    )
    try:
        install_modules(site, conf, dbname, modules, log=RESULTS / "install.log")
        junit = RESULTS / "junit.xml"
        junit.unlink(missing_ok=True)
        cmd = pytest_command(
            site.py,
            test_paths(with_odoo=True),
            junit,
            ["--odoo-config", conf, "--odoo-database", dbname, "--odoo-http", *args],
        )
        started = time.monotonic()
        with step("pytest (Odoo and Odoo-free tests)"):
            rc = run(cmd, check=False, env=site.odoo.env((TOOLS,)), cwd=ROOT).returncode
        say(f"pytest: {time.monotonic() - started:.0f}s")
        # After pytest: its failures show first, and ARGS (-x, -k) iterate on it alone; Odoo's
        # runner then runs whatever pytest's outcome, so that CI shows both.
        runner = f"{ODOO_RUNNER_ENV}=0"
        if with_runner:
            runner = run_project_runner(site, conf, runner_db, modules)
        return report_counts(count_junit(junit), rc, need_odoo=True, runner=runner)
    finally:
        if configured_server():
            drop_database(site, dbname)
            drop_database(site, runner_db)


# --------------------------------------------------------------------------- commands


def cmd_venv(_args: list) -> int:
    """Make (or refresh) .venv only."""
    say(f"virtualenv ready: {ensure_venv()}")
    return 0


def cmd_test(args: list) -> int:
    """Everything, on throwaway databases: what CI runs through .ci/run."""
    with_runner = odoo_runner_wanted()
    py = ensure_venv()
    ensure_system_packages()
    odoo = find_odoo(py)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snn-test-") as tmp, throwaway_server() as server:
        return run_odoo_tests(Site(py, odoo, server), Path(tmp), args, with_runner)


def cmd_test_core(_args: list) -> int:
    """Odoo's own tests of the modules we depend on (CORE_TEST_TAGS), with ours installed."""
    py = ensure_venv()
    ensure_system_packages()
    odoo = find_odoo(py)
    RESULTS.mkdir(parents=True, exist_ok=True)
    modules = project_modules()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="snn-core-") as tmp, throwaway_server() as server:
        site = Site(py, odoo, server)
        dbname = "snn_core" if not configured_server() else f"snn_core_{secrets.token_hex(4)}"
        workdir = Path(tmp)
        conf = write_odoo_conf(
            site,
            workdir / "odoo.conf",
            workdir / "data",
            http_interface="127.0.0.1",
            http_port=free_port(),
            gevent_port=free_port(),
        )
        try:
            install_modules(site, conf, dbname, modules, log=RESULTS / "core-install.log")
            res = run_odoo_runner(
                site,
                conf,
                dbname,
                ["--test-tags", ",".join(CORE_TEST_TAGS)],
                log=RESULTS / "core-tests.log",
                what=f"Odoo's tests of core modules with {', '.join(modules)} installed",
                core=True,
            )
        finally:
            if configured_server():
                drop_database(site, dbname)
    print(f"Odoo core tests with our modules: {res.ran} ran ({len(res.skipped)} skipped)")
    say(f"make test-core: {time.monotonic() - started:.0f}s in all")
    for problem in res.problems:
        say(f"FAILED: {problem}")
    return 1 if res.problems else 0


def cmd_test_sign(args: list) -> int:
    """Only the Odoo-free tests (engine, bridge, CLI): no Odoo, no database."""
    py = ensure_venv()
    ensure_system_packages()
    RESULTS.mkdir(parents=True, exist_ok=True)
    junit = RESULTS / "junit-sign.xml"
    junit.unlink(missing_ok=True)
    cmd = pytest_command(py, test_paths(with_odoo=False), junit, ["-p", "no:odoo", *args])
    paths = [str(TOOLS), os.environ.get("PYTHONPATH")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    rc = run(cmd, check=False, env=env, cwd=ROOT).returncode
    return report_counts(count_junit(junit), rc, need_odoo=False)


def prepare_demo() -> tuple[Site, Path]:
    """Venv, packages, Odoo, database server and config shared by run and reset-demo."""
    py = ensure_venv()
    ensure_system_packages()
    site = Site(py, find_odoo(py), demo_server())
    (RUN / "data").mkdir(parents=True, exist_ok=True)
    conf = write_odoo_conf(
        site,
        RUN / "odoo.conf",
        RUN / "data",
        # Where snn_signing and snn_dispatch read secret files (configure_demo copies the demo
        # bridge's and exchange's secrets there): a section of its own, [snn]. The test runs
        # set it per test class instead (addons/snn_signing/tests/common.py).
        sections={"snn": {"secrets_dir": DEMO_SECRETS}},
        # Loopback unless told otherwise: the demo's passwords are public.
        http_interface=os.environ.get("SNN_HTTP_INTERFACE", "127.0.0.1"),
        http_port=os.environ.get("SNN_HTTP_PORT", "8069"),
        list_db="False",
        log_level="info",
        # Odoo's default, written out: the scheduled actions (snn_dispatch's deliveries and
        # statuses among them) run in the threads of the server `make run` starts.
        max_cron_threads="2",
    )
    return site, conf


def ensure_demo_database(site: Site, conf: Path) -> None:
    """Create snn_demo with demo data and every module, or add modules it still lacks."""
    modules = project_modules()
    if not modules:
        raise Fail(f"no Odoo module in {ADDONS}: nothing to demonstrate")
    missing = [m for m in modules if m not in installed_modules(site, DEMO_DB, modules)]
    if missing:
        install_modules(site, conf, DEMO_DB, missing, log=RUN / "install-demo.log", demo=True)


def cmd_run(_args: list) -> int:
    """Serve the demo on http://localhost:8069; Ctrl-C stops Odoo, the cluster, bridge and
    exchange stand-in stay up."""
    site, conf = prepare_demo()
    bridge = ensure_demo_bridge(site.py)
    ensure_demo_database(site, conf)
    exchange = ensure_demo_exchange(site.py) if dispatch_wanted() else None
    configure_demo(site, conf, bridge, exchange)
    port = os.environ.get("SNN_HTTP_PORT", "8069")
    say(
        f"serving database {DEMO_DB} on http://localhost:{port}  (log in as admin/admin, "
        "drafter/drafter, head/head, director/director, clerk/clerk, manager/manager)"
    )
    say(
        "Ctrl-C stops Odoo; `make stop` stops the demo PostgreSQL cluster, token bridge and "
        "exchange stand-in"
    )
    cmd = [str(c) for c in site.odoo_command(conf, "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$")]
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, site.odoo.env())  # noqa: S606 - Odoo takes over this process (and Ctrl-C)
    return 0  # not reached


def cmd_reset_demo(_args: list) -> int:
    """Drop the demo database, its files, its token and the exchange stand-in's store, then
    build them again from scratch."""
    site, conf = prepare_demo()
    stop_demo_bridge()
    shutil.rmtree(SIGNING, ignore_errors=True)
    stop_demo_exchange()
    shutil.rmtree(EXCHANGE, ignore_errors=True)  # its dedup keys name the old numbers
    bridge = ensure_demo_bridge(site.py)
    with step(f"dropping database {DEMO_DB}"):
        drop_database(site, DEMO_DB)
        shutil.rmtree(RUN / "data" / "filestore" / DEMO_DB, ignore_errors=True)
    ensure_demo_database(site, conf)
    exchange = ensure_demo_exchange(site.py) if dispatch_wanted() else None
    configure_demo(site, conf, bridge, exchange)
    say("demo database recreated; `make run` serves it")
    return 0


def cmd_stop(_args: list) -> int:
    """Stop the demo token bridge, the exchange stand-in and the demo cluster (a configured
    server is not ours)."""
    stopped = stop_demo_bridge()
    say("demo token bridge stopped" if stopped else "the demo token bridge is not running")
    stopped = stop_demo_exchange()
    say(
        "demo exchange stand-in stopped" if stopped else "the demo exchange stand-in is not running"
    )
    cluster = existing_demo_cluster()
    if cluster is None or cluster.running_port() is None:
        say("the demo PostgreSQL cluster is not running")
        return 0
    cluster.stop()
    say(f"demo PostgreSQL cluster stopped ({cluster.data})")
    return 0


def cmd_clean(_args: list) -> int:
    """Stop the demo cluster and delete everything generated (the demo database too), not .venv."""
    cmd_stop([])
    for data in demo_data_dirs():
        shutil.rmtree(data.parent if data.parent != RUN else data, ignore_errors=True)
    for path in [RUN, ROOT / ".pytest_cache", ROOT / ".ruff_cache", *ROOT.rglob("__pycache__")]:
        if VENV not in path.parents:
            shutil.rmtree(path, ignore_errors=True)
    say("removed .run (demo database included) and caches; .venv kept (rm -rf .venv to drop it)")
    return 0


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


def cmd_screenshots(_args: list) -> int:
    """Each demo user's first screen, desktop and phone, from the demo `make run` serves."""
    py = ensure_venv()
    ensure_system_packages()  # Chromium
    return run([py, TOOLS / "screenshots.py"], check=False, cwd=ROOT).returncode


COMMANDS = {
    "venv": cmd_venv,
    "run": cmd_run,
    "reset-demo": cmd_reset_demo,
    "stop": cmd_stop,
    "test": cmd_test,
    "test-sign": cmd_test_sign,
    "test-core": cmd_test_core,
    "lint": cmd_lint,
    "clean": cmd_clean,
    "screenshots": cmd_screenshots,
}


def exit_on_signal(signum, _frame):
    """Turn SIGTERM/SIGHUP into SystemExit so `finally` blocks stop the throwaway cluster."""
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    """Dispatch by hand: everything after the command goes to pytest untouched."""
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, exit_on_signal)
    signal.signal(signal.SIGHUP, exit_on_signal)
    try:
        return COMMANDS[argv[0]](argv[1:])
    except Fail as exc:
        say(f"ERROR: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
