"""A small app for the end-to-end test: the real WeChat router, a stand-in engine and an in-process fake
of the WeChat API (the gateway's httpx transport), served by a real uvicorn in a subprocess.

``uvicorn e2e_app:create_app --factory --app-dir tests/bot/wechat``; settings come from the environment
(``WECHAT_*``, ``DATABASE_URL``). ``GET /_fake/sent`` lists the texts the fake API received.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

from app.routes.wechat import router
from app.runtime import Runtime
from bot.messages import Incoming, IncomingText, Outgoing
from bot.wechat.gateway import WeChatGateway
from bot.wechat.outbox import OutboxMessage, run_outbox_loop
from core.db import Base, make_engine, make_sessionmaker
from core.settings import Settings


class EchoEngine:
    """Echoes text; a text starting with 慢 takes 1.5 s (past the budget the test sets)."""

    def handle(self, msg: Incoming) -> Outgoing:
        if isinstance(msg, IncomingText):
            if msg.text.startswith("慢"):
                time.sleep(1.5)
            return Outgoing.of(f"回声：{msg.text}")
        return Outgoing()


class FakeApi:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cgi-bin/token":
            return httpx.Response(200, json={"access_token": "E2E", "expires_in": 7200})
        if request.url.path == "/cgi-bin/message/custom/send":
            with self._lock:
                self.sent.append(json.loads(request.content)["text"]["content"])
            return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})
        return httpx.Response(404)


def create_app() -> FastAPI:
    settings = Settings()
    fake = FakeApi()
    db = make_engine(settings.database_url)
    Base.metadata.create_all(db, tables=[OutboxMessage.__table__])  # type: ignore[list-item]
    factory = make_sessionmaker(db)
    client = httpx.Client(base_url=settings.wechat_api_base_url, transport=httpx.MockTransport(fake.handler))
    gateway = WeChatGateway(settings, client=client)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(run_outbox_loop(factory, gateway, stop, interval_s=0.2))
        yield
        stop.set()
        await task
        client.close()
        db.dispose()

    app = FastAPI(lifespan=lifespan)
    app.include_router(router)
    app.state.runtime = Runtime(settings=settings, engine=EchoEngine(), gateway=gateway, sessions=factory)

    @app.get("/_fake/sent")
    def sent() -> list[str]:
        return list(fake.sent)

    return app
