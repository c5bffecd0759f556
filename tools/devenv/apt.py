"""The Debian packages the signing engine and the tests need: checked, installed as root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .common import Fail, is_root, probe, run, step

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
    # tests/test_config_files.py checks config/nginx.example.conf and config/logrotate.example
    # with the real tools (`nginx -t`, `logrotate -d`)
    "nginx": "/usr/sbin/nginx",
    "logrotate": "/usr/sbin/logrotate",
}


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
