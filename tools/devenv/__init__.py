"""devenv: the developer environment behind the make targets, one concern per file.

Entry: tools/devenv.py (what the Makefile runs), or `python -m devenv` with tools/ on the path;
the commands are in cli.py. Standard library only, so that any python3 >= 3.10 runs it before
.venv exists. The names below are what the benches (bench/) and tests/test_addon_wheels.py use.

    names.py          paths, and the names of the project's code devenv starts or installs
    common.py         Fail, say, step, run, probe, free_port
    python_env.py     .venv: a Python that runs, the pinned requirements, the editable installs
    apt.py            the Debian packages the engine and the tests need
    odoo_source.py    finding (or downloading) Odoo 19
    postgres.py       a configured server, a throwaway cluster, the demo cluster
    odoo_db.py        Odoo config files, the project's modules, installing them, SQL questions
    log_stream.py     a long command's output shown, logged, killed when silent
    odoo_log.py       reading Odoo's install and test-runner logs
    junit.py          the pytest command and its JUnit XML counts
    odoo_runner.py    Odoo's own test runner, for `make test` and `make test-core`
    core_runner.py    `make test-core`'s wrapper of Odoo's loader (why: see the file)
    test_runs.py      `make test`: pytest then Odoo's runner, and the verdict
    processes.py      background launchers: started in their own session, found, stopped
    demo_services.py  the demo token bridge and the exchange stand-in
    demo_config.py    the demo database pointed at them (demo.json, run by demo_shell.py)
    demo_commands.py  run, reset-demo, stop, clean
    lint.py           ruff, pylint-odoo, OCA's checks
    cli.py            the commands and main()
"""

from .cli import exit_on_signal, main
from .common import Fail, free_port, probe, run, say, step
from .log_stream import stream_to_log
from .odoo_db import Site, drop_database, install_modules, write_odoo_conf
from .odoo_log import ODOO_LOG_PROBLEM
from .odoo_source import Odoo, find_odoo
from .postgres import configured_server, throwaway_server
from .python_env import ensure_venv, venv_python
