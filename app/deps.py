"""The one typed dependency module: every route (litigant-facing and workbench) reaches the running system here.

The server's lifespan puts one :class:`app.runtime.Runtime` on ``app.state.runtime``; tests build one with only
the parts they need. Each alias below answers 503 with a polite message when its part is not there (the server
is still starting, or a test left it out) — never an AttributeError.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session, sessionmaker

from app.runtime import Runtime
from bot.wechat.edge import DialogEngine as EdgeEngine
from casework.notify import Notifier
from core.settings import Settings
from knowledge.service import Knowledge
from retrieval.types import Searcher

STARTING = "服务正在启动，请稍后再试。"


class NotReady(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=503, detail=STARTING)


def runtime_of(request: Request) -> Runtime:
    runtime = getattr(request.app.state, "runtime", None)
    if not isinstance(runtime, Runtime):
        raise NotReady()
    return runtime


def settings_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> Settings:
    return runtime.settings


def sessions_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> sessionmaker[Session]:
    if runtime.sessions is None:
        raise NotReady()
    return runtime.sessions


def notifier_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> Notifier:
    if runtime.notifier is None:
        raise NotReady()
    return runtime.notifier


def engine_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> EdgeEngine:
    if runtime.engine is None:
        raise NotReady()
    return runtime.engine


def knowledge_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> Knowledge:
    if runtime.knowledge is None:
        raise NotReady()
    return runtime.knowledge


def searcher_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> Searcher | None:
    return runtime.searcher


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
SettingsDep = Annotated[Settings, Depends(settings_of)]
SessionsDep = Annotated[sessionmaker[Session], Depends(sessions_of)]
NotifierDep = Annotated[Notifier, Depends(notifier_of)]
EngineDep = Annotated[EdgeEngine, Depends(engine_of)]
KnowledgeDep = Annotated[Knowledge, Depends(knowledge_of)]
SearcherDep = Annotated[Searcher | None, Depends(searcher_of)]
