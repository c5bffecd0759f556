"""``snn-token-bridge --config FILE``: run the token bridge next to a PKCS#11 token.

Exit status: 0 after a normal stop (Ctrl+C / SIGTERM), 2 for a configuration or token problem
(wrong PIN, token absent, a config value of the wrong type, …) with a bilingual message on
stderr, never a traceback. A wrong PIN is never retried.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time

from snn_sign.errors import SnnSignError


class _UtcFormatter(logging.Formatter):
    converter = time.gmtime  # log times in UTC, ISO 8601

    def formatTime(self, record, datefmt=None):
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + (
            f".{int(record.msecs):03d}Z"
        )


def _setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_UtcFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="snn-token-bridge",
        description="Token bridge: ký (PAdES) bằng khóa trên token PKCS#11 cho các client đã "
        "xác thực / signs with a PKCS#11 token key for authenticated clients.",
    )
    parser.add_argument(
        "--config", required=True, help="TOML file (see config/token-bridge.example.toml)"
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    args = parser.parse_args(argv)
    _setup_logging(args.log_level)

    # Imported here so `--help` works even where aiohttp / python-pkcs11 are missing.
    from snn_token_bridge.config import load_config  # noqa: PLC0415
    from snn_token_bridge.server import run  # noqa: PLC0415
    from snn_token_bridge.token import TokenWorker  # noqa: PLC0415

    worker = None
    try:
        config = load_config(args.config)
        worker = TokenWorker(config.module, config.token_label, config.pin)
        worker.start()
        config = dataclasses.replace(config, pin=None)  # the worker has logged in; drop it
        run(config, worker)  # closes the worker when the server stops
        worker = None
    except SnnSignError as exc:
        print(f"snn-token-bridge: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl+C at the PIN prompt
        return 130
    except OSError as exc:  # e.g. the port is taken
        print(f"snn-token-bridge: Không khởi động được / Cannot start: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # Last resort: a case the checks above missed still ends with a message a clerk can
        # pass on, not a traceback (which stays available with --log-level DEBUG).
        logging.getLogger("snn_token_bridge").debug("unexpected error", exc_info=True)
        print(
            f"snn-token-bridge: Lỗi không lường trước, dịch vụ dừng / Unexpected error, the "
            f"service stops: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return 2
    finally:
        if worker is not None:
            worker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
