"""The durable outbox: enqueue/dedupe, backoff, permanent failures, order per user, never twice."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from bot.wechat.errors import TransportError
from bot.wechat.gateway import WeChatGateway
from bot.wechat.outbox import (
    OutboxMessage,
    OutboxStatus,
    RetryPolicy,
    drain_outbox,
    enqueue,
    enqueue_texts,
    run_outbox_loop,
)
from core.db import make_engine, make_sessionmaker, unit_of_work

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
LIMIT = 2048


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _rows(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _put(factory: sessionmaker[Session], openid: str, *parts: str, key: str, at: datetime = T0) -> int:
    with unit_of_work(factory) as session:
        return enqueue(session, openid, parts, dedupe_prefix=key, limit_bytes=LIMIT, now=at)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def outbox_db(request: pytest.FixtureRequest, session_factory: sessionmaker[Session]) -> Iterator[Any]:
    """The outbox on SQLite, and on the session's PostgreSQL database (the table is created there if the
    migration does not have it yet, and emptied afterwards)."""
    if request.param == "sqlite":
        yield session_factory
        return
    pg_url: str = request.getfixturevalue("pg_url")
    engine = make_engine(pg_url)
    OutboxMessage.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
    yield make_sessionmaker(engine)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE wechat_outbox RESTART IDENTITY"))
    engine.dispose()


def test_enqueue_splits_and_dedupes(outbox_db: Any) -> None:
    long_part = "第一句话。" * 200  # 3000 bytes → two rows
    assert _put(outbox_db, "oA", long_part, "短的第二部分", key="reply:MsgId=1") == 3
    assert _put(outbox_db, "oA", long_part, "短的第二部分", key="reply:MsgId=1") == 0
    rows = _rows(outbox_db)
    assert [r.dedupe_key for r in rows] == ["reply:MsgId=1#0", "reply:MsgId=1#1", "reply:MsgId=1#2"]
    assert all(len(r.content.encode()) <= LIMIT for r in rows)
    assert "".join(r.content for r in rows[:2]) == long_part
    assert {r.status for r in rows} == {OutboxStatus.PENDING.value}


def test_enqueue_of_nothing(outbox_db: Any) -> None:
    assert _put(outbox_db, "oA", "", "  ", key="k") == 0
    assert _rows(outbox_db) == []


def test_very_long_dedupe_prefix_is_hashed(outbox_db: Any) -> None:
    assert _put(outbox_db, "oA", "x", key="k" * 500) == 1
    assert _put(outbox_db, "oA", "x", key="k" * 500) == 0
    (row,) = _rows(outbox_db)
    assert row.dedupe_key.startswith("sha1:")


def test_drain_sends_in_order_and_marks_sent(outbox_db: Any, gateway: WeChatGateway, fake_api: Any) -> None:
    _put(outbox_db, "oA", "一", "二", "三", key="a")
    _put(outbox_db, "oB", "甲", key="b")
    clock = Clock()
    report = drain_outbox(outbox_db, gateway, now=clock)
    assert report.sent == 4
    assert [t for t in fake_api.texts if t in "一二三"] == ["一", "二", "三"]
    rows = _rows(outbox_db)
    assert {r.status for r in rows} == {OutboxStatus.SENT.value}
    assert all(r.sent_at == T0 and r.attempts == 1 for r in rows)
    assert drain_outbox(outbox_db, gateway, now=clock).sent == 0
    assert len(fake_api.sent) == 4


def test_delayed_rows_wait(outbox_db: Any, gateway: WeChatGateway, fake_api: Any) -> None:
    with unit_of_work(outbox_db) as session:
        enqueue(session, "oA", ["later"], dedupe_prefix="d", limit_bytes=LIMIT, now=T0, delay_s=1.0)
    clock = Clock()
    assert drain_outbox(outbox_db, gateway, now=clock).sent == 0
    clock.advance(1)
    assert drain_outbox(outbox_db, gateway, now=clock).sent == 1


def test_transient_failure_backs_off_exponentially(outbox_db: Any, gateway: WeChatGateway, fake_api: Any) -> None:
    _put(outbox_db, "oA", "消息", key="t")
    clock = Clock()
    fake_api.send_errors.extend([-1, "http:503", -1])
    policy = RetryPolicy(base_s=2, factor=2, max_delay_s=600, max_attempts=8)
    waits = []
    for _ in range(3):
        report = drain_outbox(outbox_db, gateway, now=clock, policy=policy)
        assert report.retried == 1
        (row,) = _rows(outbox_db)
        waits.append((row.next_attempt_at - clock.now).total_seconds())
        assert drain_outbox(outbox_db, gateway, now=clock, policy=policy).sent == 0  # not due yet
        clock.advance(waits[-1])
    assert waits == [2, 4, 8]
    assert drain_outbox(outbox_db, gateway, now=clock, policy=policy).sent == 1
    (row,) = _rows(outbox_db)
    assert row.status == OutboxStatus.SENT.value
    assert row.attempts == 4
    assert row.last_error is None
    assert fake_api.texts == ["消息"]


def test_rate_limit_waits_at_least_the_floor(outbox_db: Any, gateway: WeChatGateway, fake_api: Any) -> None:
    _put(outbox_db, "oA", "消息", key="r")
    fake_api.send_errors.append(45047)
    clock = Clock()
    drain_outbox(outbox_db, gateway, now=clock, policy=RetryPolicy(rate_limit_floor_s=60))
    (row,) = _rows(outbox_db)
    assert row.status == OutboxStatus.PENDING.value
    assert (row.next_attempt_at - T0).total_seconds() == 60
    assert "45047" in (row.last_error or "")
    clock.advance(59)
    assert drain_outbox(outbox_db, gateway, now=clock).sent == 0
    clock.advance(1)
    assert drain_outbox(outbox_db, gateway, now=clock).sent == 1


def test_permanent_error_fails_at_once(outbox_db: Any, gateway: WeChatGateway, fake_api: Any) -> None:
    _put(outbox_db, "oA", "消息", key="p")
    fake_api.send_errors.append(45015)
    report = drain_outbox(outbox_db, gateway, now=Clock())
    assert report.failed == 1
    (row,) = _rows(outbox_db)
    assert row.status == OutboxStatus.FAILED.value
    assert row.attempts == 1
    assert fake_api.sent == []


def test_gives_up_after_max_attempts(outbox_db: Any, gateway: WeChatGateway, fake_api: Any) -> None:
    _put(outbox_db, "oA", "消息", key="m")
    fake_api.send_errors.extend(["http:502"] * 10)
    clock = Clock()
    policy = RetryPolicy(base_s=1, max_attempts=3)
    outcomes = []
    for _ in range(5):
        report = drain_outbox(outbox_db, gateway, now=clock, policy=policy)
        outcomes.append((report.retried, report.failed))
        clock.advance(3600)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    (row,) = _rows(outbox_db)
    assert row.status == OutboxStatus.FAILED.value
    assert row.attempts == 3


def test_a_failing_row_holds_back_later_rows_of_the_same_user(
    outbox_db: Any, gateway: WeChatGateway, fake_api: Any
) -> None:
    _put(outbox_db, "oA", "A1", "A2", key="a")
    _put(outbox_db, "oB", "B1", key="b")
    fake_api.send_errors.append(-1)  # A1 fails once
    clock = Clock()
    drain_outbox(outbox_db, gateway, now=clock)
    assert fake_api.texts == ["B1"]
    clock.advance(10)
    drain_outbox(outbox_db, gateway, now=clock)
    assert fake_api.texts == ["B1", "A1", "A2"]


class SlowSender:
    """Records sends; sleeps so that concurrent drains overlap."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def send_text(self, openid: str, text: str) -> None:
        time.sleep(0.01)
        with self._lock:
            self.sent.append((openid, text))


def test_concurrent_drains_never_send_a_row_twice(outbox_db: Any) -> None:
    for user in range(6):
        _put(outbox_db, f"o{user}", *[f"u{user}-p{i}" for i in range(4)], key=f"k{user}")
    sender = SlowSender()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            drain_outbox(outbox_db, sender, now=Clock())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drain_outbox(outbox_db, sender, now=Clock())  # whatever a lost race left behind
    assert errors == []
    texts = [t for _, t in sender.sent]
    assert len(texts) == len(set(texts)) == 24
    for user in range(6):
        assert [t for t in texts if t.startswith(f"u{user}-")] == [f"u{user}-p{i}" for i in range(4)]
    assert {r.status for r in _rows(outbox_db)} == {OutboxStatus.SENT.value}


def test_a_claimed_row_is_not_sent_by_another_drain(outbox_db: Any) -> None:
    _put(outbox_db, "oA", "x", key="c")
    with unit_of_work(outbox_db) as session:
        session.execute(update(OutboxMessage).values(status=OutboxStatus.SENDING.value, claimed_at=T0))
    sender = SlowSender()
    assert drain_outbox(outbox_db, sender, now=Clock()).sent == 0
    assert sender.sent == []


class CrashingSender:
    """Simulates the process dying mid-send: an error that is not a GatewayError escapes the drain."""

    def send_text(self, openid: str, text: str) -> None:
        raise KeyboardInterrupt


def test_crash_mid_send_is_never_resent(outbox_db: Any, caplog: pytest.LogCaptureFixture) -> None:
    _put(outbox_db, "oA", "不会重发", key="crash")
    clock = Clock()
    with pytest.raises(KeyboardInterrupt):
        drain_outbox(outbox_db, CrashingSender(), now=clock)
    (row,) = _rows(outbox_db)
    assert row.status == OutboxStatus.SENDING.value
    sender = SlowSender()
    policy = RetryPolicy(stale_after_s=120)
    clock.advance(60)
    assert drain_outbox(outbox_db, sender, now=clock, policy=policy).unknown == 0
    clock.advance(61)
    with caplog.at_level(logging.ERROR, logger="bot.wechat.outbox"):
        assert drain_outbox(outbox_db, sender, now=clock, policy=policy).unknown == 1
    (row,) = _rows(outbox_db)
    assert row.status == OutboxStatus.UNKNOWN.value
    assert sender.sent == []
    assert any("never confirmed" in r.getMessage() for r in caplog.records)


def test_content_and_numbers_stay_out_of_the_logs(
    outbox_db: Any, gateway: WeChatGateway, fake_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "请携带身份证410802199001011234，联系电话13812345678"
    _put(outbox_db, "oA", secret, key="pii")
    fake_api.send_errors.extend([-1, 45015])
    clock = Clock()
    with caplog.at_level(logging.DEBUG):
        drain_outbox(outbox_db, gateway, now=clock)
        clock.advance(10)
        drain_outbox(outbox_db, gateway, now=clock)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "outbox row" in logged
    assert "410802199001011234" not in logged and "13812345678" not in logged and "身份证" not in logged


def test_enqueue_texts_commits(outbox_db: Any) -> None:
    assert enqueue_texts(outbox_db, "oA", ["a", "b"], dedupe_prefix="x", limit_bytes=LIMIT) == 2
    assert len(_rows(outbox_db)) == 2


def test_background_loop_sends_and_stops(
    session_factory: sessionmaker[Session], gateway: WeChatGateway, fake_api: Any
) -> None:
    enqueue_texts(session_factory, "oA", ["后台发送"], dedupe_prefix="loop", limit_bytes=LIMIT)

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_outbox_loop(session_factory, gateway, stop, interval_s=0.05))
        for _ in range(100):
            if fake_api.sent:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(task, timeout=2)

    asyncio.run(scenario())
    assert fake_api.texts == ["后台发送"]


def test_background_loop_survives_errors(
    session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    enqueue_texts(session_factory, "oA", ["x"], dedupe_prefix="boom", limit_bytes=LIMIT)
    calls = 0

    class Boom:
        def send_text(self, openid: str, text: str) -> None:
            nonlocal calls
            calls += 1
            raise TransportError("network down")

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_outbox_loop(session_factory, Boom(), stop, interval_s=0.02, policy=RetryPolicy(base_s=0.01))
        )
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.wait_for(task, timeout=2)

    with caplog.at_level(logging.WARNING):
        asyncio.run(scenario())
    assert calls >= 2  # retried on later ticks, the loop kept running


def test_background_loop_pauses_with_unconfigured_gateway(
    session_factory: sessionmaker[Session], helpers: Any, caplog: pytest.LogCaptureFixture
) -> None:
    enqueue_texts(session_factory, "oA", ["x"], dedupe_prefix="off", limit_bytes=LIMIT)
    gw = WeChatGateway(helpers.make_settings(wechat_appsecret="change-me"))

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_outbox_loop(session_factory, gw, stop, interval_s=0.02))
        await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(task, timeout=2)

    try:
        with caplog.at_level(logging.WARNING):
            asyncio.run(scenario())
    finally:
        gw.close()
    (row,) = _rows(session_factory)
    assert row.status == OutboxStatus.PENDING.value and row.attempts == 0
    assert any("paused" in r.getMessage() for r in caplog.records)
