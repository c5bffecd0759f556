#!/usr/bin/env python3
"""What the Makefile runs: `python3 tools/devenv.py <command> [args]`.

The developer environment itself is the package tools/devenv/ beside this file (one concern
per file, standard library only; the commands are in tools/devenv/cli.py). Run as a script,
this file's directory is first on sys.path, where the package tools/devenv/ takes precedence
over this module of the same name.
"""

import sys

from devenv.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
