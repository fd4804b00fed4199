"""FastAPI routes: ``GET /wechat`` (URL verification) and ``POST /wechat`` (messages and events).

Everything comes from the runtime (:mod:`app.deps`): ``settings``; ``engine`` (anything with
``handle(Incoming) -> Outgoing`` and ``defer_reply``: ``bot.engine.DialogEngine``); ``gateway`` (a
``WeChatGateway`` or None — None, or a gateway still on the placeholder secret, means no pushes: an answer slower
than the reply budget is then only available through the engine's pagination, and the holding reply asks the
person to send "1" in a moment); ``sessions`` (the outbox rows for pushes are written with it); ``clock`` (the
epoch clock; tests pin it to replay old vectors). The edge object built from these is kept on the runtime's
behalf here and rebuilt if any of them is replaced.

Every refusal is a short plain-text answer with the status of the ``InboundError`` (403 signature/replay/
app id, 413 too large, 400 malformed/forbidden XML or not UTF-8); nothing reaches the engine. An
unexpected failure is logged (ID/phone numbers masked) and answered ``success`` (WeChat's "no reply"), or,
once the message is known, with the polite generic text; never a 500 or a traceback.
"""

from __future__ import annotations

import logging
import traceback

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from app.runtime import Runtime
from bot.wechat.edge import EdgeReply, WeChatEdge, handle_post
from bot.wechat.errors import BodyTooLargeError, ConfigError, InboundError, MalformedXmlError
from bot.wechat.reply import SUCCESS
from core.pii import mask_text

log = logging.getLogger(__name__)

router = APIRouter(tags=["wechat"])

UNAVAILABLE = "service unavailable"


class EdgeUnavailable(Exception):
    """The app has no engine/settings yet, or the WeChat settings are unusable."""


def get_edge(request: Request) -> WeChatEdge:
    runtime = getattr(request.app.state, "runtime", None)
    if not isinstance(runtime, Runtime) or runtime.engine is None:
        raise EdgeUnavailable("the runtime (or its engine) is not ready")
    try:
        return runtime.wechat_edge()
    except ConfigError as exc:
        raise EdgeUnavailable(str(exc)) from exc


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refusing anything over ``limit`` bytes by Content-Length and by the bytes actually read."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise MalformedXmlError("bad Content-Length")
        if int(declared) > limit:
            raise BodyTooLargeError()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError()
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(exc: InboundError, request: Request) -> PlainTextResponse:
    log.warning("refused WeChat %s: %s (%s)", request.method, exc.detail, type(exc).__name__)
    return PlainTextResponse(exc.reason, status_code=exc.status)


def _unavailable(exc: EdgeUnavailable) -> PlainTextResponse:
    log.error("WeChat edge unavailable: %s", exc)
    return PlainTextResponse(UNAVAILABLE, status_code=503)


@router.get("/wechat", include_in_schema=False)
async def verify_url(request: Request) -> Response:
    try:
        echostr = get_edge(request).verify_url(request.query_params)
    except InboundError as exc:
        return _refuse(exc, request)
    except EdgeUnavailable as exc:
        return _unavailable(exc)
    return PlainTextResponse(echostr)


@router.post("/wechat", include_in_schema=False)
async def receive(request: Request) -> Response:
    try:
        edge = get_edge(request)
        body = await read_body(request, edge.settings.wechat_max_body_bytes)
        reply: EdgeReply = await run_in_threadpool(handle_post, edge, dict(request.query_params), body)
    except InboundError as exc:
        return _refuse(exc, request)
    except EdgeUnavailable as exc:
        return _unavailable(exc)
    except Exception as exc:  # the boundary: never a 500 or a traceback to WeChat; the log has it (masked)
        formatted = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("unexpected error in POST /wechat:\n%s", mask_text(formatted))
        return PlainTextResponse(SUCCESS)
    return Response(content=reply.body, media_type=reply.media_type)
