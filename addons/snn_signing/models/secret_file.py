"""Secret files (a token bridge's HMAC secret, the document exchange's secret) on the Odoo server.

A manager names a file; the server's administrator decides where files may be. The directory is
``secrets_dir`` in the ``[snn]`` section of Odoo's configuration file (never the database: a
section of its own, since Odoo 19 warns at every start about an option of ``[options]`` it does
not know), and each company has a subdirectory of its own, named by its database id::

    [snn]
    secrets_dir = /etc/odoo/snn-secrets

    /etc/odoo/snn-secrets/1/bridge.secret      (company 1, mode 0600, owned by Odoo's user)
    /etc/odoo/snn-secrets/2/exchange.secret    (company 2)

A setting holds a file NAME only (no "/", no ".."), and it is looked up in the directory of the
company the setting belongs to: a manager of one company cannot name another company's file, nor
any other file of the server. The subdirectory and the file are opened without following
symbolic links, and the file must be a regular file that only its owner may read.
"""

import configparser
import os
import re
import stat

from odoo.exceptions import UserError, ValidationError
from odoo.tools import config

SECTION, KEY = "snn", "secrets_dir"
# The same, set at run time in Odoo's options (tests and benches, which share the runner's
# configuration file with everything else): it wins over the file.
OPTION = "snn_secrets_dir"
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
MAX_SECRET_BYTES = 4096


def check_secret_name(env, name):
    """ValidationError unless ``name`` is a plain file name (what a manager may type)."""
    if name and (not NAME_RE.match(name) or ".." in name):
        raise ValidationError(
            env._(
                "“%s” is not a secret file name: give the file's name only (letters, digits, "
                "“.”, “-”, “_”; no “/”, no “..”). The file lies in this company's directory of "
                "the server's secrets directory.",
                name,
            )
        )


def secrets_dir(env):
    """The directory of the server's configuration, or a UserError that says what to set."""
    path = config.get(OPTION)
    if not path and config.get("config"):
        parser = configparser.RawConfigParser()
        parser.read(config["config"])
        path = parser.get(SECTION, KEY, fallback=None)
    if not path:
        raise UserError(
            env._(
                "The server has no secrets directory: the administrator adds the section "
                "“[snn]” with the line “secrets_dir = /etc/odoo/snn-secrets” to Odoo's "
                "configuration file, puts each company's secret files in the subdirectory "
                "named by the company's id (e.g. /etc/odoo/snn-secrets/1/) and restarts Odoo."
            )
        )
    return path


def read_secret(env, company, name):
    """The content of the secret file ``name`` of ``company`` (stripped). OSError when it
    cannot be read; ValidationError for a bad name; UserError when no directory is set."""
    check_secret_name(env, name)
    if not name:
        raise FileNotFoundError(2, os.strerror(2))
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    root = os.open(secrets_dir(env), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        folder = os.open(str(company.id), flags | os.O_DIRECTORY, dir_fd=root)
    finally:
        os.close(root)
    try:
        fd = os.open(name, flags | os.O_NONBLOCK, dir_fd=folder)
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as secret_file:
        info = os.fstat(secret_file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(21, env._("not a regular file"))
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise PermissionError(1, env._("readable by others: chmod 600 it"))
        secret = secret_file.read(MAX_SECRET_BYTES + 1)
    if len(secret) > MAX_SECRET_BYTES:
        raise OSError(27, env._("larger than %s bytes", MAX_SECRET_BYTES))
    return secret.strip()


def reason(error):
    """Why reading failed, in words (never the path: it says nothing to the manager)."""
    return error.strerror or type(error).__name__
