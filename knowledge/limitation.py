"""Limitation periods (诉讼时效 / 仲裁时效), driven by knowledge/data/limitation.yaml.

:func:`check_limitation` returns ``in_time``, ``expired`` or ``unknown`` with the deadline, the rule used and
the list of things that interrupt the period. It never says a claim is barred: limitation is a defence the
other side must raise (民法典第一百九十三条), so an expired period is reported as a risk.

Counting (民法典第二百零一条至第二百零三条): the start day is not counted; the period ends on the corresponding
day of the final year (the last day of the month where there is none, e.g. 29 February); the deadline is that
day's end, so a claim filed on the deadline is in time and one filed the day after is not. Statutory holidays
that fall on the last day extend it; no holiday calendar is held, so the basis says so instead.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import DataFileError


class PeriodRule(DataModel):
    kind: Literal["period", "none", "none_or_period", "labour_wages"]
    source: str
    tag: Tag
    years: int | None = None
    start_facts: list[str] = Field(default_factory=list)
    start_label: str = ""
    note: str | None = None
    no_start_note: str | None = None
    ask_fact: str | None = None  # the fact to ask when no start fact is known (default: the first)


class Cap(DataModel):
    years: int
    source: str
    tag: Tag
    harm_facts: list[str]


class Counting(DataModel):
    source: str
    tag: Tag
    note: str


class Interruption(DataModel):
    fact: str
    label: str
    source: str


class LimitationRules(DataModel):
    rules: dict[str, PeriodRule]
    cap: Cap
    counting: Counting
    interruptions: list[Interruption]
    labour_interruptions: list[Interruption]
    not_barred_note: str


@functools.cache
def load_limitation_rules(path: Path = DATA_DIR / "limitation.yaml") -> LimitationRules:
    return load_model(LimitationRules, path)


Status = Literal["in_time", "expired", "unknown"]


@dataclass(frozen=True, slots=True)
class LimitationResult:
    status: Status
    deadline: date | None
    basis: str
    rule: str
    start: date | None = None
    restarted_by: str | None = None
    interrupted_by: list[str] = field(default_factory=list)  # what would interrupt (restart) the period
    missing: list[str] = field(default_factory=list)


def add_years(day: date, years: int) -> date:
    """The corresponding day ``years`` later; 29 February becomes the last day of February (民法典第二百零二条)."""
    target = day.year + years
    last = calendar.monthrange(target, day.month)[1]
    return date(target, day.month, min(day.day, last))


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _apply_interruptions(
    start: date, years: int, interrupts: list[Interruption], facts: Mapping[str, Any], today: date
) -> tuple[date, str | None, date, bool]:
    """Walk the interruptions in date order: each one inside a running period restarts it.

    Returns (period start, what restarted it, deadline, whether the debtor acknowledged after expiry).
    """
    restarted_by: str | None = None
    period_start = start
    deadline = add_years(start, years)
    acknowledged_late = False
    events = sorted(
        (d, item) for item in interrupts if (d := _as_date(facts.get(item.fact))) is not None and start < d <= today
    )
    for when, item in events:
        if when <= deadline:  # an interruption restarts a period that is still running
            period_start, restarted_by = when, item.label
            deadline = add_years(period_start, years)
        elif item.fact == "acknowledged_date":  # agreeing to pay after expiry (民法典第一百九十二条)
            acknowledged_late = True
    return period_start, restarted_by, deadline, acknowledged_late


def check_limitation(rule_key: str, facts: Mapping[str, Any], today: date, rules: LimitationRules) -> LimitationResult:
    if facts.get("product_injury") and rule_key == "tort":
        rule_key = "product_injury"
    try:
        rule = rules.rules[rule_key]
    except KeyError as exc:
        raise DataFileError(f"no limitation rule {rule_key!r}") from exc
    labour = rule_key in ("labour", "labour_wages")
    interrupts = rules.labour_interruptions if labour else rules.interruptions
    interrupt_labels = [i.label for i in interrupts]
    note = f"{rule.note}" if rule.note else ""

    if rule.kind == "none":
        return LimitationResult("in_time", None, f"{note}（{rule.source}）", rule_key, interrupted_by=interrupt_labels)
    if rule.kind == "labour_wages" and facts.get("still_employed") is True:
        basis = f"您还在职，{note}（{rule.source}）"
        return LimitationResult("in_time", None, basis, rule_key, interrupted_by=interrupt_labels)

    start: date | None = None
    for name in rule.start_facts:
        start = _as_date(facts.get(name))
        if start is not None:
            break
    if start is None:
        extra = rule.no_start_note or f"需要知道{rule.start_label}才能推算期限"
        prefix = f"{note}（{rule.source}）" if rule.kind == "none_or_period" else ""
        basis = f"{prefix}时效为{rule.years}年，从{rule.start_label}起算；{extra}（{rule.source}）。"
        return LimitationResult(
            "unknown",
            None,
            basis,
            rule_key,
            interrupted_by=interrupt_labels,
            missing=[rule.ask_fact or rule.start_facts[0]],
        )

    years = rule.years or 3
    period_start, restarted_by, deadline, acknowledged_late = _apply_interruptions(
        start, years, interrupts, facts, today
    )
    capped = ""
    if not labour:
        harm = next((d for d in (_as_date(facts.get(f)) for f in rules.cap.harm_facts) if d is not None), start)
        cap_day = add_years(harm, rules.cap.years)
        if cap_day < deadline:
            deadline = cap_day
            capped = f"；最长不超过自权利受到损害之日起{rules.cap.years}年（{rules.cap.source}）"
    status: Status = "in_time" if today <= deadline else "expired"
    kind = "仲裁时效" if labour else "诉讼时效"
    basis = f"{kind}{years}年（{rule.source}），从{rule.start_label}（{start.isoformat()}）起算"
    if restarted_by:
        basis += f"，因{restarted_by}于{period_start.isoformat()}重新起算"
    basis += f"，期限到{deadline.isoformat()}为止{capped}。{rules.counting.note}"
    if note:
        basis += note
    if status == "expired" and acknowledged_late:
        status = "in_time"
        basis += " 期限虽已届满，但对方之后又同意还款或部分还款，就不能再以时效已过为由拒绝（民法典第一百九十二条）。"
    elif status == "expired":
        basis += f" 按现有信息看期限可能已过。{rules.not_barred_note}"
    return LimitationResult(status, deadline, basis, rule_key, start, restarted_by, interrupt_labels)
