"""A story's dates with their roles: when the money was lent, when it was due, when the person asked for it …

:func:`date_events` lists every date of the story, in story order, with its role (loan_date, due_date,
last_demand_date, acknowledged_date, …; cue words in knowledge/data/extract.yaml, ``date_roles``) and its
precision; :func:`read_story_dates` keeps one date per role and derives what the story implies:

- an agreed term gives the due date (民法典第二百零一条、第二百零二条: the start day is not counted; a term in
  months or years ends on the corresponding day, the month's last day where there is none): "2025年5月20日借的，
  借期六个月" → 2025-11-20; "签完30天内付款" → the signing day + 30;
- instalments give the last instalment's date (民法典第一百八十九条): "每月11号还，一共12期，第一期是2025年1月11号"
  → last_instalment_date 2025-12-11;
- a date that names a span ("2025年11月", "过年前", "上旬") keeps its span in ``ranges`` ({"from", "to"}), so a
  deadline computed from it can be a range too.

The limitation rules read these facts (knowledge.limitation); :func:`date_events` is there for rules that need
more than one date of a role (a second due date agreed later, every demand).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from knowledge.cn_numbers import parse_number
from knowledge.dates import DateMention, Precision, find_dates

_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]|\.(?!\d)")


@dataclass(frozen=True, slots=True)
class DateEvent:
    role: str
    mention: DateMention
    by_cue: bool  # the role came from the story's words (False: the cause's default role)


@dataclass
class StoryDates:
    dates: dict[str, str] = field(default_factory=dict)  # role → ISO date (the first day when a span)
    precision: dict[str, str] = field(default_factory=dict)  # role → day | month | year | range
    ranges: dict[str, dict[str, str]] = field(default_factory=dict)  # role → {"from", "to"} when a span
    instalments: bool = False  # the story states instalments with a count and a first date

    def put(self, role: str, first: date, precision: Precision, last: date | None) -> None:
        self.dates[role] = first.isoformat()
        self.precision[role] = precision
        if last is not None and last != first:
            self.ranges[role] = {"from": first.isoformat(), "to": last.isoformat()}
        else:
            self.ranges.pop(role, None)


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:start], text[end:right]


_DUE_AFTER = re.compile(
    r"^\s*(?:之前|以前|前)?(?:肯定|一定|一准|准保|保准|铁定|保证|准|就|再|才|必须|得)?(?:归还|偿还|清偿|还|给|付|结)(?!了|过|没|不)"
    # "1月底发了工资就还", "年底卖了猪再给": a condition, then the promise
    r"|^\s*(?:之前|以前|前)?[^，。；！？]{1,8}?(?:就|再|才|便)(?:归还|偿还|还|给|付|结)(?!了|过|没|不)"
)
# a cue said with a negation is not the event ("他现在不认账了" acknowledges nothing)
_NEGATED = re.compile(r"(?:不|没|没有|未|拒不)$")


def _find_cue(text: str, word: str) -> int:
    """Where ``word`` first stands in ``text`` un-negated (-1: nowhere)."""
    at = text.find(word)
    while at >= 0 and _NEGATED.search(text[:at]):
        at = text.find(word, at + 1)
    return at


def date_role(before: str, after: str, roles: dict[str, list[str]]) -> str | None:
    """The role of a date from the words around it in its clause (None: no cue)."""
    after_short = after[:15]
    if _DUE_AFTER.match(after_short):
        return "due_date"
    # The cue nearest after the date decides ("2024年1月借的，说好年底还": 借的, not 说好).
    nearest: tuple[int, str] | None = None
    for role, words in roles.items():
        for w in words:
            at = _find_cue(after_short, w)
            if at >= 0 and (nearest is None or at < nearest[0]):
                nearest = (at, role)
    if nearest is not None:
        return nearest[1]
    for role, words in roles.items():
        if any(w in before[-8:] for w in words):
            return role
    return None


def future_ok(text: str, end: int) -> bool:
    """A date still to come is kept only as a promise ("明年3月还")."""
    return bool(re.match(r".{0,4}(还|到期|付|(?<!借)给|结)", text[end : end + 6]))


def _next_clause_role(text: str, end: int, roles: dict[str, list[str]]) -> str | None:
    this_end = _CLAUSE_BREAK.search(text, end)
    if this_end is None or text[this_end.start()] not in "，,":
        return None  # only within the sentence
    _, following = _clause(text, this_end.end(), this_end.end())
    hits = [
        (_find_cue(following, w), role)
        for role, words in roles.items()
        if role != "due_date"  # a promise in the next clause is a day of its own ("6月借的，说好年底还")
        for w in words
        if 0 <= _find_cue(following, w) < 15
    ]
    return min(hits)[1] if hits else None


def date_events(text: str, today: date, default_role: str, roles: dict[str, list[str]]) -> list[DateEvent]:
    """Every date of the story with its role, in story order (future dates only when promised)."""
    events: list[DateEvent] = []
    for mention in find_dates(text, today):
        if mention.value > today and not future_ok(text, mention.end):
            continue
        before, after = _clause(text, mention.start, mention.end)
        role = date_role(before, after, roles)
        if role is None:  # "今年大年初三在他家喝酒，他当着大伙儿的面写了个欠条": the next clause says what happened
            role = _next_clause_role(text, mention.end, roles)
        events.append(DateEvent(role or default_role, mention, role is not None))
    return events


_NUM = r"(?P<n>半|\d{1,3}|[一二两俩三四五六七八九十]{1,3})"
_UNIT = r"个?(?P<unit>年|月|天|日|周|星期)"
_TERM_BEFORE = re.compile(rf"(?:借期|借款期限|期限|为期|借|用)(?:是|为)?{_NUM}{_UNIT}")
_TERM_AFTER = re.compile(
    rf"(?<![\d第一二两三四五六七八九十]){_NUM}{_UNIT}(?:后|以后|之后|内|以内|之内|期满)?(?:就|再)?"
    r"(?:还|归还|还清|还钱|付款|付清|结清|给钱|付钱|到期|结账)(?!没|不|未|是|在|欠|差|剩|了)"
)
_INSTALMENT_COUNT = re.compile(
    r"(?:一共|共|总共|分)(?:成)?(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})(?:期|次还|个月(?:还|付|给|交)|回(?:还|付|给|交))"
)
_GRACE = re.compile(
    r"给(?:他|她|对方|你|恁)?(?P<n>\d{1,3}|[一二两俩三四五六七八九十半]{1,3})(?:个)?(?P<unit>月|天|周|星期)"
    r"(?:的)?(?:宽限|时间|期限|工夫)|宽限(?:他|她|你|恁)?(?P<n2>\d{1,3}|[一二两俩三四五六七八九十半]{1,3})(?:个)?(?P<unit2>月|天)"
)
_INSTALMENT_PERIOD = {"每月": 1, "每个月": 1, "每季度": 3, "每年": 12}


def _count(raw: str) -> float | None:
    if raw == "半":
        return 0.5
    if raw == "俩":
        return 2
    value = parse_number(raw)
    return float(value) if value is not None else None


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day where there is none (民法典第二百零二条)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _term(text: str) -> tuple[int, str, int] | None:
    """(length, unit, position) of an agreed term: 借期六个月, 说好一年还, 30天内付款. Unit: months or days."""
    for pattern in (_TERM_BEFORE, _TERM_AFTER):
        m = pattern.search(text)
        if m is None:
            continue
        n = _count(m.group("n"))
        if n is None or n <= 0:
            continue
        unit = m.group("unit")
        if unit in ("年", "月"):
            months = n * 12 if unit == "年" else n
            if months >= 1 and months == int(months):
                return int(months), "months", m.start()
        else:
            days = n * 7 if unit in ("周", "星期") else n
            if days == int(days):
                return int(days), "days", m.start()
    return None


def _shift(day: date, length: int, unit: str) -> date:
    return add_months(day, length) if unit == "months" else day + timedelta(days=length)


_OTHER_SAYS = re.compile(r"(?:他|她|对方|人家)(?:非|硬|偏|还|却)?(?:说|算|讲)(?!好|定|了算)[^。；！？]{0,16}$")


def _said_by_other_side(text: str, events: Sequence[DateEvent], role: str) -> bool:
    """Whether the date of ``role`` is only the other side's words ("他说到期是9月27号")."""
    ev = next((e for e in events if e.role == role), None)
    if ev is None:
        return False
    start = ev.mention.start
    return _OTHER_SAYS.search(text[max(0, start - 20) : start]) is not None


def read_story_dates(text: str, today: date, default_role: str, roles: dict[str, list[str]]) -> StoryDates:
    """One date per role (the first said; a later one replaces it only when it makes it exact, e.g. a month
    then the day in it), the due date an agreed term implies, and the last instalment's date."""
    events = date_events(text, today, default_role, roles)
    out = StoryDates()
    by_cue: dict[str, bool] = {}
    for ev in events:
        m = ev.mention
        held = out.dates.get(ev.role)
        if held is not None:
            span = out.ranges.get(ev.role)
            inside = span is not None and span["from"] <= m.value.isoformat() <= m.last.isoformat() <= span["to"]
            if not inside:
                continue
        out.put(ev.role, m.value, m.precision, m.latest)
        by_cue[ev.role] = ev.by_cue

    term = _term(text)
    if term is not None and by_cue.get("due_date", False) and _said_by_other_side(text, events, "due_date"):
        # "借期半年…他说到期是9月27号，俺说不对": the other side's reckoning is not the agreed term's day
        by_cue["due_date"] = False
        out.dates.pop("due_date", None)
        out.precision.pop("due_date", None)
        out.ranges.pop("due_date", None)
    if term is not None and not by_cue.get("due_date", False):
        length, unit, at = term
        base = next((ev.mention for ev in reversed(events) if ev.mention.end <= at and ev.role != "due_date"), None)
        if base is not None:  # "借期六个月": the due date is the start plus the term
            out.put("due_date", _shift(base.value, length, unit), base.precision, _shift(base.last, length, unit))

    grace = _GRACE.search(text)
    if grace is not None and "due_date" not in out.dates:
        # "8月10号俺找他要钱，跟他说给他一个月宽限": no agreed day, the grace given at a demand ends the wait
        # (时效规定第四条; 民法典第五百一十一条第（四）项)
        n = _count(grace.group("n") or grace.group("n2"))
        base = next((ev.mention for ev in reversed(events) if ev.mention.end <= grace.start()), None)
        if n is not None and n > 0 and base is not None:
            unit = grace.group("unit") or grace.group("unit2")
            if unit == "月" and n == int(n):
                end = add_months(base.value, int(n))
            else:  # 半个月 is 15 days (民法典第二百零一条 counts from the next day)
                end = base.value + timedelta(days=int(n * {"月": 30, "周": 7, "星期": 7}.get(unit, 1)))
            out.put("grace_end_date", end, base.precision, None)

    count = _INSTALMENT_COUNT.search(text)
    period = next((months for word, months in _INSTALMENT_PERIOD.items() if word in text), None)
    first = out.dates.get("first_instalment_date")
    if count is not None and period is not None and first is not None:
        n = _count(count.group("n"))
        if n is not None and n >= 1 and n == int(n):
            start = date.fromisoformat(first)
            last_span = out.ranges.get("first_instalment_date")
            last_of_first = date.fromisoformat(last_span["to"]) if last_span else None
            out.put(
                "last_instalment_date",
                add_months(start, period * (int(n) - 1)),
                out.precision["first_instalment_date"],  # type: ignore[arg-type]
                add_months(last_of_first, period * (int(n) - 1)) if last_of_first else None,
            )
            out.instalments = True
    return out


def key_event_range(facts: Mapping[str, Any], names: Sequence[str]) -> dict[str, str] | None:
    """The span of the key event — the first of ``names`` (a limitation rule's start facts) the facts hold — when
    the story gives that date only as a span ({"from", "to"}); None when it is a single day or unknown. A date
    given later (an answer) replaces the story's span: the span counts only while it starts on the fact's day."""
    ranges = facts.get("date_ranges")
    for name in names:
        value = facts.get(name)
        if value is None:
            continue
        span = ranges.get(name) if isinstance(ranges, Mapping) else None
        if isinstance(span, Mapping) and span.get("from") == value and isinstance(span.get("to"), str):
            return {"from": str(span["from"]), "to": str(span["to"])}
        return None
    return None


__all__ = [
    "DateEvent",
    "StoryDates",
    "add_months",
    "date_events",
    "date_role",
    "future_ok",
    "key_event_range",
    "read_story_dates",
]
