"""The bridge's JSON answers, shared by both profiles: bilingual errors
``{"error": "<vi> / <en>", "error_vi", "error_en", "code"}`` and the refusals that become them."""

from __future__ import annotations

import json
import logging

from aiohttp import web

log = logging.getLogger("snn_token_bridge")
API_VERSION = 1


def error(
    status: int, code: str, vi: str, en: str, *, headers: dict[str, str] | None = None
) -> web.Response:
    body = {"error": f"{vi} / {en}", "error_vi": vi, "error_en": en, "code": code}
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode(),
        content_type="application/json",
        headers=headers,
    )


def json_response(data: dict, *, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data, ensure_ascii=False).encode(),
        content_type="application/json",
    )


def log_refused(request: web.Request, status: int, reason: str, client: str = "-") -> None:
    log.warning(
        "refused status=%d reason=%s client=%s path=%s remote=%s",
        status,
        reason,
        client,
        request.path,
        request.remote,
    )


class Refusal(Exception):
    """A request the bridge will not serve: status, reason (log and ``code``), bilingual text."""

    def __init__(self, status: int, reason: str, vi: str, en: str, client: str = "-"):
        super().__init__(reason)
        self.status, self.reason, self.vi, self.en = status, reason, vi, en
        self.client = client


@web.middleware
async def json_errors(request: web.Request, handler):
    """Refusals, and aiohttp's own errors (404 route, 405, 413 too large), as bilingual JSON."""
    try:
        return await handler(request)
    except Refusal as refusal:
        log_refused(request, refusal.status, refusal.reason, refusal.client)
        if refusal.status == 401:  # one code for every authentication failure (no oracle)
            return error(
                401,
                "unauthorized",
                refusal.vi,
                refusal.en,
                headers={"WWW-Authenticate": "SNN-HMAC"},
            )
        return error(refusal.status, refusal.reason.replace("-", "_"), refusal.vi, refusal.en)
    except web.HTTPRequestEntityTooLarge:
        log_refused(request, 413, "body-too-large")
        return error(413, "too_large", "Yêu cầu quá lớn.", "Request body too large.")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error(exc.status, "http", f"Lỗi HTTP {exc.status}.", f"HTTP error {exc.status}.")
