"""The token bridge: a small aiohttp service next to a PKCS#11 token (the ``server`` profile;
the ``local`` profile, on an official's PC, is local_server.py).

    GET  /v1/health   no authentication
    GET  /v1/keys     the configured keys with their certificate chains
    POST /v1/sign     {"key", "digest_algorithm", "signed_attrs": base64 DER} -> {"signature"}

Errors are JSON ``{"error": "<vi> / <en>", "error_vi", "error_en", "code"}`` with a fitting
status: 401 authentication, 400 bad payload, 403 key not allowed for this client, 404 unknown
key, 409 certificate expired or not yet valid, 413 body too large, 503 token failure. Token
calls run on the TokenWorker's one thread.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import logging

from aiohttp import web

from snn_sign.bridge.auth import Authenticator, AuthError
from snn_sign.errors import SnnSignError, TokenError
from snn_token_bridge.config import BridgeConfig, ClientConfig
from snn_token_bridge.keys import BridgeKey, load_keys
from snn_token_bridge.local_server import LOCAL_KEYS, create_local_app
from snn_token_bridge.payload import PayloadError, SignRequest, parse_sign_request
from snn_token_bridge.responses import API_VERSION, Refusal, error, json_errors, json_response
from snn_token_bridge.token import TokenWorker, UnknownKeyError

log = logging.getLogger("snn_token_bridge")

WORKER: web.AppKey[TokenWorker] = web.AppKey("worker", TokenWorker)
KEYS: web.AppKey[dict[str, BridgeKey]] = web.AppKey("keys", dict)
AUTH: web.AppKey[Authenticator] = web.AppKey("auth", Authenticator)
CLIENTS: web.AppKey[dict[str, ClientConfig]] = web.AppKey("clients", dict)


async def _authenticate(request: web.Request) -> tuple[str, bytes]:
    body = await request.read()
    try:
        client = request.app[AUTH].verify(
            request.headers.get("Authorization"), request.method, request.raw_path, body
        )
    except AuthError as exc:
        raise Refusal(401, exc.reason, exc.vi, exc.en) from None
    return client, body


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "api": API_VERSION})


async def keys(request: web.Request) -> web.Response:
    client, _ = await _authenticate(request)
    allowed = request.app[CLIENTS][client]
    now = dt.datetime.now(dt.timezone.utc)
    return json_response(
        {
            "keys": [
                k.public_info(now) for k in request.app[KEYS].values() if allowed.may_use(k.label)
            ]
        }
    )


def _checked_request(
    app: web.Application, client: str, body: bytes
) -> tuple[SignRequest, BridgeKey]:
    """Parse and check a signing request; raise Refusal for anything not to be signed."""
    try:
        sign_request = parse_sign_request(json.loads(body))
    except (ValueError, UnicodeDecodeError):
        raise Refusal(
            400, "not-json", "Nội dung không phải JSON.", "The body is not JSON."
        ) from None
    except PayloadError as exc:
        raise Refusal(400, "bad-payload", exc.vi, exc.en) from None
    # Before the lookup: the same 403 for a key that exists and one that does not, so a
    # restricted client cannot probe which other keys the bridge holds.
    if not app[CLIENTS][client].may_use(sign_request.key):
        raise Refusal(
            403,
            "key-not-allowed",
            f"Client {client} không được dùng khóa {sign_request.key!r}.",
            f"Client {client} may not use key {sign_request.key!r}.",
        )
    key = app[KEYS].get(sign_request.key)
    if key is None:
        raise Refusal(
            404,
            "unknown-key",
            f"Không có khóa {sign_request.key!r}.",
            f"Unknown key {sign_request.key!r}.",
        )
    problem = key.validity_problem(dt.datetime.now(dt.timezone.utc))
    if problem == "expired":
        raise Refusal(
            409,
            "certificate-expired",
            f"Chứng thư của khóa {key.label!r} đã hết hạn ({key.not_after:%Y-%m-%d}).",
            f"The certificate of key {key.label!r} expired ({key.not_after:%Y-%m-%d}).",
        )
    if problem is not None:
        raise Refusal(
            409,
            "certificate-not-yet-valid",
            f"Chứng thư của khóa {key.label!r} chưa có hiệu lực ({key.not_before:%Y-%m-%d}).",
            f"The certificate of key {key.label!r} is not yet valid ({key.not_before:%Y-%m-%d}).",
        )
    return sign_request, key


async def sign(request: web.Request) -> web.Response:
    client, body = await _authenticate(request)
    try:
        sign_request, key = _checked_request(request.app, client, body)
        future = request.app[WORKER].submit_sign(
            key.label, sign_request.signed_attrs, sign_request.digest_algorithm
        )
        try:
            signature = await asyncio.wrap_future(future)
        except UnknownKeyError as exc:
            raise Refusal(404, "key-not-on-token", exc.vi, exc.en) from None
        if not key.signature_ok(
            signature, sign_request.signed_attrs, sign_request.digest_algorithm
        ):
            raise TokenError(
                f"Token trả về chữ ký không khớp chứng thư của khóa {key.label!r}.",
                f"The token returned a signature that does not match key {key.label!r}'s "
                "certificate.",
            )
    except Refusal as refusal:
        refusal.client = client
        raise
    except TokenError as exc:
        log.error("token failure client=%s key=%s: %s", client, key.label, exc.en)
        return error(503, "token_error", exc.vi, exc.en)
    log.info(
        "signed client=%s key=%s digest_algorithm=%s digest=%s remote=%s",
        client,
        key.label,
        sign_request.digest_algorithm,
        sign_request.message_digest.hex(),
        request.remote,
    )
    return json_response(
        {
            "signature": base64.b64encode(signature).decode("ascii"),
            "key": key.label,
            "digest_algorithm": sign_request.digest_algorithm,
        }
    )


def create_app(config: BridgeConfig, worker: TokenWorker) -> web.Application:
    """The aiohttp application around an already started (logged-in) worker."""
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=[json_errors])
    app[WORKER] = worker
    app[KEYS] = load_keys(worker, config.keys, config.chain_files)
    app[AUTH] = Authenticator({c.name: c.secret for c in config.clients}, window=config.auth_window)
    app[CLIENTS] = {c.name: c for c in config.clients}
    app.router.add_get("/v1/health", health)
    app.router.add_get("/v1/keys", keys)
    app.router.add_post("/v1/sign", sign)
    return app


def warn_if_exposed(host: str, loopback: bool) -> None:
    if not loopback:
        banner = "!" * 78
        log.warning(banner)
        log.warning(
            "CẢNH BÁO: token bridge đang nghe trên %s, KHÔNG phải loopback. Hãy đặt nó "
            "sau tường lửa/TLS và chỉ cho các máy được phép truy cập.",
            host,
        )
        log.warning(
            "WARNING: the token bridge listens on %s, NOT on loopback. Put it behind a "
            "firewall/TLS and allow only the machines that need it.",
            host,
        )
        log.warning(banner)


def run(config: BridgeConfig, worker: TokenWorker) -> None:
    """Serve until SIGINT/SIGTERM. ``worker`` must be started; it is closed at the end."""
    if config.profile == "local":
        app = create_local_app(config, worker)
        bridge_keys = app[LOCAL_KEYS]
        log.info(
            "local profile: web clients of %s; PIN %s",
            ", ".join(config.allowed_origins),
            "typed at start" if worker.logged_in else "asked on each confirmation page",
        )
    else:
        app = create_app(config, worker)
        bridge_keys = app[KEYS]
        warn_if_exposed(config.host, config.loopback)
    for key in bridge_keys.values():
        log.info(
            "key %s (%s) %s valid %s .. %s",
            key.label,
            key.purpose,
            key.info["subject"],
            key.info["not_before"],
            key.info["not_after"],
        )

    async def _close_worker(_app: web.Application) -> None:
        worker.close()
        log.info("stopped; token session closed")

    app.on_cleanup.append(_close_worker)
    web.run_app(
        app,
        host=config.host,
        port=config.port,
        access_log=None,
        print=lambda msg: log.info("%s", msg.strip()),
        handle_signals=True,
    )


__all__ = ["SnnSignError", "create_app", "run"]
