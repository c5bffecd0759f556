"""The deployment files of config/ pass the checks of the real tools, and agree with each other.

- ``odoo.example.conf``: read by Odoo 19's own parser (``odoo.tools.config``, in a subprocess,
  Odoo found as tools/devenv finds it) without an unknown option or any other warning, the
  commented replica options included; its sizing arithmetic matches its values.
- ``nginx.example.conf``: ``nginx -t`` inside a wrapper ``nginx.conf`` (its placeholders replaced
  by a self-signed certificate made here, every path in tmp_path, so it runs as any user); its
  ports and timeout match the Odoo configuration.
- ``odoo.service``, ``snn-token-bridge.service``: ``systemd-analyze verify`` prints nothing
  (it exits 0 on an unknown key, so its output is checked too); the bridge's
  RestartPreventExitStatus is the bridge's exit status on a wrong PIN.
- ``logrotate.example``: ``logrotate -d -f`` reads it without an error and would rotate both
  logs the way the file says; a real rotation shows that Odoo's own log handler continues in
  the new file without a signal, and that copytruncate keeps the bridge's appended log.

nginx, logrotate and systemd-analyze are Debian packages that tools/devenv installs (nginx,
logrotate) or that Debian ships (systemd): without one these tests fail and say so, they never
skip (a skipped test counts for nothing here).
"""

from __future__ import annotations

import configparser
import datetime
import getpass
import grp
import gzip
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from devenv import odoo_source
from devenv.common import Fail

from snn_sign.errors import SnnSignError
from snn_sign_testkit.demo_bridge import write_config, write_secret
from snn_sign_testkit.pki import create_demo_pki

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config"
ODOO_CONF = CONFIG / "odoo.example.conf"
NGINX_CONF = CONFIG / "nginx.example.conf"
ODOO_UNIT = CONFIG / "odoo.service"
BRIDGE_UNIT = CONFIG / "snn-token-bridge.service"
LOGROTATE = CONFIG / "logrotate.example"


def tool(name: str, package: str) -> str:
    """The tool's path; fails (never skips) when it is missing, naming the Debian package."""
    for candidate in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        f"{name} not found: install the Debian package {package} "
        f"(apt-get install --no-install-recommends {package}; `make test` does it as root)"
    )


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False, timeout=120, **kwargs
    )


def odoo_options() -> dict[str, str]:
    """The [options] of odoo.example.conf as text, read the way Odoo reads it (RawConfigParser)."""
    parser = configparser.RawConfigParser()
    parser.read(ODOO_CONF, encoding="utf-8")
    return dict(parser.items("options"))


# ------------------------------------------------------------------------------------ Odoo


def find_odoo() -> odoo_source.Odoo:
    """Odoo 19 as tools/devenv finds it (ODOO_SRC, an importable odoo, the well-known places),
    without downloading it: a test does not fetch a few hundred MB."""
    try:
        odoo = (
            odoo_source.odoo_from_env()
            or odoo_source.odoo_importable(Path(sys.executable))
            or odoo_source.odoo_well_known()
        )
    except Fail as exc:
        pytest.fail(str(exc))
    if odoo is None:
        pytest.fail("Odoo 19 not found.\n" + odoo_source.ODOO_HOWTO)
    return odoo


# Runs in a subprocess with Odoo importable: parse the file with Odoo's own parser, collect
# every log record and warning it produced, and print the options the checks need.
_PARSE = """
import json, logging, sys, warnings

records = []


class Collect(logging.Handler):
    def emit(self, record):
        records.append([record.levelname, record.name, record.getMessage()])


logging.getLogger().addHandler(Collect())
logging.getLogger().setLevel(logging.INFO)
from odoo.tools import config

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    config.parse_config(["-c", sys.argv[1]], setup_logging=False)
names = sys.argv[2:]
print(json.dumps({
    "problems": [r for r in records if r[0] not in ("DEBUG", "INFO")]
    + [["warning", "", str(w.message)] for w in caught],
    "options": {name: config[name] for name in names},
}))
"""

CHECKED_OPTIONS = (
    "workers",
    "max_cron_threads",
    "limit_memory_soft",
    "limit_memory_hard",
    "limit_time_cpu",
    "limit_time_real",
    "db_maxconn",
    "db_replica_host",
    "db_replica_port",
    "proxy_mode",
    "http_interface",
    "http_port",
    "gevent_port",
    "addons_path",
    "data_dir",
    "logfile",
)


def parse_with_odoo(tmp_path: Path, text: str) -> dict:
    odoo = find_odoo()
    entries = [str(odoo.root / "odoo" / "addons"), str(odoo.root / "addons"), str(REPO / "addons")]
    line = "addons_path = <odoo-source>/odoo/addons,<odoo-source>/addons,<snn-docflow>/addons"
    assert line in text, "the example's addons_path line changed: update this test"
    # an installed Odoo package has no <root>/addons: Odoo would rightly warn about it
    real = ",".join(e for e in entries if Path(e).is_dir())
    conf = tmp_path / "odoo.conf"
    conf.write_text(text.replace(line, f"addons_path = {real}"), encoding="utf-8")
    r = run(
        [sys.executable, "-c", _PARSE, conf, *CHECKED_OPTIONS],
        env=odoo.env(),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_odoo_example_conf_is_read_by_odoo_without_warnings(tmp_path):
    text = ODOO_CONF.read_text(encoding="utf-8")
    result = parse_with_odoo(tmp_path, text)
    assert result["problems"] == []
    options = result["options"]
    assert options["workers"] > 0 and options["max_cron_threads"] > 0
    assert options["proxy_mode"] is True
    assert options["http_interface"] == "127.0.0.1"
    assert options["limit_memory_soft"] < options["limit_memory_hard"]
    assert options["limit_time_cpu"] <= options["limit_time_real"]
    assert options["db_replica_host"] is None  # commented out: a replica is optional
    assert str(REPO / "addons") in options["addons_path"]


def test_odoo_example_conf_replica_options_are_odoo_options(tmp_path):
    """The replica lines, uncommented, are options Odoo 19 knows and parses (the port as int)."""
    text = ODOO_CONF.read_text(encoding="utf-8")
    assert "; db_replica_host = <replica-host>\n" in text
    assert "; db_replica_port = 5432\n" in text
    text = text.replace("; db_replica_host", "db_replica_host").replace(
        "; db_replica_port", "db_replica_port"
    )
    result = parse_with_odoo(tmp_path, text)
    assert result["problems"] == []
    assert result["options"]["db_replica_host"] == "<replica-host>"
    assert result["options"]["db_replica_port"] == 5432


def test_odoo_parser_check_catches_an_unknown_option(tmp_path):
    """The check above can fail: an option Odoo does not know is reported."""
    text = ODOO_CONF.read_text(encoding="utf-8").replace(
        "[options]\n", "[options]\nworkerz = 4\n", 1
    )
    problems = parse_with_odoo(tmp_path, text)["problems"]
    assert any("unknown option 'workerz'" in p[2] for p in problems), problems


def test_odoo_example_conf_sizing_arithmetic_matches_its_values():
    options = {k: int(v) for k, v in odoo_options().items() if v.isdigit()}
    text = ODOO_CONF.read_text(encoding="utf-8")
    processes = options["workers"] + options["max_cron_threads"] + 1  # + the gevent process
    soft, hard = options["limit_memory_soft"], options["limit_memory_hard"]
    expected = (
        f"(2 x cores) + 1 processes doing work, cron\n; workers included. Example, 8 cores: "
        f"2 x 8 + 1 = {options['workers'] + options['max_cron_threads']} = "
        f"{options['workers']} HTTP workers + {options['max_cron_threads']} cron workers.",
        f"{options['workers']} + {options['max_cron_threads']} + 1 = {processes} processes",
        f"{processes} x {soft // 2**30} GiB (soft) = {processes * soft // 2**30} GiB",
        f"{processes} x {hard / 2**30:g} GiB (hard) = {processes * hard / 2**30:g} GiB",
        f"(workers + max_cron_threads + 1 gevent) x db_maxconn = ({options['workers']} + "
        f"{options['max_cron_threads']} + 1) x {options['db_maxconn']} = "
        f"{processes * options['db_maxconn']}",
    )
    for phrase in expected:
        assert phrase in text, phrase


# ------------------------------------------------------------------------------------ nginx


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::", 0))
    except OSError:
        return False
    return True


def test_nginx_example_passes_nginx_t(tmp_path):
    nginx = tool("nginx", "nginx")
    cert, key = self_signed(tmp_path)
    site = (
        NGINX_CONF.read_text(encoding="utf-8")
        .replace("<certificate.pem>", str(cert))
        .replace("<private-key.pem>", str(key))
        .replace("<odoo-host>", "localhost")
    )
    # nginx -t binds the listening sockets: free unprivileged ports instead of 80 and 443, so
    # it runs as any user and beside a web server; IPv6 lines only where the host has IPv6.
    for port in (80, 443):
        assert re.search(rf"^    listen {port}[ ;]", site, re.M), port
        free = free_port()
        site = re.sub(rf"^    listen {port}([ ;])", rf"    listen {free}\1", site, flags=re.M)
        if ipv6_available():
            site = re.sub(
                rf"^    listen \[::\]:{port}([ ;])", rf"    listen [::]:{free}\1", site, flags=re.M
            )
        else:
            site = re.sub(rf"^    listen \[::\]:{port}[ ;].*\n", "", site, flags=re.M)
    assert "<" not in re.sub(r"#.*", "", site), "a placeholder of the example is not replaced"
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = {kind: tmp_path / f"{kind}_temp" for kind in ("client_body", "proxy", "fastcgi")}
    temp |= {kind: tmp_path / f"{kind}_temp" for kind in ("uwsgi", "scgi")}
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        textwrap.dedent(
            f"""\
            pid {tmp_path / "nginx.pid"};
            error_log {tmp_path / "error.log"};
            events {{}}
            http {{
                access_log off;
                {"".join(f"{kind}_temp_path {path};" for kind, path in temp.items())}
                include {tmp_path / "site.conf"};
            }}
            """
        ),
        encoding="utf-8",
    )
    r = run([nginx, "-t", "-p", tmp_path, "-c", wrapper, "-e", tmp_path / "error.log"])
    assert r.returncode == 0, r.stderr
    assert "syntax is ok" in r.stderr and "test is successful" in r.stderr, r.stderr
    assert "[warn]" not in r.stderr and "[emerg]" not in r.stderr, r.stderr


def test_nginx_example_agrees_with_odoo_example():
    site = NGINX_CONF.read_text(encoding="utf-8")
    options = odoo_options()
    assert f"server 127.0.0.1:{options['http_port']};" in site
    assert f"server 127.0.0.1:{options['gevent_port']};" in site
    # nginx waits as long as Odoo lets a request run
    assert f"proxy_read_timeout {options['limit_time_real']}s;" in site
    # /websocket goes to the gevent upstream, with the Upgrade and Connection headers
    websocket = re.search(r"location /websocket \{(.*?)\}", site, re.S).group(1)
    assert "proxy_pass http://odoo_websocket;" in websocket
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    assert "proxy_set_header Connection $odoo_connection;" in site
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in site
    # headers are set once, at server level: a location with its own would drop the others
    for location in re.findall(r"location [^{]*\{(.*?)\}", site, re.S):
        assert "proxy_set_header" not in location
    assert re.search(r"listen 443 ssl backlog=\d+;", site)
    assert "return 301 https://$host$request_uri;" in site


def test_nginx_example_queues_the_login_burst():
    """The 8 a.m. logins wait in nginx and reach Odoo at a rate its cores hash (2 per core per
    second), not all at once: beyond Odoo's listen queue (8 x workers) they failed with 502
    (bench/load_bench.py). Only POSTs count; queued, never refused (no nodelay)."""
    site = re.sub(r"#.*", "", NGINX_CONF.read_text(encoding="utf-8"))
    options = odoo_options()
    # odoo.example.conf's processes: (2 x cores) + 1 = workers + cron workers
    cores = (int(options["workers"]) + int(options["max_cron_threads"]) - 1) // 2
    zone = re.search(r"limit_req_zone \$(\w+) zone=odoo_login:\w+ rate=(\d+)r/s;", site)
    assert zone, "no limit_req_zone for the logins"
    assert int(zone.group(2)) == 2 * cores
    key = re.search(rf"map \$request_method \${zone.group(1)} \{{(.*?)\}}", site, re.S).group(1)
    assert re.search(r"^\s*POST\s+\S+;", key, re.M) and re.search(r"default\s+'';", key)
    for path in ("/web/login", "/web/session/authenticate"):
        location = re.search(rf"location = {re.escape(path)} \{{(.*?)\}}", site, re.S)
        assert location, path
        body = location.group(1)
        burst = re.search(r"limit_req zone=odoo_login burst=(\d+)([^;]*);", body)
        assert burst and int(burst.group(1)) >= 1000 and "nodelay" not in burst.group(2), path
        assert "proxy_pass http://odoo_http;" in body, path


# ---------------------------------------------------------------------------------- systemd


def verify_unit(tmp_path: Path, unit: Path, replacements: dict[str, str]) -> str:
    systemd_analyze = tool("systemd-analyze", "systemd")
    text = unit.read_text(encoding="utf-8")
    for placeholder, value in replacements.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    assert "<" not in re.sub(r"#.*", "", text), "a placeholder of the unit is not replaced"
    copy = tmp_path / unit.name
    copy.write_text(text, encoding="utf-8")
    r = run([systemd_analyze, "verify", "--man=no", copy])
    # verify exits 0 on an unknown key or a setting it ignores; it must say nothing at all
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), r.stdout + r.stderr
    return text


def bridge_executable() -> str:
    found = shutil.which("snn-token-bridge", path=str(Path(sys.executable).parent))
    found = found or shutil.which("snn-token-bridge")
    assert found, "snn-token-bridge is not installed in this Python's environment (make venv)"
    return found


def test_odoo_unit_passes_systemd_analyze_verify(tmp_path):
    odoo = find_odoo()
    launcher = odoo.root / "odoo-bin"
    text = verify_unit(
        tmp_path,
        ODOO_UNIT,
        {"<odoo-python>": sys.executable, "<odoo-source>/odoo-bin": str(launcher)},
    )
    assert "-c /etc/odoo/odoo.conf" in text
    # what Odoo writes is writable; the rest of the system is not
    options = odoo_options()
    writable = re.search(r"^ReadWritePaths=(.*)$", text, re.M).group(1).split()
    assert options["data_dir"] in writable
    assert str(Path(options["logfile"]).parent) in writable
    assert "ProtectSystem=strict" in text


def test_bridge_unit_passes_systemd_analyze_verify(tmp_path):
    text = verify_unit(tmp_path, BRIDGE_UNIT, {"<venv>/bin/snn-token-bridge": bridge_executable()})
    assert "--config /etc/snn/token-bridge.toml" in text
    # a wrong PIN is never retried: the status the bridge exits with on it is not restarted
    assert SnnSignError.exit_code == 2
    assert "RestartPreventExitStatus=2\n" in text
    assert "Restart=on-failure\n" in text
    assert "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n" in text


def test_bridge_exits_with_the_prevented_status_on_a_wrong_pin(tmp_path):
    """The bridge's exit status on a wrong PIN is the one the unit does not restart. On a demo
    token of its own: the main test token never sees a failed login."""
    pki = create_demo_pki(tmp_path / "pki", token_label="snn-unit", pin=f"U-{secrets.token_hex(6)}")
    pin_file = tmp_path / "wrong-pin"
    pin_file.write_text(f"W-{secrets.token_hex(6)}", encoding="utf-8")
    pin_file.chmod(0o600)
    config = tmp_path / "bridge.toml"
    write_secret(tmp_path / "secret")
    write_config(config, pki, port=1, secret_file=tmp_path / "secret", pin_file=pin_file)
    r = run(
        [bridge_executable(), "--config", config],
        env={**os.environ, **pki.env()},
        stdin=subprocess.DEVNULL,
    )
    assert "Wrong token PIN" in r.stderr, r.stderr
    unit = BRIDGE_UNIT.read_text(encoding="utf-8")
    assert f"RestartPreventExitStatus={r.returncode}\n" in unit


# -------------------------------------------------------------------------------- logrotate


def logrotate_copy(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The example with its log paths in tmp_path and the create owner the current user."""
    text = LOGROTATE.read_text(encoding="utf-8")
    odoo_log, bridge_log = tmp_path / "odoo.log", tmp_path / "token-bridge.log"
    logfile = odoo_options()["logfile"]
    bridge_path = re.search(
        r"^StandardError=append:(\S+)$", BRIDGE_UNIT.read_text(encoding="utf-8"), re.M
    ).group(1)
    for path, copy in ((logfile, odoo_log), (bridge_path, bridge_log)):
        assert f"\n{path} {{\n" in text, f"{path} is not rotated by the example"
        text = text.replace(f"\n{path} {{\n", f"\n{copy} {{\n")
    user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    assert "create 0640 odoo odoo" in text  # the User= and Group= of config/odoo.service
    text = text.replace("create 0640 odoo odoo", f"create 0640 {user} {group}")
    conf = tmp_path / "logrotate.conf"
    conf.write_text(text, encoding="utf-8")
    return conf, odoo_log, bridge_log


def test_logrotate_example_passes_logrotate_d(tmp_path):
    logrotate = tool("logrotate", "logrotate")
    conf, odoo_log, bridge_log = logrotate_copy(tmp_path)
    odoo_log.write_text("a line\n", encoding="utf-8")
    bridge_log.write_text("a line\n", encoding="utf-8")
    r = run([logrotate, "-d", "-f", "-s", tmp_path / "state", conf])
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    # logrotate -d reports unknown directives and users as "error:" lines, still exiting 0
    assert "error" not in out.lower(), out
    assert f"renaming {odoo_log} to {odoo_log}.1" in out, out
    assert f"creating new {odoo_log} mode = 0640" in out, out
    assert f"copying {bridge_log} to {bridge_log}.1" in out, out
    assert f"truncating {bridge_log}" in out, out


# Odoo's own log handler (odoo/netsvc.py): one line, wait for the rotation, another line.
_ODOO_LOGGER = """
import logging, sys
from odoo.netsvc import WatchedFileHandler

handler = WatchedFileHandler(sys.argv[1])


def line(text):
    handler.emit(logging.LogRecord("odoo", logging.INFO, "odoo", 0, text, None, None))


line("before the rotation")
print("ready", flush=True)
sys.stdin.readline()
line("after the rotation")
"""


def test_logrotate_example_rotates_odoo_log_and_bridge_log_for_real(tmp_path):
    """A real rotation (logrotate -f on the copies): Odoo's handler writes its next line into
    the new file without a signal; the bridge's file, written in append mode as systemd opens
    it, goes on after copytruncate from its start, the earlier lines in the copy."""
    logrotate = tool("logrotate", "logrotate")
    conf, odoo_log, bridge_log = logrotate_copy(tmp_path)
    odoo = find_odoo()
    writer = subprocess.Popen(
        [sys.executable, "-c", _ODOO_LOGGER, str(odoo_log)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=odoo.env(),
        cwd=tmp_path,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        with bridge_log.open("a", encoding="utf-8") as bridge:
            bridge.write("signed before\n")
            bridge.flush()
            r = run([logrotate, "-f", "-s", tmp_path / "state", conf])
            assert r.returncode == 0, r.stdout + r.stderr
            bridge.write("signed after\n")
            bridge.flush()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    assert "before the rotation" in (tmp_path / "odoo.log.1").read_text(encoding="utf-8")
    assert odoo_log.read_text(encoding="utf-8") == "after the rotation\n"
    with gzip.open(tmp_path / "token-bridge.log.1.gz", "rt", encoding="utf-8") as rotated:
        assert rotated.read() == "signed before\n"
    # O_APPEND: after the truncation the next line starts the file, no hole of zero bytes
    assert bridge_log.read_text(encoding="utf-8") == "signed after\n"
