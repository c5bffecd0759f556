"""The deployment bench/load_bench.py measures: Odoo in multi-process mode (HTTP workers, a cron
worker, the gevent process) started as its own process, behind nginx on loopback with a
self-signed TLS certificate made at run time, configured from config/odoo.example.conf and
config/nginx.example.conf; and the resident memory of Odoo's processes, sampled while it runs.

Odoo importable (the bench's child run); the cryptography package makes the certificate.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODOO_EXAMPLE = ROOT / "config" / "odoo.example.conf"
NGINX_EXAMPLE = ROOT / "config" / "nginx.example.conf"
# The example's limits, passed on the command line: read from the file, so that the bench runs
# what the documentation says.
LIMITS = (
    "limit_memory_soft",
    "limit_memory_hard",
    "limit_time_cpu",
    "limit_time_real",
    "limit_request",
    "db_maxconn",
)
OPTION_NAMES = {"db_maxconn": "db_maxconn"}  # Odoo spells this one option with an underscore


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def example_options() -> dict:
    """[options] of config/odoo.example.conf as written (placeholders included)."""
    options, section = {}, None
    for line in ODOO_EXAMPLE.read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "options" and "=" in line and not line.lstrip().startswith(";"):
            key, value = (part.strip() for part in line.split("=", 1))
            options[key] = value
    return options


def workers_for(cores: int, cron: int) -> int:
    """The example's rule of thumb: (2 x cores) + 1 processes doing work, cron included."""
    return max(1, 2 * cores + 1 - cron)


# --------------------------------------------------------------------------- Odoo


@dataclass
class OdooServer:
    process: subprocess.Popen
    http_port: int
    gevent_port: int
    log: Path
    workers: int
    cron: int


def _wait_http(port: int, process: subprocess.Popen, log: Path, timeout: float = 120.0):
    """Until /web/health answers 200 (the workers forked and the registry loaded)."""
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Odoo exited ({process.returncode}); see {log}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5) as r:
                if r.status == 200:
                    return
        time.sleep(0.5)
    raise RuntimeError(f"Odoo did not answer on {port} within {timeout:.0f} s; see {log}")


def odoo_launcher(py) -> list[str]:
    """odoo-bin of the source tree when there is one: the master re-executes its own command
    line (sys.argv) to start the gevent process, which `python -m odoo` cannot be."""
    import odoo  # noqa: PLC0415

    odoo_bin = Path(next(iter(odoo.__path__))).resolve().parent / "odoo-bin"  # a namespace package
    return [str(py), str(odoo_bin)] if odoo_bin.is_file() else [str(py), "-m", "odoo"]


@contextlib.contextmanager
def odoo_server(py, conf: Path, dbname: str, workdir: Path, *, workers: int, cron: int, env):
    """``python -m odoo`` with ``workers`` HTTP workers and ``cron`` cron workers, the example
    configuration's limits and proxy_mode, on free loopback ports; stopped at the end (SIGTERM
    to the master, which stops its children; SIGKILL after 30 s)."""
    limits = example_options()
    http_port, gevent_port = free_port(), free_port()
    log = workdir / "odoo-server.log"
    command = [
        *odoo_launcher(py), "-c", str(conf), "-d", dbname, "--db-filter", f"^{dbname}$",
        "--workers", str(workers), "--max-cron-threads", str(cron),
        "--http-interface", "127.0.0.1", "--http-port", str(http_port),
        "--gevent-port", str(gevent_port), "--proxy-mode", "--no-database-list",
        "--logfile", str(log), "--log-level", "info",
        *(f"--{OPTION_NAMES.get(name, name.replace('_', '-'))}={limits[name]}" for name in LIMITS),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    try:
        _wait_http(http_port, process, log)
        yield OdooServer(process, http_port, gevent_port, log, workers, cron)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- nginx


def self_signed(workdir: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and localhost), its key; the client trusts exactly it."""
    import ipaddress  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        # What OpenSSL's strict verification (Python's ssl default) wants of a trust anchor.
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), False)
        .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = workdir / "tls.pem", workdir / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def login_rate() -> int:
    return 2 * (os.cpu_count() or 1)


def nginx_site(odoo: OdooServer, port: int, cert: Path, key: Path) -> str:
    """config/nginx.example.conf for this run: the HTTPS server only (no port-80 redirect, no
    IPv6), on 127.0.0.1:``port``, the upstreams on Odoo's ports, the placeholders filled."""
    text = NGINX_EXAMPLE.read_text()
    text = re.sub(r"\nserver \{\n    listen 80;.*?\n\}\n", "\n", text, count=1, flags=re.S)
    text = re.sub(r"^\s*listen \[::\]:443.*\n", "", text, flags=re.M)
    text = text.replace("listen 443 ssl", f"listen 127.0.0.1:{port} ssl")
    text = text.replace("127.0.0.1:8069", f"127.0.0.1:{odoo.http_port}")
    text = text.replace("127.0.0.1:8072", f"127.0.0.1:{odoo.gevent_port}")
    text = text.replace("<odoo-host>", "127.0.0.1")
    # The logins' rate, 2 per core per second, as the example's comment sizes it.
    text = re.sub(r"rate=\d+r/s;", f"rate={login_rate()}r/s;", text)
    text = text.replace("<certificate.pem>", str(cert)).replace("<private-key.pem>", str(key))
    if "<" in re.sub(r"#.*", "", text):
        raise RuntimeError("a placeholder of nginx.example.conf is left unfilled")
    return text


def nginx_main(workdir: Path, site: str) -> str:
    """nginx.conf around the site: in the foreground, every path in ``workdir``; one worker
    process per core as Debian's default (worker_processes auto)."""
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes auto;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        f"    access_log {workdir / 'nginx-access.log'};\n"
        f"    client_body_temp_path {temp / 'body'};\n    proxy_temp_path {temp / 'proxy'};\n"
        f"    fastcgi_temp_path {temp / 'fcgi'};\n    uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"    scgi_temp_path {temp / 'scgi'};\n"
        "    types { application/json json; application/pdf pdf; }\n"
        f"{site}\n}}\n"
    )


@dataclass
class Nginx:
    process: subprocess.Popen
    url: str
    cert: Path
    workdir: Path


@contextlib.contextmanager
def nginx_proxy(workdir: Path, odoo: OdooServer):
    cert, key = self_signed(workdir)
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_main(workdir, nginx_site(odoo, port, cert, key)))
    nginx = "/usr/sbin/nginx"
    subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(workdir)], check=True)
    process = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(workdir)], stdin=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        yield Nginx(process, f"https://127.0.0.1:{port}", cert, workdir)
    finally:
        process.terminate()  # SIGTERM: fast shutdown of master and workers
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- memory


@dataclass
class MemorySampler:
    """Resident memory of the Odoo master's children, sampled every ``every`` seconds: the
    largest RSS of one process, and how many distinct worker processes were seen (a worker
    replaced after a memory or time limit shows as a new pid)."""

    master_pid: int
    every: float = 1.0
    peak_rss: int = 0  # bytes, one process
    peak_total: int = 0  # bytes, all children at one sample
    pids: set = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)

    def reset(self):
        self.peak_rss = self.peak_total = 0

    def _sample(self):
        import psutil  # noqa: PLC0415 - in the venv (Odoo's requirement)

        try:
            children = psutil.Process(self.master_pid).children()
        except psutil.Error:
            return
        total = 0
        for child in children:
            with contextlib.suppress(psutil.Error):
                rss = child.memory_info().rss
                total += rss
                self.peak_rss = max(self.peak_rss, rss)
                self.pids.add(child.pid)
        self.peak_total = max(self.peak_total, total)

    def _run(self):
        while not self._stop.wait(self.every):
            self._sample()

    @contextlib.contextmanager
    def running(self):
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


def log_problems(log: Path) -> list[str]:
    """Odoo log lines that say a worker was replaced or killed, a request was retried after a
    concurrency failure (Odoo retries up to 5 times, sleeping up to 2^n s: the user only waits
    longer), or anything at ERROR."""
    wanted = re.compile(
        r" (ERROR|CRITICAL) |memory limit|timeout after|Pool Is Full|tries left|number of tries"
    )
    if not log.exists():
        return []
    return [line for line in log.read_text(errors="replace").splitlines() if wanted.search(line)]


def nginx_errors(workdir: Path) -> dict:
    """nginx's [error] lines, the variable parts (time, ids, addresses) cut: message -> count."""
    log = workdir / "nginx-error.log"
    counts: dict = {}
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if "[error]" not in line:
                continue
            message = re.sub(r"^.*?\[error\] \S+ \S+ ", "", line)
            message = re.sub(r", client: .*", "", message)
            counts[message] = counts.get(message, 0) + 1
    return counts


LISTEN_COUNTERS = ("ListenOverflows", "ListenDrops", "TCPReqQFullDrop", "SyncookiesSent")


def listen_counters() -> dict:
    """The kernel's TCP counters of full listen queues (/proc/net/netstat, whole machine)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], map(int, values.split()[1:]), strict=True))
            return {name: table.get(name, 0) for name in LISTEN_COUNTERS}
    return {}
