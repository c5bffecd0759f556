# Every target is a one-line call into tools/devenv.py, which runs the package tools/devenv/
# (standard library only, one concern a file), so any working python3 >= 3.10 starts it;
# devenv then makes .venv and runs everything else on that.
# A pyenv shim named python3 can exist and still fail, hence the probe below.
PYTHON3 ?= $(shell for p in python3 /usr/bin/python3 /usr/local/bin/python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null && { echo $$p; break; }; done)
DEVENV = $(PYTHON3) tools/devenv.py

.PHONY: run test test-sign test-core lint stop reset-demo clean venv screenshots

run:  ## serve the demo on http://localhost:8069 (Ctrl-C stops Odoo; database and bridge stay)
	$(DEVENV) run

test:  ## every test on throwaway databases, by pytest then by Odoo's runner; ARGS="-k foo" go to pytest only
	$(DEVENV) test $(ARGS)

test-sign:  ## only the Odoo-free tests (signing engine, bridge, CLI)
	$(DEVENV) test-sign $(ARGS)

test-core:  ## Odoo's own tests of hr, base_setup, mail activities, base, web basics, with our modules installed
	$(DEVENV) test-core

screenshots:  ## each demo user's first screen, desktop and phone (needs `make run` serving)
	$(DEVENV) screenshots

lint:  ## ruff and pylint-odoo, as in .pre-commit-config.yaml
	$(DEVENV) lint

stop:  ## stop the demo PostgreSQL cluster and the demo token bridge
	$(DEVENV) stop

reset-demo:  ## drop the demo database and the demo token, build them again
	$(DEVENV) reset-demo

clean:  ## stop the demo cluster, delete .run/ (demo database included) and caches
	$(DEVENV) clean

venv:  ## only make (or refresh) .venv
	$(DEVENV) venv

.PHONY: wheels
wheels:  ## build dist/*.whl: the engine snn-sign and odoo-addon-<module> per add-on (whool)
	$(DEVENV) venv && .venv/bin/python tools/build_wheels.py $(ARGS)
