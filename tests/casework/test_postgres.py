"""Idempotent creation under real concurrency, against the real PostgreSQL (marker ``postgres``).

Each test module run gets its own schema (dropped afterwards). Threads with their own sessions race to create
the same ``dedupe_key``: exactly one record must exist, and every thread must get that one back.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import casework.models  # noqa: F401 - registers the tables
from casework.models import CaseRecord, Notification
from casework.notify import RecordingNotifier
from casework.service import RecordRef, create_handoff, transition
from casework.staff import create_staff
from core.audit import AuditEvent
from core.db import Base, make_sessionmaker

pytestmark = pytest.mark.postgres

URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
THREADS = 8


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    schema = f"cw_{uuid.uuid4().hex[:12]}"
    admin = create_engine(URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {URL}: {exc.__class__.__name__}")
    engine = create_engine(URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=THREADS + 2)
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_factory(pg_engine: Engine) -> Iterator[sessionmaker[Session]]:
    yield make_sessionmaker(pg_engine)
    with pg_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def _race(factory: sessionmaker[Session], settings, build, keys: list[str]) -> list[RecordRef | BaseException]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(keys))
    results: list[RecordRef | BaseException] = [RuntimeError("not run")] * len(keys)

    def work(i: int) -> None:
        try:
            with factory() as session:
                barrier.wait(timeout=30)
                ref = create_handoff(
                    session, build("referral", dedupe_key=keys[i]), RecordingNotifier(), settings=settings
                )
                session.commit()
                results[i] = ref
        except BaseException as exc:  # collected and re-raised by the test
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(keys))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_racing_workers_create_one_record(pg_factory, settings, build) -> None:  # type: ignore[no-untyped-def]
    results = _race(pg_factory, settings, build, ["wx-msg-777"] * THREADS)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    refs = [r for r in results if isinstance(r, RecordRef)]
    assert len({r.id for r in refs}) == 1 and len({r.ref for r in refs}) == 1
    assert sum(r.created for r in refs) == 1
    with pg_factory() as s:
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
        assert s.scalar(select(func.count()).select_from(Notification)) == 1
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "referral.create")) == 1


def test_racing_distinct_messages_get_distinct_numbers(pg_factory, settings, build) -> None:  # type: ignore[no-untyped-def]
    results = _race(pg_factory, settings, build, [f"wx-msg-{i}" for i in range(THREADS)])
    refs = [r for r in results if isinstance(r, RecordRef)]
    assert len(refs) == THREADS, results
    assert all(r.created for r in refs)
    numbers = sorted(int(r.ref.rsplit("-", 1)[1]) for r in refs)
    assert numbers == list(range(1, THREADS + 1))


def test_lifecycle_and_refiling_on_postgres(pg_factory, settings, build) -> None:  # type: ignore[no-untyped-def]
    notifier = RecordingNotifier()
    with pg_factory() as s:
        mediator = create_staff(s, "pg-med", "调解员", "mediator", "pw-mediator-1", group="sy-jiaodong")
        ref = create_handoff(s, build("referral"), notifier, settings=settings)
        for action in ("accept", "start", "agree", "perform"):
            transition(s, mediator, ref.id, action, notifier, form={}, settings=settings)
        s.commit()
    with pg_factory() as s:
        from casework.errors import RefilingForbidden

        with pytest.raises(RefilingForbidden):
            create_handoff(s, build("filing"), notifier, settings=settings)
        record = s.get(CaseRecord, ref.id)
        assert record is not None and record.state == "performed" and record.closed_at is not None
        assert record.facts == {"amount": 50000, "evidence": ["借条", "转账记录"]}
