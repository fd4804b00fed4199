"""Reference numbers the person can quote: ``<PREFIX>-<YYMM>-<NNNN>`` (TJ-2611-0042), unique.

The sequence runs per prefix and per court-local month in ``ref_counters``. One ``INSERT … ON CONFLICT DO
UPDATE … RETURNING`` statement either starts the month at 1 or increments it; it holds the counter row's
lock until the caller's transaction ends, so concurrent creators get distinct numbers, and a racing first
insert of the month waits and then increments (no savepoint needed). The caller's savepoint
(:func:`casework.records.insert_record`) rolls the increment back when the record turns out to be a
duplicate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from casework.models import RefCounter
from casework.timeutil import local
from core.db import insert_on_conflict


def next_ref(session: Session, prefix: str, now: datetime) -> str:
    period = local(now).strftime("%y%m")
    insert = insert_on_conflict(session, RefCounter).values(prefix=prefix, period=period, value=1)
    stmt = insert.on_conflict_do_update(
        index_elements=[RefCounter.prefix, RefCounter.period], set_={"value": RefCounter.value + 1}
    ).returning(RefCounter.value)
    value = session.execute(stmt).scalar_one()
    return f"{prefix}-{period}-{value:04d}"
