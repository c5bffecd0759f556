"""PostgreSQL: a configured server (SNN_DB_HOST), or a private cluster of our own: a throwaway
one per test run in /tmp, and the demo's, kept in .run/pgdata (or /var/tmp when the cluster's
owner cannot reach the project)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .common import Fail, free_port, is_root, probe, run, say, step
from .names import ROOT, RUN

PG_MIN_MAJOR = 13
PG_ROLE = "odoo"  # Odoo refuses to connect as `postgres`


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
