"""Reference numbers the person can quote: ``<PREFIX>-<YYMM>-<NNNN>`` (TJ-2611-0042), unique.

The sequence runs per prefix and per court-local month in ``ref_counters``. It is incremented with an
``UPDATE … RETURNING`` that holds the counter row's lock until the caller's transaction ends, so concurrent
creators get distinct numbers; the first record of a month inserts the row inside a savepoint (a racing
inserter falls back to the update). The caller's savepoint also rolls the increment back when the record
itself turns out to be a duplicate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.models import RefCounter
from casework.timeutil import local


def _bump(session: Session, prefix: str, period: str) -> int | None:
    stmt = (
        update(RefCounter)
        .where(RefCounter.prefix == prefix, RefCounter.period == period)
        .values(value=RefCounter.value + 1)
        .returning(RefCounter.value)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).scalar_one_or_none()


def next_ref(session: Session, prefix: str, now: datetime) -> str:
    period = local(now).strftime("%y%m")
    value = _bump(session, prefix, period)
    if value is None:
        try:
            with session.begin_nested():
                session.add(RefCounter(prefix=prefix, period=period, value=1))
                session.flush()
            value = 1
        except IntegrityError:
            value = _bump(session, prefix, period)
            if value is None:  # pragma: no cover - the row exists once the insert failed on it
                raise
    return f"{prefix}-{period}-{value:04d}"
