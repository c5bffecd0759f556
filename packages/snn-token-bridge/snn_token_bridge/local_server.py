"""The bridge's ``local`` profile: on an official's PC, for the Odoo web client in its browser.

    GET  /v1/health                  liveness, no CORS
    GET  /v1/local/keys              the token's configured keys and certificates      (API)
    POST /v1/local/requests          an envelope Odoo signed -> {id, status, confirm_url} (API)
    GET  /v1/local/requests/<id>     pending | declined | expired | failed | signed (+ signature,
                                     certificate, chain)                                (API)
    GET  /v1/local/confirm/<id>      the confirmation page the official reads           (page)
    POST /v1/local/confirm/<id>      its form: csrf, decision=confirm|decline, pin      (page)

Who may do what. The API answers only the browser origins in ``allowed_origins`` (CORS for
them, 403 and no CORS header for any other page). A request is signed only when Odoo signed it
(``odoo_request_key``) for that origin and those signed attributes, it is fresh and not seen
before, AND the official confirmed it on the page. The page is the bridge's own origin: no CORS
header lets another page read it, so none can learn its per-request CSRF token, and it cannot
be framed. Every request must name the bridge by a loopback Host (127.0.0.1, localhost, [::1])
and its real port: a web page whose own name resolves to 127.0.0.1 (DNS rebinding) would
otherwise be the same origin as the page and could read the token.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import logging
import re
import time

from aiohttp import web

from snn_sign.bridge.local_request import (
    LocalRequestError,
    load_public_key,
    names_certificate,
    normalise_origin,
    verify_request,
)
from snn_sign.errors import BadInputError, TokenError
from snn_token_bridge import local_page
from snn_token_bridge.config import BridgeConfig
from snn_token_bridge.keys import BridgeKey, load_keys
from snn_token_bridge.local_store import (
    DECLINED,
    FAILED,
    PENDING,
    SIGNED,
    SIGNING,
    FullError,
    LocalRequest,
    LocalRequests,
    ReplayError,
)
from snn_token_bridge.responses import (
    API_VERSION,
    Refusal,
    error,
    json_errors,
    json_response,
    log_refused,
)
from snn_token_bridge.token import PinLockedError, TokenWorker, UnknownKeyError, WrongPinError

log = logging.getLogger("snn_token_bridge")

LOCAL_WORKER: web.AppKey[TokenWorker] = web.AppKey("local_worker", TokenWorker)
LOCAL_KEYS: web.AppKey[dict[str, BridgeKey]] = web.AppKey("local_keys", dict)
STORE: web.AppKey[LocalRequests] = web.AppKey("local_store", LocalRequests)

_API_PATHS = ("/v1/local/keys", "/v1/local/requests")
_LOOPBACK_HOST = re.compile(r"^(127\.0\.0\.1|localhost|\[::1\])(?::([0-9]{1,5}))?$", re.IGNORECASE)
# Answers to POST /v1/local/requests by verify_request's reason: a forged or foreign request is
# forbidden, a malformed or stale one is a bad request.
_STATUS_OF_REASON = {"bad-signature": 403, "origin-mismatch": 403}


class LocalSettings:
    """What the handlers need of the configuration, and the PIN guard: consecutive wrong PINs
    across all requests (the token counts them the same way), up to ``max_pin_attempts``."""

    def __init__(self, config: BridgeConfig):
        self.origins = frozenset(config.allowed_origins)
        self.public_key = load_public_key(config.odoo_request_key or "")
        self.max_pin_attempts = config.max_pin_attempts
        self.wrong_pins = 0
        self.pin_locked: tuple[str, str] | None = None


SETTINGS: web.AppKey[LocalSettings] = web.AppKey("local_settings", LocalSettings)


# --------------------------------------------------------------------------- middlewares


@web.middleware
async def loopback_host(request: web.Request, handler):
    """Refuse a Host that is not this bridge's loopback address and port (DNS rebinding)."""
    match = _LOOPBACK_HOST.match(request.host or "")
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    port = sockname[1] if sockname else None
    if not match or (port is not None and int(match.group(2) or 80) != port):
        log_refused(request, 403, "host-not-loopback")
        return error(
            403,
            "host_not_allowed",
            "Chỉ truy cập bridge qua 127.0.0.1 hoặc localhost.",
            "Reach the bridge through 127.0.0.1 or localhost only.",
        )
    return await handler(request)


def _allowed_origin(request: web.Request) -> str | None:
    try:
        origin = normalise_origin(request.headers.get("Origin", ""))
    except BadInputError:
        return None
    return origin if origin in request.app[SETTINGS].origins else None


@web.middleware
async def cors(request: web.Request, handler):
    """CORS for the allowed origins on the API paths only; the confirmation page never gets a
    CORS header, whoever asks."""
    if not request.path.startswith(_API_PATHS):
        return await handler(request)
    origin = _allowed_origin(request)
    if origin is None:
        log_refused(request, 403, "origin-not-allowed", request.headers.get("Origin", "-"))
        return error(
            403,
            "origin_not_allowed",
            "Trang web này không được phép dùng token bridge.",
            "This web page may not use the token bridge.",
        )
    if request.method == "OPTIONS":  # preflight
        response = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
        if request.headers.get("Access-Control-Request-Private-Network") == "true":
            # Chrome's Private Network Access: a public page calling a loopback service.
            response.headers["Access-Control-Allow-Private-Network"] = "true"
    else:
        response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    return response


# --------------------------------------------------------------------------- the API


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "api": API_VERSION, "profile": "local"})


async def keys(request: web.Request) -> web.Response:
    now = dt.datetime.now(dt.timezone.utc)
    return json_response(
        {
            "keys": [key.public_info(now) for key in request.app[LOCAL_KEYS].values()],
            "pin_on_page": not request.app[LOCAL_WORKER].logged_in,
        }
    )


def _key_for(app: web.Application, payload: dict) -> BridgeKey:
    key = app[LOCAL_KEYS].get(payload["key_label"])
    if key is None:
        raise Refusal(
            404,
            "unknown-key",
            f"Token trên máy này không có khóa {payload['key_label']!r}.",
            f"The token on this computer has no key {payload['key_label']!r}.",
        )
    problem = key.validity_problem(dt.datetime.now(dt.timezone.utc))
    if problem is not None:
        raise Refusal(
            409,
            f"certificate-{problem}",
            f"Chứng thư của khóa {key.label!r} không còn/chưa có hiệu lực "
            f"({key.not_before:%Y-%m-%d} .. {key.not_after:%Y-%m-%d}).",
            f"The certificate of key {key.label!r} is not valid now "
            f"({key.not_before:%Y-%m-%d} .. {key.not_after:%Y-%m-%d}).",
        )
    certificate = _certificate_der(key)
    claimed = [payload["signed_attributes"], *(part.attributes for part in payload["more"])]
    if not all(names_certificate(attributes, certificate) for attributes in claimed):
        # The page shows this key's certificate: the signature must claim that one.
        raise Refusal(
            400,
            "certificate-mismatch",
            f"Dữ liệu cần ký không nêu chứng thư của khóa {key.label!r} (signing-certificate-v2).",
            f"The data to sign does not name the certificate of key {key.label!r} "
            "(signing-certificate-v2).",
        )
    return key


def _certificate_der(key: BridgeKey) -> bytes:
    pem = key.info["certificate"]
    body = "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))
    return base64.b64decode(body)


async def create_request(request: web.Request) -> web.Response:
    try:
        envelope = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise Refusal(
            400, "not-json", "Nội dung không phải JSON.", "The body is not JSON."
        ) from None
    settings = request.app[SETTINGS]
    try:
        payload = verify_request(
            envelope, settings.public_key, origin=request.headers.get("Origin")
        )
    except LocalRequestError as exc:
        raise Refusal(_STATUS_OF_REASON.get(exc.reason, 400), exc.reason, exc.vi, exc.en) from None
    key = _key_for(request.app, payload)
    try:
        pending = request.app[STORE].add(payload, key)
    except ReplayError:
        raise Refusal(
            409,
            "replayed",
            "Yêu cầu ký này đã được gửi trước đó; hãy bấm ký lại trong Odoo.",
            "This signing request was sent before; click sign again in Odoo.",
        ) from None
    except FullError:
        raise Refusal(
            429,
            "too-many-pending",
            "Quá nhiều yêu cầu đang chờ xác nhận; hãy xử lý chúng trước.",
            "Too many requests await confirmation; deal with them first.",
        ) from None
    log.info(
        "local request id=%s request_id=%s key=%s document=%r digest=%s more=%d origin=%s "
        "expires_at=%d",
        pending.id,
        pending.request_id,
        key.label,
        pending.document.get("code", ""),
        pending.attributes.message_digest.hex(),
        len(pending.more),
        pending.origin,
        pending.expires_at,
    )
    return json_response(
        {
            "id": pending.id,
            "request_id": pending.request_id,
            "status": PENDING,
            "confirm_url": f"http://{request.host}/v1/local/confirm/{pending.id}",
            "expires_at": pending.expires_at,
        },
        status=201,
    )


async def request_status(request: web.Request) -> web.Response:
    pending = request.app[STORE].get(request.match_info["id"])
    # Only the origin that made a request may read it (several Odoo instances on one PC).
    if pending is None or pending.origin != _allowed_origin(request):
        raise Refusal(
            404,
            "unknown-request",
            "Không có yêu cầu này (đã hết hạn lâu hoặc bridge đã khởi động lại).",
            "No such request (long expired, or the bridge was restarted).",
        )
    status = PENDING if pending.status == SIGNING else pending.status
    answer = {
        "id": pending.id,
        "request_id": pending.request_id,
        "status": status,
        "key_label": pending.key.label,
        "expires_at": pending.expires_at,
    }
    if status == SIGNED:
        answer.update(
            signature=base64.b64encode(pending.signature or b"").decode("ascii"),
            more_signatures=[
                base64.b64encode(value).decode("ascii") for value in pending.more_signatures
            ],
            digest_algorithm=pending.digest_algorithm,
            certificate=pending.key.info["certificate"],
            chain=pending.key.info["chain"],
        )
    if status == FAILED and pending.error:
        vi, en = pending.error
        answer.update(error=f"{vi} / {en}", error_vi=vi, error_en=en)
    return json_response(answer)


# --------------------------------------------------------------------------- the page


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(
        status=status, text=body, content_type="text/html", headers=local_page.HEADERS
    )


def _not_found() -> web.Response:
    return _html(
        local_page.message_page(
            ("Không tìm thấy yêu cầu", "Request not found"),
            (
                "Yêu cầu ký không còn (đã hết hạn, hoặc bridge đã khởi động lại). Hãy bấm ký "
                "lại trong Odoo.",
                "The signing request is gone (expired, or the bridge was restarted). Click "
                "sign again in Odoo.",
            ),
        ),
        404,
    )


def _show(request: web.Request, pending: LocalRequest, message=None, status=200):
    if pending.status == SIGNING:
        return _html(
            local_page.message_page(
                ("Đang ký", "Signing"),
                ("Token đang ký văn bản này.", "The token is signing this document."),
            ),
            409,
        )
    if pending.status != PENDING:
        return _html(local_page.ended_page(pending), status)
    pin_needed = not request.app[LOCAL_WORKER].logged_in
    return _html(local_page.confirm_page(pending, pin_needed=pin_needed, message=message), status)


async def confirm_page(request: web.Request) -> web.Response:
    pending = request.app[STORE].get(request.match_info["id"])
    return _not_found() if pending is None else _show(request, pending)


def _form_refused(request: web.Request, reason: str) -> web.Response:
    log_refused(request, 403, reason, request.headers.get("Origin", "-"))
    return _html(
        local_page.message_page(
            ("Biểu mẫu bị từ chối", "Form refused"),
            (
                "Biểu mẫu xác nhận không hợp lệ; chỉ trang xác nhận của bridge mới gửi được. "
                "Hãy mở lại trang từ Odoo.",
                "The confirmation form is not valid; only the bridge's own page can send it. "
                "Open the page again from Odoo.",
            ),
        ),
        403,
    )


def _form_problem(request: web.Request, pending: LocalRequest, form) -> str | None:
    """Why this POST is not the official's click on the bridge's own page, or None."""
    # A browser names the page a form came from; only the bridge's own page may post here.
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"http://{request.host}":
        return "form-from-other-origin"
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return "form-from-other-site"
    if not pending.csrf_ok(form.get("csrf")):
        return "bad-csrf"
    if form.get("decision") not in {"confirm", "decline"}:
        return "bad-decision"
    return None


async def confirm(request: web.Request) -> web.Response:
    pending = request.app[STORE].get(request.match_info["id"])
    if pending is None:
        return _not_found()
    form = await request.post()
    problem = _form_problem(request, pending, form)
    if problem is not None:
        return _form_refused(request, problem)
    if pending.status != PENDING:
        return _show(request, pending)
    if form["decision"] == "decline":
        pending.end(DECLINED, time.time())
        log.info("local declined id=%s request_id=%s", pending.id, pending.request_id)
        return _show(request, pending)
    return await _sign(request, pending, str(form.get("pin") or ""))


async def _sign(request: web.Request, pending: LocalRequest, pin: str) -> web.Response:
    settings = request.app[SETTINGS]
    worker = request.app[LOCAL_WORKER]
    if settings.pin_locked is not None:
        pending.end(FAILED, time.time(), settings.pin_locked)
        return _show(request, pending)
    if not worker.logged_in and not pin:
        return _show(request, pending, ("Hãy nhập mã PIN của token.", "Type the token's PIN."))
    pending.status = SIGNING  # a second click meanwhile is told so, and signs nothing
    try:
        signatures = []
        # The document first: a wrong PIN stops there, before anything else is signed.
        for to_sign in (pending.to_sign, *(part.to_sign for part in pending.more)):
            future = worker.submit_sign(
                pending.key.label, to_sign, pending.digest_algorithm, pin or None
            )
            signatures.append(await asyncio.wrap_future(future))
    except WrongPinError as exc:
        pending.status = PENDING
        return _wrong_pin(request, pending, exc)
    except PinLockedError as exc:
        _lock_pin(request, (exc.vi, exc.en))
        return _show(request, pending)
    except (UnknownKeyError, TokenError) as exc:
        # E.g. the token was pulled out: plug it in and press Sign again.
        pending.status = PENDING
        log.error("local token failure id=%s key=%s: %s", pending.id, pending.key.label, exc.en)
        return _show(request, pending, (exc.vi, exc.en), 503)
    finally:
        del pin
    settings.wrong_pins = 0
    _keep_signatures(pending, signatures)
    return _show(request, pending)


def _keep_signatures(pending: LocalRequest, signatures: list[bytes]) -> None:
    """Signed, once every signature checks against the key's certificate (a faulty RSA-CRT
    signature would leak the key, a wrong key/certificate pair would make invalid PDFs)."""
    signed = (pending.to_sign, *(part.to_sign for part in pending.more))
    if not all(
        pending.key.signature_ok(signature, to_sign, pending.digest_algorithm)
        for signature, to_sign in zip(signatures, signed, strict=True)
    ):
        pending.end(
            FAILED,
            time.time(),
            (
                f"Token trả về chữ ký không khớp chứng thư của khóa {pending.key.label!r}.",
                f"The token returned a signature that does not match key "
                f"{pending.key.label!r}'s certificate.",
            ),
        )
        log.error("local signature withheld id=%s: it does not match the certificate", pending.id)
        return
    pending.signature, *more = signatures
    pending.more_signatures = tuple(more)
    pending.end(SIGNED, time.time())
    log.info(
        "signed local id=%s request_id=%s key=%s document=%r digest=%s origin=%s",
        pending.id,
        pending.request_id,
        pending.key.label,
        pending.document.get("code", ""),
        pending.attributes.message_digest.hex(),
        pending.origin,
    )


def _lock_pin(request: web.Request, reason: tuple[str, str]) -> None:
    """No more PIN tries until a restart; every pending request fails with ``reason``."""
    request.app[SETTINGS].pin_locked = reason
    request.app[STORE].fail_pending(time.time(), reason)
    log.error("local PIN entry locked: %s", reason[1])


def _wrong_pin(request: web.Request, pending: LocalRequest, exc: WrongPinError) -> web.Response:
    settings = request.app[SETTINGS]
    settings.wrong_pins += 1
    left = settings.max_pin_attempts - settings.wrong_pins
    log.warning("local wrong PIN id=%s (%d in a row)", pending.id, settings.wrong_pins)
    if left > 0:
        return _show(
            request,
            pending,
            (f"{exc.vi} Còn {left} lần thử.", f"{exc.en} {left} tries left."),
        )
    # Stop before the token locks itself: it counts the same wrong PINs.
    _lock_pin(
        request,
        (
            f"Đã nhập sai mã PIN {settings.wrong_pins} lần liên tiếp; bridge ngừng thử để token "
            "không bị khóa. Hãy kiểm tra mã PIN rồi khởi động lại bridge.",
            f"{settings.wrong_pins} wrong PINs in a row; the bridge stops trying so that the "
            "token does not lock. Check the PIN, then restart the bridge.",
        ),
    )
    return _show(request, pending)


# --------------------------------------------------------------------------- the app


def create_local_app(config: BridgeConfig, worker: TokenWorker) -> web.Application:
    """The local profile's application around a started worker (logged in, or public when the
    page asks for the PIN of each signature)."""
    app = web.Application(
        client_max_size=config.max_body_bytes, middlewares=[loopback_host, cors, json_errors]
    )
    app[LOCAL_WORKER] = worker
    app[LOCAL_KEYS] = load_keys(worker, config.keys, config.chain_files)
    app[STORE] = LocalRequests(max_pending=config.max_pending)
    app[SETTINGS] = LocalSettings(config)
    app.router.add_get("/v1/health", health)
    app.router.add_get("/v1/local/keys", keys)
    app.router.add_post("/v1/local/requests", create_request)
    app.router.add_get("/v1/local/requests/{id}", request_status)
    app.router.add_get("/v1/local/confirm/{id}", confirm_page)
    app.router.add_post("/v1/local/confirm/{id}", confirm)
    return app
