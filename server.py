"""FastAPI app factory. ``uvicorn server:create_app --factory`` (what ``make run`` does).

The lifespan builds the heavy things once and puts them on ``app.state`` (typed in ``AppState``):
settings, the database engine and sessionmaker (migrated to head), the dialog store and engine, the
knowledge tables and cause classifier, the embedder and the similar-case searcher (the default corpus is
ingested in a background thread on first start, so the bot answers at once and similar cases appear when
the index is ready), the WeChat gateway and its outbox sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse

from bot.runtime import build_runtime
from core import logsetup
from core.settings import Settings, get_settings

log = logging.getLogger("server")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    rt = build_runtime(settings)
    app.state.runtime = rt
    app.state.db_engine = rt.db_engine
    app.state.sessionmaker = rt.sessionmaker
    app.state.knowledge = rt.knowledge
    app.state.embedder = rt.embedder
    app.state.engine = rt.engine
    app.state.searcher = None
    from bot.wechat.gateway import WeChatGateway
    from bot.wechat.outbox import run_outbox_loop

    gateway = WeChatGateway(settings)
    app.state.wechat_gateway = gateway
    stop = asyncio.Event()
    sender = asyncio.create_task(run_outbox_loop(app.state.sessionmaker, gateway, stop))

    def _load() -> None:
        if rt.load_retrieval():
            app.state.searcher = rt.searcher

    loader = threading.Thread(target=_load, name="retrieval", daemon=True)
    loader.start()
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(sender, timeout=5)
        gateway.close()
        rt.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logsetup.configure(settings.log_level)
    app = FastAPI(
        title="诉前辅导助手",
        version="0.1.0",
        description="Pre-filing guidance for a basic-level people's court: WeChat bot, assessment API, workbench.",
        lifespan=lifespan,
    )
    app.state.settings = settings

    from bot import api_assess, webchat
    from bot.wechat.router import router as wechat_router
    from retrieval.api import router as similar_router

    app.include_router(wechat_router)
    app.include_router(webchat.router)
    app.include_router(api_assess.router)
    app.include_router(similar_router)

    import web

    web.setup(app, settings)

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> dict[str, Any]:
        return {"ok": True, "similar_cases": request.app.state.searcher is not None}

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
