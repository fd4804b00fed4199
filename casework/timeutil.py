"""Court-local time. The court is in 河南 (UTC+8, no daylight saving), so a fixed offset is exact and needs no
time-zone database. Everything is stored in UTC; months, reference numbers and displayed dates use this."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def local(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(CHINA_TZ)


def month_of(dt: datetime) -> str:
    """``YYYY-MM`` of ``dt`` in court-local time."""
    return local(dt).strftime("%Y-%m")


def fmt_date(dt: datetime | None) -> str:
    return "" if dt is None else local(dt).strftime("%Y年%m月%d日")


def fmt_datetime(dt: datetime | None) -> str:
    return "" if dt is None else local(dt).strftime("%Y-%m-%d %H:%M")
