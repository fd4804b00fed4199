"""The dashboard figures, computed from recorded events only (``case_events``), per month and per cause.

Nothing here is typed in: every figure is a count of events, with its numerator and denominator kept so the
dashboard and the export show both. Definitions (docs/kpis.md explains each, with its limits):

- ``online_filing_share`` — filings registered in the month with channel "online" ÷ filings registered in the
  month (target ≥ 50%).
- ``review_on_time`` — review periods (from submission or resubmission to the clerk's decision: register,
  one-time correction notice, or not accepted) decided in the month within their due time ÷ periods decided in
  the month + periods still undecided whose due time fell in the month (target ≥ 90%).
- ``id_phone_entry`` — filing hand-offs created in the month whose plaintiff has both a valid ID number and a
  valid mobile number recorded ÷ filing hand-offs created in the month (target ≥ 95%).
- ``hotline_connection`` — tickets created in the month that an operator assigned (交办) within the 接听 due
  time ÷ tickets created in the month that were assigned or whose 接听 due time has passed (target ≥ 95%).
- ``ticket_completion`` — tickets created in the month that reached 反馈 (answer sent) ÷ tickets created in the
  month (target ≥ 95%).
- ``referrals`` — mediation referrals created in the month (a count).
- ``mediation_success`` — referrals that reached an agreement in the month ÷ referrals that reached an
  agreement or failed in the month (no target in the standard).
- ``petition_registered`` — 信访 tickets created in the month (a count: a 信访 exists here only once registered).
- ``petition_assigned`` / ``petition_answered`` — 信访 tickets created in the month that were assigned (交办) /
  answered (回复) ÷ 信访 tickets created in the month (target 100%).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.machine import Kind, lifecycle
from casework.models import CaseEvent
from casework.timeutil import local, month_of

ALL = "全部"
NO_CAUSE = "案由未定"


@dataclass(frozen=True, slots=True)
class FigureDef:
    key: str
    label: str
    target: float | None  # a share (0.9 = 90%); None: no target
    numerator: str
    denominator: str | None  # None: a count, not a share
    unit: str = "%"


FIGURES: tuple[FigureDef, ...] = (
    FigureDef("online_filing_share", "网上立案占比", 0.50, "登记立案中方式为网上立案的件数", "当月登记立案件数"),
    FigureDef(
        "review_on_time",
        "立案审查及时率",
        0.90,
        "当月在期限内作出审查决定的次数",
        "当月作出审查决定的次数 + 当月到期仍未审查的次数",
    ),
    FigureDef(
        "id_phone_entry",
        "手机号码和身份证号码录入率",
        0.95,
        "原告手机号和身份证号均已录入的立案转交",
        "当月新建立案转交件数",
    ),
    FigureDef(
        "hotline_connection",
        "12368热线接通率（按时交办）",
        0.95,
        "在接听期限内交办的工单",
        "当月新建工单中已交办或接听期限已过的",
    ),
    FigureDef("ticket_completion", "12368工单办结率（已反馈）", 0.95, "已反馈的工单", "当月新建工单"),
    FigureDef("referrals", "人民调解转介数", None, "当月新建转介件数", None, unit="件"),
    FigureDef("mediation_success", "调解成功率", None, "当月达成调解协议的转介", "当月达成协议或调解不成的转介"),
    FigureDef("petition_registered", "信访登记数", None, "当月登记的信访件数", None, unit="件"),
    FigureDef("petition_assigned", "信访交办率", 1.0, "已交办的信访件", "当月登记的信访件"),
    FigureDef("petition_answered", "信访回复率", 1.0, "已回复的信访件", "当月登记的信访件"),
)
BY_KEY = {f.key: f for f in FIGURES}


@dataclass(frozen=True, slots=True)
class EventRow:
    """One recorded event, detached from the ORM (the figures are a pure function of these)."""

    record_id: int
    kind: str
    cause: str | None
    category: str | None
    action: str
    from_state: str | None
    to_state: str
    at: datetime
    due_at: datetime | None
    new_due_at: datetime | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Figure:
    month: str  # YYYY-MM, court-local
    cause: str  # ALL or a cause name
    key: str
    numerator: int
    denominator: int | None

    @property
    def definition(self) -> FigureDef:
        return BY_KEY[self.key]

    @property
    def value(self) -> float | None:
        """The share (0..1), or the count for count figures; None when nothing to divide by."""
        if self.denominator is None:
            return float(self.numerator)
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def meets_target(self) -> bool | None:
        target = self.definition.target
        v = self.value
        if target is None or v is None:
            return None
        return v >= target - 1e-12


def load_events(session: Session, since: datetime | None = None) -> list[EventRow]:
    """Every event (of records that have any event since ``since``, so a record's history stays whole)."""
    stmt = select(CaseEvent).order_by(CaseEvent.record_id, CaseEvent.at, CaseEvent.id)
    if since is not None:
        ids = select(CaseEvent.record_id).where(CaseEvent.at >= since).distinct()
        stmt = stmt.where(CaseEvent.record_id.in_(ids))
    return [
        EventRow(
            record_id=e.record_id,
            kind=e.kind,
            cause=e.cause,
            category=e.category,
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            at=e.at,
            due_at=e.due_at,
            new_due_at=e.new_due_at,
            data=dict(e.data or {}),
        )
        for e in session.scalars(stmt)
    ]


class _Tally:
    """numerator/denominator counters keyed by (month, cause, figure)."""

    def __init__(self) -> None:
        self.num: dict[tuple[str, str, str], int] = defaultdict(int)
        self.den: dict[tuple[str, str, str], int] = defaultdict(int)

    def add(self, month: str, cause: str | None, key: str, hit: bool, counted: bool = True) -> None:
        for c in (ALL, cause or NO_CAUSE):
            if counted:
                self.den[(month, c, key)] += 1
            if hit:
                self.num[(month, c, key)] += 1


def _petition_categories() -> set[str]:
    return {k for k, c in lifecycle(Kind.TICKET).categories.items() if c.petition}


def _by_record(events: Iterable[EventRow]) -> dict[int, list[EventRow]]:
    grouped: dict[int, list[EventRow]] = defaultdict(list)
    for e in events:
        grouped[e.record_id].append(e)
    for evs in grouped.values():
        evs.sort(key=lambda e: e.at)
    return grouped


REVIEW_DECISIONS = frozenset({"register", "request_correction", "not_accept"})
REVIEW_STARTS = frozenset({"submitted", "resubmitted"})


def _filing(evs: Sequence[EventRow], tally: _Tally, now: datetime) -> None:
    create = evs[0]
    tally.add(
        month_of(create.at),
        create.cause,
        "id_phone_entry",
        bool(create.data.get("has_id") and create.data.get("has_phone")),
    )
    open_due: datetime | None = None
    for e in evs:
        if e.action == "register":
            tally.add(month_of(e.at), e.cause, "online_filing_share", e.data.get("channel") == "online")
        if e.to_state in REVIEW_STARTS and e.action != "review":
            open_due = e.new_due_at
        elif e.action in REVIEW_DECISIONS and open_due is not None:
            due = e.due_at or open_due
            tally.add(month_of(e.at), e.cause, "review_on_time", e.at <= due)
            open_due = None
        elif e.action == "withdraw":
            open_due = None
    if open_due is not None and open_due < now:
        tally.add(month_of(open_due), create.cause, "review_on_time", False)


def _ticket(evs: Sequence[EventRow], tally: _Tally, now: datetime, petitions: set[str]) -> None:
    create = evs[0]
    month, cause = month_of(create.at), create.cause
    assign = next((e for e in evs if e.action == "assign"), None)
    answered = any(e.to_state == "answered" for e in evs)
    if assign is not None:
        on_time = assign.due_at is None or assign.at <= assign.due_at
        tally.add(month, cause, "hotline_connection", on_time)
    elif create.new_due_at is not None and create.new_due_at < now:
        tally.add(month, cause, "hotline_connection", False)
    tally.add(month, cause, "ticket_completion", answered)
    if create.category in petitions:
        tally.add(month, cause, "petition_registered", True, counted=False)
        tally.add(month, cause, "petition_assigned", assign is not None)
        tally.add(month, cause, "petition_answered", answered)


def _referral(evs: Sequence[EventRow], tally: _Tally) -> None:
    create = evs[0]
    tally.add(month_of(create.at), create.cause, "referrals", True, counted=False)
    for e in evs:
        if e.action in ("agree", "fail"):
            tally.add(month_of(e.at), e.cause, "mediation_success", e.action == "agree")


def compute(events: Iterable[EventRow], now: datetime, months: Sequence[str]) -> list[Figure]:
    """Every figure for every month in ``months`` (``YYYY-MM``), overall (cause ALL) and per cause seen."""
    tally = _Tally()
    petitions = _petition_categories()
    for evs in _by_record(events).values():
        if evs[0].action != "create":
            continue  # history cut off before its creation (``since``): not countable honestly
        if evs[0].kind == Kind.FILING:
            _filing(evs, tally, now)
        elif evs[0].kind == Kind.TICKET:
            _ticket(evs, tally, now, petitions)
        elif evs[0].kind == Kind.REFERRAL:
            _referral(evs, tally)
    causes = sorted({c for (_, c, _) in (*tally.den, *tally.num) if c != ALL})
    out: list[Figure] = []
    for month in months:
        for cause in (ALL, *causes):
            for f in FIGURES:
                key = (month, cause, f.key)
                den = None if f.denominator is None else tally.den.get(key, 0)
                out.append(Figure(month, cause, f.key, tally.num.get(key, 0), den))
    return out


def recent_months(now: datetime, count: int = 12) -> list[str]:
    """The ``count`` court-local months up to and including the one of ``now``, oldest first."""
    t = local(now)
    y, m = t.year, t.month
    result = []
    for _ in range(count):
        result.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(result))


def fmt_value(fig: Figure) -> str:
    v = fig.value
    if v is None:
        return "—"
    if fig.definition.denominator is None:
        return f"{int(v)}{fig.definition.unit}"
    return f"{v * 100:.1f}%"
