"""Durable pushes: the ``wechat_outbox`` table and the sender that drains it.

Every customer-service message is first written here (:func:`enqueue`), in its own committed row, and only
then sent (:func:`drain_outbox`). A row's life::

    pending ──claim──▶ sending ──ok──▶ sent
       ▲                  │
       └──retryable, ─────┤──permanent error, or attempts used up──▶ failed
          backoff         │
                          └──never confirmed (crash mid-send)──▶ unknown

* **Claim before send.** A sender moves a row ``pending → sending`` with a conditional UPDATE (``WHERE
  status = 'pending'``) and commits before calling WeChat; only the sender whose UPDATE changed the row
  sends it. Two senders (the background loop and an immediate drain after a late answer, or two server
  processes) can never both send one row.
* **At most once.** If the process dies after the claim and before the result is recorded, the row stays
  ``sending``. We cannot know whether WeChat delivered it, so it is **not** resent: after
  ``RetryPolicy.stale_after_s`` the next drain marks it ``unknown`` and logs an error (row id only), for
  staff to check. A duplicate legal notice is worse than one that staff follow up by hand.
* **Backoff.** A retryable failure (network, HTTP 5xx/429, WeChat -1, 45009/45011/45047, token errors)
  puts the row back to ``pending`` with ``next_attempt_at = now + min(max_delay, base * factor**(n-1))``,
  at least ``rate_limit_floor_s`` for rate limits; after ``max_attempts`` it becomes ``failed``.
* **Order per user.** A row is only sent when no earlier row of the same openid is still ``pending`` or
  ``sending``, so the parts of one answer arrive in order.
* **Dedupe.** ``dedupe_key`` is unique; enqueuing the same key twice (a retried message) inserts nothing.

Content is never logged (it can hold ID and phone numbers); ``last_error`` holds our own error text and
WeChat's ``errmsg``, masked with ``core.pii.mask_text`` all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column, sessionmaker

from bot.wechat.errors import GatewayError, WeChatApiError
from bot.wechat.gateway import RATE_LIMIT_ERRCODES, TextSender
from bot.wechat.text import wechat_messages
from core.db import Base, UTCDateTime, unit_of_work, utcnow
from core.pii import mask_text

log = logging.getLogger(__name__)

MAX_DEDUPE_KEY = 200


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


class OutboxMessage(Base):
    __tablename__ = "wechat_outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(MAX_DEDUPE_KEY), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_s: float = 2.0
    factor: float = 2.0
    max_delay_s: float = 600.0
    max_attempts: int = 8
    rate_limit_floor_s: float = 60.0
    stale_after_s: float = 120.0  # a claim older than this was lost mid-send

    def delay(self, attempts: int, *, rate_limited: bool = False) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1-based)."""
        delay = min(self.max_delay_s, self.base_s * self.factor ** max(attempts - 1, 0))
        return max(delay, self.rate_limit_floor_s) if rate_limited else delay


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0  # stale claims found and retired this pass


def _row_key(prefix: str, index: int) -> str:
    key = f"{prefix}#{index}"
    if len(key) <= MAX_DEDUPE_KEY:
        return key
    return f"sha1:{hashlib.sha1(prefix.encode('utf-8')).hexdigest()}#{index}"  # noqa: S324 - a key, not security


def enqueue(
    session: Session,
    openid: str,
    parts: Sequence[str],
    *,
    dedupe_prefix: str,
    limit_bytes: int,
    now: datetime | None = None,
    delay_s: float = 0.0,
) -> int:
    """Add the ``parts`` as rows for ``openid``, one message each (``bot.wechat.text.wechat_messages``: a part
    over ``limit_bytes`` is split there, and logged); returns how many rows were new. Rows whose dedupe key exists
    already are skipped, so calling this twice for one answer is harmless. The caller commits (``unit_of_work``)."""
    pieces = wechat_messages(parts, limit_bytes)
    if not pieces:
        return 0
    when = (now or utcnow()) + timedelta(seconds=delay_s)
    rows: list[dict[str, Any]] = [
        {
            "openid": openid,
            "content": piece,
            "dedupe_key": _row_key(dedupe_prefix, i),
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": when,
            "created_at": when,
        }
        for i, piece in enumerate(pieces)
    ]
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            make(OutboxMessage)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        return len(session.execute(stmt).all())  # rowcount is -1 for multi-row inserts on psycopg
    existing = set(
        session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_([r["dedupe_key"] for r in rows]))
        )
    )
    fresh = [r for r in rows if r["dedupe_key"] not in existing]
    if fresh:
        session.execute(insert(OutboxMessage), fresh)
    return len(fresh)


@dataclass(frozen=True, slots=True)
class Delivery:
    """How one queued notice (all its rows) fared: for the workbench, so staff know whom WeChat did not reach."""

    notice: str  # the notice's key (its dedupe prefix)
    status: str  # the worst status of its rows: failed > unknown > pending/sending > sent
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


_WORST = {OutboxStatus.FAILED.value: 4, OutboxStatus.UNKNOWN.value: 3, OutboxStatus.SENDING.value: 2,
          OutboxStatus.PENDING.value: 1, OutboxStatus.SENT.value: 0}


def deliveries(session: Session, notice_prefix: str) -> list[Delivery]:
    """The notices whose key starts with ``notice_prefix`` (e.g. ``notice:LA-2026-000123:``), oldest first, one
    entry per notice however many rows it was split into. Keys too long for the column were hashed by
    ``enqueue`` and cannot be matched by prefix; notice keys are short, so this does not happen in practice."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(notice_prefix, autoescape=True))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    grouped: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        grouped.setdefault(row.dedupe_key.rsplit("#", 1)[0], []).append(row)
    out = []
    for notice, parts in grouped.items():
        worst = max(parts, key=lambda r: _WORST.get(r.status, 5))
        sent = [r.sent_at for r in parts if r.sent_at is not None]
        out.append(
            Delivery(
                notice=notice,
                status=worst.status,
                created_at=parts[0].created_at,
                sent_at=max(sent) if len(sent) == len(parts) else None,
                last_error=worst.last_error,
            )
        )
    return out


def enqueue_texts(
    session_factory: sessionmaker[Session],
    openid: str,
    parts: Sequence[str],
    *,
    dedupe_prefix: str,
    limit_bytes: int,
    delay_s: float = 0.0,
) -> int:
    """:func:`enqueue` in its own committed transaction."""
    with unit_of_work(session_factory) as session:
        return enqueue(session, openid, parts, dedupe_prefix=dedupe_prefix, limit_bytes=limit_bytes, delay_s=delay_s)


def _retire_stale(session_factory: sessionmaker[Session], now: datetime, policy: RetryPolicy) -> int:
    cutoff = now - timedelta(seconds=policy.stale_after_s)
    with unit_of_work(session_factory) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.status == OutboxStatus.SENDING.value, OutboxMessage.claimed_at < cutoff
                )
            )
        )
        if ids:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING.value)
                .values(status=OutboxStatus.UNKNOWN.value, last_error="claimed but never confirmed; not resent")
            )
    if ids:
        log.error("outbox rows %s were claimed but never confirmed (crash mid-send?): marked unknown", ids)
    return len(ids)


def _due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    earlier = aliased(OutboxMessage)
    blocked = (
        exists()
        .where(earlier.openid == OutboxMessage.openid)
        .where(earlier.id < OutboxMessage.id)
        .where(earlier.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]))
    )
    stmt = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING.value, OutboxMessage.next_attempt_at <= now, ~blocked)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _claim(session_factory: sessionmaker[Session], row_id: int, now: datetime) -> tuple[str, str, int] | None:
    """(openid, content, attempts) if this sender now owns the row, else None."""
    with unit_of_work(session_factory) as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == OutboxStatus.PENDING.value,
                OutboxMessage.next_attempt_at <= now,  # a due list read before another drainer's failed try
            )
            .values(status=OutboxStatus.SENDING.value, attempts=OutboxMessage.attempts + 1, claimed_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.execute(
            select(OutboxMessage.openid, OutboxMessage.content, OutboxMessage.attempts).where(
                OutboxMessage.id == row_id
            )
        ).one()
        return row.openid, row.content, row.attempts


def _finish(session_factory: sessionmaker[Session], row_id: int, **values: Any) -> None:
    with unit_of_work(session_factory) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING.value)
            .values(**values)
        )


def drain_outbox(
    session_factory: sessionmaker[Session],
    gateway: TextSender,
    *,
    policy: RetryPolicy | None = None,
    now: Callable[[], datetime] = utcnow,
    batch_size: int = 50,
    max_rounds: int = 20,
) -> DrainReport:
    """Send every due row once (in id order, one user's rows in sequence); returns what happened.

    Safe to call from several threads or processes at once. Exceptions other than ``GatewayError`` from the
    gateway (bugs) propagate and leave their row ``sending``: it becomes ``unknown`` later, never resent.
    """
    policy = policy or RetryPolicy()
    report = DrainReport(unknown=_retire_stale(session_factory, now(), policy))
    for _ in range(max_rounds):
        with unit_of_work(session_factory) as session:
            due = _due_ids(session, now(), batch_size)
        if not due:
            break
        progressed = False
        for row_id in due:
            claimed = _claim(session_factory, row_id, now())
            if claimed is None:
                continue
            progressed = True
            openid, content, attempts = claimed
            try:
                gateway.send_text(openid, content)
            except GatewayError as exc:
                error = mask_text(str(exc))[:300]
                rate_limited = isinstance(exc, WeChatApiError) and exc.errcode in RATE_LIMIT_ERRCODES
                if exc.retryable and attempts < policy.max_attempts:
                    delay = policy.delay(attempts, rate_limited=rate_limited)
                    _finish(
                        session_factory,
                        row_id,
                        status=OutboxStatus.PENDING.value,
                        next_attempt_at=now() + timedelta(seconds=delay),
                        last_error=error,
                    )
                    report.retried += 1
                    log.warning("outbox row %s: attempt %s failed (%s); retry in %.0fs", row_id, attempts, error, delay)
                else:
                    _finish(session_factory, row_id, status=OutboxStatus.FAILED.value, last_error=error)
                    report.failed += 1
                    log.error("outbox row %s failed for good after %s attempt(s): %s", row_id, attempts, error)
                continue
            _finish(session_factory, row_id, status=OutboxStatus.SENT.value, sent_at=now(), last_error=None)
            report.sent += 1
        if not progressed:
            break
    return report


async def run_outbox_loop(
    session_factory: sessionmaker[Session],
    gateway: TextSender,
    stop: asyncio.Event,
    *,
    interval_s: float = 2.0,
    policy: RetryPolicy | None = None,
) -> None:
    """Drain the outbox every ``interval_s`` until ``stop`` is set (start it in the server lifespan).

    A gateway whose ``enabled`` is False (placeholder app secret) is not called; rows wait. A failing drain
    (database down, a bug) is logged with its traceback and tried again on the next tick.
    """
    warned = False
    while not stop.is_set():
        if getattr(gateway, "enabled", True):
            try:
                report = await asyncio.to_thread(drain_outbox, session_factory, gateway, policy=policy)
                if report.sent or report.failed or report.retried or report.unknown:
                    log.info("outbox: %s", report)
            except (SQLAlchemyError, GatewayError):
                log.exception("outbox drain failed; retrying in %.0fs", interval_s)
            except Exception:  # keep the loop alive; the traceback is logged, nothing is swallowed silently
                log.exception("unexpected error in the outbox loop")
        elif not warned:
            log.warning("WeChat gateway not configured (placeholder app secret): outbox pushes are paused")
            warned = True
        with contextlib.suppress(TimeoutError):  # the tick: wake on stop, or after interval_s
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
