"""`python -m devenv` (tools/ on the path) is tools/devenv.py."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
