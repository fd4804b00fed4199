"""The running system, built once: the server's lifespan and the CLI both call :func:`build_runtime`.

:class:`Runtime` is the one object that holds the heavy parts — settings, the database engine and session
factory (migrated to head), the knowledge, the embedder, the dialog engine and its services, the one casework
notifier, the WeChat gateway — and it is the only thing the application puts on ``app.state``
(``app.state.runtime``); routes reach its parts through :mod:`app.deps`. The similar-case searcher is kept in
one place, the engine's services, and published there when the index is ready (:meth:`Runtime.load_retrieval`).

Tests build a :class:`Runtime` with only the parts they need (a fake engine, no knowledge): each route's
dependency answers 503 when its part is missing.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.notify import make_notifier
from bot.engine import DialogEngine, Services
from bot.handoff_casework import CaseworkHandoff
from bot.llm import make_phraser
from bot.store import SqlDialogStore
from bot.wechat.edge import DialogEngine as EdgeEngine
from bot.wechat.edge import Pusher, WeChatEdge
from bot.wechat.errors import ConfigError
from bot.wechat.gateway import WeChatGateway
from casework.notify import Notifier
from core.db import make_engine, make_sessionmaker
from core.migrate import upgrade_to_head
from core.pii import PiiCipher
from core.ratelimit import RateLimiter
from core.settings import Settings
from knowledge.service import Knowledge
from retrieval.embedder import Embedder
from retrieval.types import Searcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """The rate limits of one app (core/ratelimit.py), built from the settings."""

    chat_session: RateLimiter
    chat_address: RateLimiter
    login_user: RateLimiter
    login_address: RateLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            chat_session=RateLimiter(settings.chat_per_minute, 60),
            chat_address=RateLimiter(settings.chat_per_minute_per_address, 60),
            login_user=RateLimiter(settings.login_failures_per_10min, 600),
            login_address=RateLimiter(settings.login_failures_per_10min_per_address, 600),
        )


@dataclass
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session] | None = None
    notifier: Notifier | None = None
    # Anything with handle/defer_reply: the dialog engine in production, a fake in the edge's tests.
    engine: EdgeEngine | None = None
    knowledge: Knowledge | None = None
    embedder: Embedder | None = None
    gateway: Pusher | None = None  # the WeChat API client (a fake in tests)
    db_engine: Engine | None = None
    clock: Callable[[], float] = time.time  # the WeChat edge's epoch clock (tests pin it to replay old vectors)
    limits: Limits = field(init=False, repr=False)
    _searcher: Searcher | None = field(default=None, repr=False)
    _edge: tuple[tuple[object, ...], WeChatEdge] | None = field(default=None, repr=False)
    _edge_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.limits = Limits.from_settings(self.settings)

    def wechat_edge(self) -> WeChatEdge:
        """The WeChat edge built from the current settings, engine, gateway, sessions and clock; rebuilt when one
        of them was replaced (tests swap the engine). Raises ``ConfigError`` for unusable WeChat settings."""
        if self.engine is None:
            raise ConfigError("no dialog engine")
        parts = (self.settings, self.engine, self.gateway, self.sessions, self.clock)
        with self._edge_lock:
            if self._edge is not None and all(a is b for a, b in zip(self._edge[0], parts, strict=True)):
                return self._edge[1]
            edge = WeChatEdge(
                self.settings, self.engine, pusher=self.gateway, session_factory=self.sessions, clock=self.clock
            )
            if self._edge is not None:
                self._edge[1].close()
            self._edge = (parts, edge)
            return edge

    @property
    def searcher(self) -> Searcher | None:
        """The similar-case searcher once the index is ready (None before, or when retrieval is unavailable)."""
        if isinstance(self.engine, DialogEngine):
            found: Searcher | None = self.engine.services.searcher
            return found
        return self._searcher

    def publish_searcher(self, searcher: Searcher) -> None:
        if isinstance(self.engine, DialogEngine):
            self.engine.services = dataclasses.replace(self.engine.services, searcher=searcher)
        else:
            self._searcher = searcher

    def load_retrieval(self) -> bool:
        """Ingest the default corpus if the index is empty, then build and publish the searcher.
        False if retrieval is unavailable (the bot keeps working without similar cases; the log says why)."""
        from retrieval.service import build_searcher, ensure_corpus

        try:
            if self.settings.auto_ingest:
                count = ensure_corpus(self.settings)
                log.info("judgment index ready: %d judgments", count)
            searcher = build_searcher(self.settings)
            # One whole assessment before the searcher is published: the first one pays for jieba's dictionary,
            # the lazily read tables and the index's first query (about 1.2 s measured), so no litigant's first
            # message waits for them.
            self._warm_up(searcher)
            self.publish_searcher(searcher)
        except Exception:  # the bot keeps working without similar cases; the log says why
            log.exception("similar-case search unavailable")
            return False
        return True

    def _warm_up(self, searcher: Searcher) -> None:
        if self.knowledge is None:
            return
        started = time.perf_counter()
        try:
            self.knowledge.assess("去年朋友借我五万块钱，写了借条，一直不还", {}, None, searcher)
        except Exception:  # never stops the server: the first real message would meet (and report) the same
            log.exception("warm-up assessment failed")
            return
        log.info("assessment with similar cases warmed up in %.0f ms", (time.perf_counter() - started) * 1000)

    def close(self) -> None:
        if self._edge is not None:
            self._edge[1].close()
        if isinstance(self.gateway, WeChatGateway):
            self.gateway.close()
        if self.db_engine is not None:
            self.db_engine.dispose()


def build_runtime(settings: Settings) -> Runtime:
    import knowledge
    from retrieval.service import shared_embedder

    db_engine = make_engine(settings.database_url)
    if settings.db_auto_migrate:
        upgrade_to_head(db_engine)
    factory = make_sessionmaker(db_engine)
    embedder: Embedder | None = None
    try:
        # the same instance the searcher uses: one model load per process
        embedder = shared_embedder(settings.embedding_model, settings.embedding_threads)
    except Exception:  # keyword recognition still works; the log says why
        log.exception("embedding model unavailable; cause recognition falls back to keywords")
    kb = knowledge.build_knowledge(settings, embedder=embedder)
    notifier = make_notifier(settings)  # the one notifier: the dialog's hand-offs and the workbench share it
    handoff = CaseworkHandoff(settings, notifier)
    services = Services(knowledge=kb, searcher=None, handoff=handoff, phraser=make_phraser(settings))
    # the dialog state and stored replies are sealed at rest with the PII key (they hold stories with ID and phone)
    engine = DialogEngine(SqlDialogStore(factory, PiiCipher(settings.pii_key)), settings, services)
    return Runtime(
        settings=settings,
        sessions=factory,
        notifier=notifier,
        engine=engine,
        knowledge=kb,
        embedder=embedder,
        gateway=WeChatGateway(settings),
        db_engine=db_engine,
    )
