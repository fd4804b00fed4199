"""FastAPI routes: ``GET /wechat`` (URL verification) and ``POST /wechat`` (messages and events).

Reads from ``request.app.state``:

* ``settings`` — a ``core.settings.Settings``;
* ``engine`` — anything with ``handle(Incoming) -> Outgoing`` (``bot.engine.DialogEngine``);
* ``wechat_gateway`` — a ``WeChatGateway`` or None. None, or a gateway still on the placeholder secret,
  means no pushes: an answer slower than the reply budget is then only available through the engine's
  pagination (the holding reply asks the person to send "1" in a moment);
* ``sessionmaker`` — the SQLAlchemy session factory; the outbox rows for pushes are written with it
  (required for pushes);
* ``wechat_clock`` — optional, a ``() -> float`` epoch clock (tests pin it to replay old vectors).

The edge object built from these is cached on ``app.state`` and rebuilt if any of them is replaced.

Every refusal is a short plain-text answer with the status of the ``InboundError`` (403 signature/replay/
app id, 413 too large, 400 malformed/forbidden XML or not UTF-8); nothing reaches the engine. An
unexpected failure is logged (ID/phone numbers masked) and answered ``success`` (WeChat's "no reply"), or,
once the message is known, with the polite generic text; never a 500 or a traceback.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.wechat.edge import EdgeReply, WeChatEdge, handle_post
from bot.wechat.errors import BodyTooLargeError, ConfigError, InboundError, MalformedXmlError
from bot.wechat.reply import SUCCESS
from core.pii import mask_text

log = logging.getLogger(__name__)

router = APIRouter(tags=["wechat"])

_build_lock = threading.Lock()
UNAVAILABLE = "service unavailable"


class EdgeUnavailable(Exception):
    """The app has no engine/settings yet, or the WeChat settings are unusable."""


def get_edge(request: Request) -> WeChatEdge:
    state = request.app.state
    settings = getattr(state, "settings", None)
    engine = getattr(state, "engine", None)
    if settings is None or engine is None:
        raise EdgeUnavailable("app.state.settings / app.state.engine not set")
    parts: tuple[Any, ...] = (
        settings,
        engine,
        getattr(state, "wechat_gateway", None),
        getattr(state, "sessionmaker", None),
        getattr(state, "wechat_clock", None),
    )
    with _build_lock:
        cached = getattr(state, "wechat_edge_cache", None)
        if cached is not None and all(a is b for a, b in zip(cached[0], parts, strict=True)):
            edge: WeChatEdge = cached[1]
            return edge
        try:
            edge = WeChatEdge(
                settings,
                engine,
                pusher=parts[2],
                session_factory=parts[3],
                clock=parts[4] or time.time,
            )
        except ConfigError as exc:
            raise EdgeUnavailable(str(exc)) from exc
        if cached is not None:
            cached[1].close()
        state.wechat_edge_cache = (parts, edge)
        return edge


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
