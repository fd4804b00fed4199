"""Dates as people say them, resolved against a given ``today``.

Absolute (2023年5月1日, 2023.5.1, 2023-05-01, 23年5月), relative years (去年三月, 前年年底, 今年5月10号),
bare months (三月份: this year, or last year if that month is still to come), offsets (三年前, 两个月前,
半年前, 10天前) and named days (上个月, 昨天, 前天). A mention carries its precision: a month-precision date is
the 1st of the month, a year-precision date the 1st of January (年底: 31 December), which gives the earliest
(most cautious) deadline when used as the start of a period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from knowledge.cn_numbers import parse_number

Precision = Literal["day", "month", "year"]

_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR_WORDS = {"今年": 0, "去年": -1, "前年": -2, "大前年": -3, "明年": 1}
_PART = r"(?:年初|年底|年末|年中|初|底|末)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ymd",
        re.compile(r"(?P<y>(?:19|20)\d{2}|\d{2})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*[日号]?"),
    ),
    ("ym", re.compile(rf"(?P<y>(?:19|20)\d{{2}}|\d{{2}})年(?P<m>{_N})月份?(?:(?P<d>{_N})[日号])?(?P<part>{_PART})?")),
    ("y", re.compile(rf"(?P<y>(?:19|20)\d{{2}})年(?P<part>{_PART})?")),
    (
        "rel_year",
        re.compile(rf"(?P<w>大前年|前年|去年|今年|明年)(?:(?P<part>{_PART})|(?P<m>{_N})月份?(?:(?P<d>{_N})[日号])?)?"),
    ),
    (
        "ago",
        re.compile(
            r"(?P<n>\d+|[一二两三四五六七八九十几半]{1,3})(?P<u>年|个月|个多月|天|周|个星期|星期)多?(?:前|以前|之前)"
        ),
    ),
    ("named", re.compile(r"上个月|上月|这个月|本月|上周|上星期|昨天|前天|今天|大前天")),
    ("md", re.compile(rf"(?P<m>{_N})月份?(?:(?P<d>{_N})[日号])?")),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    value: date
    precision: Precision
    start: int
    end: int
    text: str


def _num(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_number(text)
    return int(value) if value is not None else None


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12) or not (1900 <= year <= 2100):
        return None
    if not (1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return date(year, month, day)


def _with_part(year: int, part: str | None) -> tuple[date, Precision]:
    if part in ("年底", "年末", "底", "末"):
        return date(year, 12, 31), "day"
    if part == "年中":
        return date(year, 7, 1), "month"
    return date(year, 1, 1), "year"


def _month_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _resolve(kind: str, m: re.Match[str], today: date) -> tuple[date, Precision] | None:
    g = m.groupdict()
    if kind in ("ymd", "ym", "rel_year", "md"):
        if kind == "rel_year":
            year = today.year + _YEAR_WORDS[g["w"]]
        elif kind == "md":
            year = today.year
        else:
            year = _year(g["y"])
        month = _num(g.get("m"))
        if month is None:
            return _with_part(year, g.get("part"))
        day = _num(g.get("d"))
        if kind == "md" and (month, day or 1) > (today.month, today.day):
            year -= 1  # "三月份" said in January means last March
        resolved = _safe_date(year, month, day or 1)
        if resolved is None:
            return None
        return resolved, "day" if day else "month"
    if kind == "y":
        return _with_part(_year(g["y"]), g.get("part"))
    if kind == "ago":
        raw = g["n"]
        n = 0.5 if raw == "半" else (3 if raw == "几" else _num(raw))
        if n is None:
            return None
        unit = g["u"]
        if unit == "年":
            if n == 0.5:
                return _month_back(today, 6), "month"
            return _month_back(today, int(n) * 12), "year"
        if "月" in unit:
            return _month_back(today, max(1, int(n))), "month"
        days = int(n * 7) if unit in ("周", "个星期", "星期") else int(n)
        return today - timedelta(days=days), "day"
    text = m.group(0)
    named = {
        "上个月": (_month_back(today, 1).replace(day=1), "month"),
        "上月": (_month_back(today, 1).replace(day=1), "month"),
        "这个月": (today.replace(day=1), "month"),
        "本月": (today.replace(day=1), "month"),
        "上周": (today - timedelta(days=7), "day"),
        "上星期": (today - timedelta(days=7), "day"),
        "昨天": (today - timedelta(days=1), "day"),
        "前天": (today - timedelta(days=2), "day"),
        "大前天": (today - timedelta(days=3), "day"),
        "今天": (today, "day"),
    }
    value, precision = named[text]
    return value, precision  # type: ignore[return-value]


def find_dates(text: str, today: date) -> list[DateMention]:
    """All date mentions in ``text``, left to right, without overlaps."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            if kind == "md" and m.start() > 0 and text[m.start() - 1] in "个几":
                continue  # "三个月" is a duration, not a month
            if kind == "md" and re.match(r"\d", m.group("m")) and m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            resolved = _resolve(kind, m, today)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(resolved[0], resolved[1], m.start(), m.end(), m.group(0)))
    for m in re.finditer(r"年底|年末|年初", text):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue
        before = [d for d in found if d.end <= m.start()]
        year = max(before, key=lambda d: d.end).value.year if before else today.year
        value, precision = _with_part(year, m.group(0))
        found.append(DateMention(value, precision, m.start(), m.end(), m.group(0)))
    return sorted(found, key=lambda d: d.start)
