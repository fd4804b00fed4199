"""FastAPI app factory. ``uvicorn server:create_app --factory`` (what ``make run`` does).

The composition root: it includes the application's routes (``app.routes``) and the workbench (``web``), and its
lifespan builds the running system once (:func:`app.runtime.build_runtime`: settings, the database migrated to
head, the knowledge and cause classifier, the embedder, the dialog engine, the one notifier, the WeChat gateway)
and puts it on ``app.state.runtime``, where :mod:`app.deps` gives routes its parts. The default corpus is
ingested in a background thread on first start, so the bot answers at once and similar cases appear when the
index is ready; the WeChat outbox sender runs beside the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

from app.bodylimit import BodyLimitMiddleware
from app.deps import RuntimeDep
from app.runtime import Runtime, build_runtime
from casework.links import PATH_PREFIX as DOWNLOAD_PREFIX
from core import logsetup
from core.settings import Settings, get_settings

log = logging.getLogger("server")


def make_lifespan(settings: Settings) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running(app, settings):
            yield

    return lifespan


@contextlib.asynccontextmanager
async def running(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    from bot.wechat.outbox import run_outbox_loop

    rt = build_runtime(settings)
    app.state.runtime = rt
    stop = asyncio.Event()
    sender = None
    if rt.sessions is not None and rt.gateway is not None:
        sender = asyncio.create_task(run_outbox_loop(rt.sessions, rt.gateway, stop))
    loader = threading.Thread(target=rt.load_retrieval, name="retrieval", daemon=True)
    loader.start()
    try:
        yield
    finally:
        stop.set()
        if sender is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(sender, timeout=5)
        rt.close()


def database_up(runtime: Runtime) -> bool:
    """Whether a ``SELECT 1`` goes through the runtime's sessions (the log says why not; the answer never does)."""
    if runtime.sessions is None:
        return False
    try:
        with runtime.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure of the database is "down"
        log.warning("health check: database down (%s)", type(exc).__name__)
        return False
    return True


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logsetup.configure(settings.log_level, secret_path_prefixes=(DOWNLOAD_PREFIX,))
    app = FastAPI(
        title="诉前辅导助手",
        version="0.1.0",
        description="Pre-filing guidance for a basic-level people's court: WeChat bot, assessment API, workbench.",
        lifespan=make_lifespan(settings),
    )

    from app.routes import assess, chat, similar, wechat

    app.include_router(wechat.router)
    app.include_router(chat.router)
    app.include_router(assess.router)
    app.include_router(similar.router)

    import web

    web.setup(app, settings)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    def healthz(runtime: RuntimeDep) -> JSONResponse:
        """Each dependency: the database (a ``SELECT 1`` through the runtime's sessions) and the similar-case
        searcher (ready or still loading: the bot answers without it). 503 while the database is down."""
        database = database_up(runtime)
        body: dict[str, Any] = {"ok": database, "database": database, "similar_cases": runtime.searcher is not None}
        return JSONResponse(body, status_code=200 if database else 503)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()
        ]
        return JSONResponse({"detail": "请求内容不符合要求", "errors": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> PlainTextResponse:
        log.error("unhandled error on %s: %s", request.url.path, type(exc).__name__, exc_info=exc)
        return PlainTextResponse("服务暂时不可用，请稍后再试。", status_code=500)

    return app
