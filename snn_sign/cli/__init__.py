"""Command-line entry points: ``snn-sign`` (sign_cli) and ``snn-token-bridge`` (bridge_cli)."""
