"""Command-line entry point ``snn-sign`` (sign_cli); ``snn-token-bridge`` is in snn_token_bridge."""
