"""Limitation periods (诉讼时效 / 仲裁时效), driven by knowledge/data/limitation.yaml.

:func:`check_limitation` takes the cause's rule, the facts, the events the story tells
(:func:`knowledge.interruptions.read_story`) and today, and returns the status — ``in_time``, ``expired``,
``unknown`` or ``not_applicable`` (a claim with no limitation: support, a divorce, removing an obstruction, a
registered owner recovering property, wages while the job goes on) — with the start, the deadline (or the range it
lies in), the rule (:data:`RuleTag`), the last interruption and a plain-words text for the litigant.

How the period moves (each rule cited in the YAML beside it):

- start: the agreed day to pay, the last instalment's day for an instalment debt (民法典第一百八十九条), the
  later of the harm and learning who caused it (第一百八十八条第二款), or — with no agreed day — the day the
  debtor refused at the first demand (时效规定第四条); never protected beyond 20 years from the harm;
- each demand, acknowledgement, promise, part payment, mediation request, police report or suit inside a running
  period restarts it from that day (民法典第一百九十五条; 时效规定第八至十四条); a new IOU with a new day to pay
  restarts it from that day;
- after the period ran out, a creditor's demand changes nothing; the debtor's own agreement to pay (a new IOU, a
  promise, a payment) takes the defence away (民法典第一百九十二条第二款; 时效规定第十九条);
- labour: one year (劳动争议调解仲裁法第二十七条), none for wages while employed (第四款), and once an award is
  received, 15 days to sue (第四十八条、第五十条) — the one-year figure is then never shown.

A date known only to its month or year is a range: every combination of the ranges' ends (and the days where a
comparison flips) is computed, and when the results disagree the status is ``unknown`` with the deadline range,
instead of picking one end.

It never says a claim is barred: limitation is a defence the other side must raise (民法典第一百九十三条), so an
expired period is reported as a risk. Counting (民法典第二百零一条至第二百零三条): the start day is not counted;
the period ends on the corresponding day of the final year (the last day of the month where there is none); the
deadline is that day's end. Statutory holidays on the last day extend it; no holiday calendar is held, so the
text says so instead.
"""

from __future__ import annotations

import calendar
import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from string import Template
from typing import Any, Literal

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import DataFileError
from knowledge.interruptions import EMPTY, InterruptionCues, Span, StoryReading
from prompts import load as say

RuleTag = Literal[
    "general_3y",
    "interrupted",
    "instalment_last",
    "tort_knew_harm_and_tortfeasor",
    "cap_20y",
    "labour_arbitration_1y",
    "labour_award_15d",
    "wages_during_employment",
    "revived_by_debtor_agreement",
    "demand_after_expiry_no_revival",
    "product_injury_2y",
    "no_due_date",
    "no_limitation",
]
Status = Literal["in_time", "expired", "unknown", "not_applicable"]
# story events that are events of their own, not a day to pay (knowledge/data/interruptions.yaml)
_EVENT_KINDS = frozenset(
    {
        "filing",
        "mediation_request",
        "police_report",
        "complaint",
        "award",
        "learned",
        "acknowledgement",
        "promise",
        "part_payment",
        "demand",
        "refusal",
    }
)
Regime = Literal["civil", "labour"]


class PeriodRule(DataModel):
    # refer: a period the assessment does not compute (a family-assessed cause's own rule): said in words, no deadline
    kind: Literal["period", "none", "none_or_period", "labour_wages", "refer"]
    regime: Regime = "civil"
    source: str
    tag: Tag
    rule_tag: RuleTag
    years: int | None = None
    start: Literal["first", "latest"] = "first"
    start_facts: list[str] = Field(default_factory=list)
    start_label: str = ""
    note: str | None = None
    no_start_note: str | None = None
    ask_fact: str | None = None  # the fact to ask when no start fact is known (default: the first)
    # the story's key dated event when it gives no start fact (a loan with no due date: the lending), whose span
    # is reported as the event's ("今年五月份借的": 5月1日至31日); it starts no period
    event_facts: list[str] = Field(default_factory=list)


class Cap(DataModel):
    years: int
    source: str
    tag: Tag
    harm_facts: list[str]
    note: str  # the cap decides
    limit: str  # the period has not started yet: the cap still runs


class Counting(DataModel):
    source: str
    tag: Tag
    note: str


class NoLimitation(DataModel):
    source: str
    tag: Tag
    note: str
    damages_note: str


class NoDueDate(DataModel):
    source: str
    tag: Tag
    refused: str
    grace: str
    not_started: str
    grace_end: str


class Instalments(DataModel):
    source: str
    tag: Tag
    label: str
    sales_note: str


class Revival(DataModel):
    source: str
    tag: Tag
    note: str
    part_payment_note: str
    late_demand: str


class Award(DataModel):
    days: int
    source: str
    tag: Tag
    note: str
    running: str
    expired: str
    unknown: str
    inferred: str


class Interruption(DataModel):
    fact: str
    kind: str  # the story event it is (knowledge/data/interruptions.yaml)
    label: str
    source: str


class LimitationRules(DataModel):
    rules: dict[str, PeriodRule]
    cap: Cap
    counting: Counting
    no_limitation: dict[str, NoLimitation]
    no_due_date: NoDueDate
    instalments: Instalments
    revival: Revival
    restart: str
    recurring: str
    recurring_note: str
    new_due: str
    learned: str
    who_unknown: str
    range_note: str
    relayed_note: str
    award: Award
    interruptions: list[Interruption]
    labour_interruptions: list[Interruption]
    interrupt_note: str
    not_barred_note: str
    labour_not_barred_note: str

    def with_rules(self, extra: dict[str, PeriodRule]) -> LimitationRules:
        """The rules with more (the family-assessed causes' own periods, said in words: knowledge.generic)."""
        return self.model_copy(update={"rules": {**self.rules, **extra}})


@functools.cache
def load_limitation_rules(path: Path = DATA_DIR / "limitation.yaml") -> LimitationRules:
    return load_model(LimitationRules, path)


@dataclass(frozen=True, slots=True)
class LimitationResult:
    status: Status
    deadline: date | None
    basis: str  # plain words for the litigant: start, rule and article, deadline, what would interrupt
    rule: str  # the key of the rule in limitation.yaml
    rule_tag: RuleTag | None = None
    start: Span | None = None
    deadline_range: Span | None = None  # when the deadline is known only to lie in a range
    interrupted_on: date | None = None  # the last interruption that restarted the period
    revived_on: date | None = None  # the debtor's agreement that took the defence away after expiry
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


def cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_span(span: Span) -> str:
    if span.exact:
        return cn_day(span.lo)
    if (span.lo.month, span.lo.day) == (1, 1) and span.lo.year == span.hi.year and span.hi.month == 12:
        return f"{span.lo.year}年"
    if span.lo.day == 1 and (span.lo.year, span.lo.month) == (span.hi.year, span.hi.month):
        return f"{span.lo.year}年{span.lo.month}月"
    return f"{cn_day(span.lo)}至{cn_day(span.hi)}之间"


def _fill(template: str, **values: str) -> str:
    return Template(template).substitute(values)


# ----------------------------------------------------------------------------------------------- the events


@dataclass(frozen=True, slots=True)
class _Event:
    """One interruption (or late act) at a known day: the story's, or an answered fact's."""

    kind: str
    by: str
    label: str
    source: str
    when: Span
    channel: str | None = None
    new_due: Span | None = None


def _fact_span(facts: Mapping[str, Any], name: str, story: StoryReading) -> Span | None:
    """A date fact as a range: a month- or year-precision date the story told covers the whole month or year."""
    day = _as_date(facts.get(name))
    if day is None:
        return None
    told = (facts.get("date_ranges") or {}).get(name)  # the range the date reader gave ({"from", "to"})
    if isinstance(told, Mapping) and _as_date(told.get("from")) == day and (last := _as_date(told.get("to"))):
        return Span(day, max(day, last))
    precision = (facts.get("date_precision") or {}).get(name)
    if day in story.mentioned and precision == "month":
        return Span(day, day.replace(day=calendar.monthrange(day.year, day.month)[1]))
    if day in story.mentioned and precision == "year":
        return Span(day, date(day.year, 12, 31))
    return Span.day(day)


def _events(
    regime: Regime, facts: Mapping[str, Any], story: StoryReading, rules: LimitationRules, cues: InterruptionCues
) -> list[_Event]:
    """The story's interruptions, and those the answers add (a date the story itself names is the story's to read)."""

    def source(name: str) -> str:
        kind = cues.kinds[name]
        return (kind.labour_source or kind.source) if regime == "labour" else kind.source

    out: list[_Event] = []
    for ev in story.events:
        kind = cues.kinds[ev.kind]
        if kind.effect == "interrupt" and regime in kind.applies:
            out.append(_Event(ev.kind, kind.by, kind.told, source(ev.kind), ev.when, ev.channel, ev.new_due))
    table = rules.labour_interruptions if regime == "labour" else rules.interruptions
    for item in table:
        span = _fact_span(facts, item.fact, story)
        if span is None or span.lo in story.mentioned:
            continue
        kind = cues.kinds[item.kind]
        out.append(_Event(item.kind, kind.by, kind.told, source(item.kind), span))
    return out


# ------------------------------------------------------------------------------------------ one computation
@dataclass(frozen=True, slots=True)
class _At:
    """An event at one day of its range."""

    event: _Event
    when: date
    new_due: date | None


@dataclass(frozen=True, slots=True)
class _Run:
    start: date
    deadline: date
    tag: RuleTag
    interrupted: _At | None = None
    revived: _At | None = None
    expired_before: date | None = None  # the day the period had run out before the revival
    late: tuple[tuple[_At, date], ...] = ()  # creditor's acts after the period ran out, with that day
    capped: date | None = None  # the harm day when the 20-year cap decides


@dataclass(frozen=True, slots=True)
class _Period:
    """What one computation needs besides the days: the length, the rule's own tag, the cap, today."""

    years: int
    tag: RuleTag
    cap: int | None
    today: date


def _simulate(start: date, harm: date | None, events: Sequence[_At], period: _Period) -> _Run:
    years, today = period.years, period.today
    period_start, deadline, tag = start, add_years(start, years), period.tag
    interrupted: _At | None = None
    revived: _At | None = None
    expired_before: date | None = None
    late: list[tuple[_At, date]] = []
    for at in sorted(events, key=lambda a: a.when):
        if at.when <= period_start or at.when > today:
            continue  # before the period began (or still to come)
        restart = max(at.when, at.new_due) if at.new_due else at.when
        if at.when <= deadline:  # inside a running period: it starts again
            deadline, interrupted = add_years(restart, years), at
            tag = "revived_by_debtor_agreement" if revived else "interrupted"
        elif at.event.by == "debtor":  # the debtor agreed after it ran out (民法典第一百九十二条第二款)
            expired_before, revived, interrupted = deadline, at, None
            period_start, deadline, tag = restart, add_years(restart, years), "revived_by_debtor_agreement"
        else:  # a creditor's act after it ran out changes nothing
            late.append((at, deadline))
    capped: date | None = None
    if period.cap is not None and harm is not None and revived is None and add_years(harm, period.cap) < deadline:
        deadline, tag, capped = add_years(harm, period.cap), "cap_20y", harm
    if late and revived is None and capped is None and today > deadline:
        tag = "demand_after_expiry_no_revival"
    return _Run(period_start, deadline, tag, interrupted, revived, expired_before, tuple(late), capped)


def _scenarios(spans: Sequence[Span], run: Callable[[Sequence[date]], _Run], today: date) -> list[_Run]:
    """``run`` at the ends of every range, then also at the days inside a range where a comparison can flip."""
    ends = [sorted({s.lo, s.hi}) for s in spans]
    first = [run(values) for values in itertools.product(*ends)]
    if sum(1 for s in spans if not s.exact) > 3:  # keep it small; the ends alone still bound the result
        return first
    turns = {r.deadline for r in first} | {r.start for r in first} | {today}
    near = {d + timedelta(days=k) for d in turns for k in (0, 1)}
    points = [sorted({s.lo, s.hi} | {d for d in near if s.lo <= d <= s.hi}) for s in spans]
    return [run(values) for values in itertools.product(*points)]


# ------------------------------------------------------------------------------------------------ the case


@dataclass(frozen=True, slots=True)
class _Case:
    """One check: the rule that applies, the tables, the story's reading and today."""

    key: str
    rule: PeriodRule
    rules: LimitationRules
    story: StoryReading
    today: date

    @property
    def interrupters(self) -> list[str]:
        table = self.rules.labour_interruptions if self.rule.regime == "labour" else self.rules.interruptions
        return [i.label for i in table]

    @property
    def kind_word(self) -> str:
        return "仲裁时效" if self.rule.regime == "labour" else "诉讼时效"

    def result(self, status: Status, basis: str, tag: RuleTag | None, **extra: Any) -> LimitationResult:
        interrupted_by = extra.pop("interrupted_by", self.interrupters)
        deadline = extra.pop("deadline", None)
        return LimitationResult(status, deadline, basis, self.key, tag, interrupted_by=interrupted_by, **extra)


def _what(event: _Event) -> str:
    if event.by == "debtor":
        return event.label
    via = f"通过{event.channel}" if event.channel and event.channel != "当面" else ("当面" if event.channel else "")
    return f"您{via}{event.label}"


def _no_limitation(case: _Case) -> LimitationResult | None:
    """A claim with no limitation at all (民法典第一百九十六条)."""
    rule, signs = case.rule, case.story.signs
    if rule.kind == "none":
        return case.result("not_applicable", f"{rule.note}（{rule.source}）", "no_limitation", interrupted_by=[])
    if rule.regime != "civil":
        return None
    found = next((s for s in ("removal", "recover_property", "deposit") if s in signs), None)
    if found is None and rule.kind == "none_or_period" and "damages" not in signs:
        found = "removal"  # a neighbour's obstruction: the claim is to remove it
    if found is None:
        return None
    item = case.rules.no_limitation[found]
    text = f"{item.note}（{item.source}）" + (item.damages_note if "damages" in signs else "")
    return case.result("not_applicable", text, "no_limitation", interrupted_by=[])


def _award(case: _Case, *, inferred: bool = False) -> LimitationResult:
    """A labour award received: 15 days to sue from the day after receipt (劳动争议调解仲裁法第四十八条、第五十条).

    ``inferred``: the story did not say the award is a labour one (only that the person wants to sue over it)."""
    award, today = case.rules.award, case.today
    head = _fill(award.note, source=award.source) + (award.inferred if inferred else "")
    received = [e.when for e in case.story.of("award")]
    if not received:
        return case.result(
            "unknown", head + award.unknown, "labour_award_15d", interrupted_by=[], missing=["award_received_date"]
        )
    when = max(received)
    lo, hi = when.lo + timedelta(days=award.days), when.hi + timedelta(days=award.days)
    if today <= lo or today > hi:
        status: Status = "in_time" if today <= lo else "expired"
        text = head + _fill(award.running if status == "in_time" else award.expired, deadline=cn_day(lo))
        return case.result(
            status,
            text,
            "labour_award_15d",
            interrupted_by=[],
            deadline=lo,
            start=when,
            deadline_range=None if lo == hi else Span(lo, hi),
        )
    text = head + _fill(case.rules.range_note, span=cn_span(when), lo=cn_day(lo), hi=cn_day(hi))
    return case.result("unknown", text, "labour_award_15d", interrupted_by=[], start=when, deadline_range=Span(lo, hi))


def _told(facts: Mapping[str, Any], names: Sequence[str], story: StoryReading) -> list[Span]:
    """The date facts among ``names``, in order — but not a day the story tells as an event of its own (a demand,
    a new IOU, the day the person learned who did it): that day is the event's, whatever role a fact gave it."""
    spans = [_fact_span(facts, name, story) for name in names]
    return [s for s in spans if s is not None and s.lo not in story.event_days]


def _start(case: _Case, facts: Mapping[str, Any]) -> tuple[Span | None, str, RuleTag]:
    """The day the period starts from (as a range), what that day is, and the rule that says so."""
    rule, rules, story = case.rule, case.rules, case.story
    if rule.regime == "civil":
        last = story.last_instalment or _fact_span(facts, "last_instalment_date", story)
        if last is not None:
            return last, rules.instalments.label, "instalment_last"
    names = rule.start_facts
    if "no_due_date" in story.signs:  # "没说啥时候还": a day the story names is no agreed day to pay
        names = [n for n in names if n != "due_date" or _as_date(facts.get(n)) not in story.mentioned]
    spans = _told(facts, names, story)
    if not spans:
        return None, rule.start_label, rule.rule_tag
    start = max(spans, key=lambda s: s.lo) if rule.start == "latest" else spans[0]
    return start, rule.start_label, rule.rule_tag


def check_limitation(
    rule_key: str,
    facts: Mapping[str, Any],
    today: date,
    rules: LimitationRules,
    *,
    cues: InterruptionCues,
    story: StoryReading = EMPTY,
) -> LimitationResult:
    """The limitation of a claim under ``rule_key`` (a cause's rule), from the facts and the story's reading."""
    if facts.get("product_injury") and rule_key == "tort":
        rule_key = "product_injury"
    if rule_key == "labour" and "wages" in story.signs:  # unpaid wages have their own labour rule (第二十七条第四款)
        rule_key = "labour_wages"
    try:
        case = _Case(rule_key, rules.rules[rule_key], rules, story, today)
    except KeyError as exc:
        raise DataFileError(f"no limitation rule {rule_key!r}") from exc
    rule = case.rule

    # An award received: 15 days to sue; the arbitration period is behind the person and never shown.
    labour = rule.regime == "labour" or "labour_award" in story.signs
    if labour or "award_to_sue" in story.signs:
        held = rule.regime == "labour" and facts.get("has_arbitration_award") is True
        if story.of("award") or held:
            return _award(case, inferred=not labour)
    if rule.kind == "refer":
        return case.result("unknown", say("limitation_refer", rule=rule.note or "", source=rule.source), None)
    none = _no_limitation(case)
    if none is not None:
        return none
    if rule.kind == "labour_wages" and facts.get("still_employed") is True:
        text = f"您还在职，{rule.note}（{rule.source}）"
        return case.result("not_applicable", text, "wages_during_employment", interrupted_by=[])

    years = rule.years or 3
    events = _events(rule.regime, facts, story, rules, cues)
    start, start_label, tag = _start(case, facts)
    harm = start
    learned = [e.when for e in story.of("learned")] if rule.regime == "civil" else []
    if start is not None and learned and max(learned).lo > start.lo:  # 民法典第一百八十八条第二款
        harm, start, tag, start_label = start, max(learned), "tort_knew_harm_and_tortfeasor", rules.learned
    # the harm, for the 20-year cap: the earliest day of harm the facts tell (a later "knew" day never moves it)
    harm = min(_told(facts, rules.cap.harm_facts, story) + ([harm] if harm else []), default=None, key=lambda s: s.lo)

    # who did it is not known yet (a harm's rule: the start is the later of the harm and knowing who did it)
    if start is not None and rule.start == "latest" and "who_unknown" in story.signs and not learned:
        return _who_unknown(case, harm)
    no_due = "no_due_date" in story.signs or "due_date" in facts.get("none", [])
    if start is None and rule.regime == "civil" and no_due:
        found = _no_due_start(case, facts, events)
        if isinstance(found, LimitationResult):
            return found
        start, start_label, harm = found
        tag = "no_due_date"
    if start is None:
        extra = rule.no_start_note or f"需要知道{rule.start_label}才能推算期限。"
        text = f"{case.kind_word}{years}年（{rule.source}），从{rule.start_label}起算；{extra}"
        return case.result("unknown", text, None, missing=[rule.ask_fact or rule.start_facts[0]])

    yearly = _recurring(case, start, events)
    events += yearly
    period = _Period(years, tag, rules.cap.years if rule.regime == "civil" else None, today)
    notes = [rules.recurring_note] if yearly else []

    def computed(evs: Sequence[_Event]) -> LimitationResult:
        spans: list[Span] = [start] + ([harm] if harm is not None else [])
        for e in evs:
            spans += [e.when] + ([e.new_due] if e.new_due is not None else [])

        def run(values: Sequence[date]) -> _Run:
            it = iter(values)
            s = next(it)
            h = next(it) if harm is not None else None
            ats = [_At(e, next(it), next(it) if e.new_due is not None else None) for e in evs]
            return _simulate(s, h, ats, period)

        return _summarise(case, _scenarios(spans, run, today), start, start_label, notes)

    return _relayed(computed, events, rules, today)



def _relayed(
    computed: Callable[[Sequence[_Event]], LimitationResult],
    events: Sequence[_Event],
    rules: LimitationRules,
    today: date,
) -> LimitationResult:
    """The result, unless a demand passed on by somebody else (托人捎话) decides it: it counts only if it can be
    shown to have reached the debtor (时效规定第八条), so then the status is uncertain and both outcomes are said."""
    result = computed(events)
    doubtful = ("托人捎话", "无凭证")
    if not any(e.channel in doubtful for e in events):
        return result
    without = computed([e for e in events if e.channel not in doubtful])
    if without.status == result.status:
        return result
    both = ""
    if result.deadline and without.deadline:
        gone = without.deadline < today
        otherwise = f"已于{cn_day(without.deadline)}届满" if gone else f"到{cn_day(without.deadline)}"
        both = f"能证明的，期限到{cn_day(result.deadline)}；证明不了的，期限{otherwise}。"
    head = without.basis.split("按现有信息")[0].split("期限到")[0]
    return replace(
        without,
        status="unknown",
        deadline=None,
        basis=head + rules.relayed_note + both + rules.counting.note,
        deadline_range=Span(without.deadline, result.deadline) if without.deadline and result.deadline else None,
    )

def _no_due_start(
    case: _Case, facts: Mapping[str, Any], events: Sequence[_Event]
) -> tuple[Span, str, Span | None] | LimitationResult:
    """No agreed day to pay (时效规定第四条): (start, its label, the harm day) — from the end of a grace the person
    gave at a demand, or from a refusal at the first demand — or the result when the period has not started yet or
    starts after a reasonable grace."""
    rules = case.rules
    grace_end = _as_date(facts.get("grace_end_date"))
    if grace_end is not None:
        return Span.day(grace_end), rules.no_due_date.grace_end, None
    demands = sorted((e for e in events if e.kind == "demand"), key=lambda e: e.when.lo)
    if not demands:
        text = _fill(rules.no_due_date.not_started, source=rules.no_due_date.source)
        return case.result("in_time", text, "no_due_date")
    if demands[0].when not in {e.when for e in case.story.of("refusal")}:
        return _grace(case, events)
    return demands[0].when, rules.no_due_date.refused, demands[0].when


def _recurring(case: _Case, start: Span, events: Sequence[_Event]) -> list[_Event]:
    """ "每年都去要": a demand every year from the start to the last one told (each inside a running period).

    Only for a civil period (3 years is longer than a year's gap); the text says it holds if each can be shown."""
    demands = [e for e in events if e.kind == "demand"]
    if case.rule.regime != "civil" or "recurring_demand" not in case.story.signs or not demands:
        return []
    last = max(e.when.lo for e in demands)
    template = demands[0]
    out: list[_Event] = []
    day = add_years(start.hi, 1)
    while day < last:
        out.append(_Event("demand", "creditor", case.rules.recurring, template.source, Span.day(day)))
        day = add_years(day, 1)
    return out


def _who_unknown(case: _Case, harm: Span | None) -> LimitationResult:
    """Who caused the harm is not known yet: the period has not started, but the 20-year cap runs."""
    rules = case.rules
    text = rules.who_unknown
    if harm is not None:
        if case.today > add_years(harm.hi, rules.cap.years):
            text += _fill(rules.cap.note, harm=cn_span(harm), source=rules.cap.source)
            return case.result("expired", text, "cap_20y", deadline=add_years(harm.lo, rules.cap.years))
        text += _fill(rules.cap.limit, harm=cn_span(harm), source=rules.cap.source)
    return case.result("in_time", text, "tort_knew_harm_and_tortfeasor")


def _grace(case: _Case, events: Sequence[_Event]) -> LimitationResult:
    """No agreed day to pay and no refusal: the period starts after a reasonable grace period (时效规定第四条)."""
    rules = case.rules
    demand = min((e for e in events if e.kind == "demand"), key=lambda e: e.when.lo)
    latest = max(events, key=lambda e: e.when.lo)
    floor = add_years(latest.when.lo, case.rule.years or 3)
    text = _fill(
        rules.no_due_date.grace, source=rules.no_due_date.source, day=cn_span(demand.when), floor=cn_day(floor)
    )
    return case.result("in_time" if case.today <= floor else "unknown", text, "no_due_date")


def _status(runs: Sequence[_Run], today: date) -> Status:
    statuses = {"in_time" if today <= r.deadline else "expired" for r in runs}
    if statuses == {"in_time"}:
        return "in_time"
    return "expired" if statuses == {"expired"} else "unknown"


def _moves(case: _Case, run: _Run) -> list[str]:
    """What moved the period, in plain words: an interruption, demands too late, a revival, the 20-year cap."""
    rules = case.rules
    parts: list[str] = []
    if run.interrupted is not None:
        at = run.interrupted
        parts.append(_fill(rules.restart, day=cn_span(at.event.when), what=_what(at.event), source=at.event.source))
        if at.new_due is not None and at.new_due > at.when:
            parts.append(_fill(rules.new_due, day=cn_day(at.new_due)))
    for at, ran_out in run.late:
        day = cn_span(at.event.when)
        parts.append(_fill(rules.revival.late_demand, day=day, what=_what(at.event), expired=cn_day(ran_out)))
    if run.revived is not None and run.expired_before is not None:
        at = run.revived
        due = at.event.new_due
        restart = due if due is not None and due.lo > at.event.when.hi else at.event.when
        text = _fill(
            rules.revival.note,
            expired=cn_day(run.expired_before),
            day=cn_span(at.event.when),
            what=_what(at.event),
            source=rules.revival.source,
            restart=cn_span(restart),
        )
        parts.append(text + (rules.revival.part_payment_note if at.event.kind == "part_payment" else ""))
    if run.capped is not None:
        parts.append(_fill(rules.cap.note, harm=cn_day(run.capped), source=rules.cap.source))
    return parts


def _summarise(
    case: _Case, runs: Sequence[_Run], told_start: Span, start_label: str, notes: Sequence[str] = ()
) -> LimitationResult:
    """One result from the computations over the ranges; the text tells what moved the period and why."""
    rule, rules = case.rule, case.rules
    cautious = min(runs, key=lambda r: (r.deadline, r.start))
    lo, hi = cautious.deadline, max(r.deadline for r in runs)
    status = _status(runs, case.today)
    # the last interruption: its day, or the first day of its range when the story gave only the month or year
    interrupted = {r.interrupted.event.when.lo if r.interrupted else None for r in runs}
    revived = {r.revived.event.when.lo if r.revived else None for r in runs}

    source = rule.source
    if start_label == rules.instalments.label:
        source = f"{source}、{rules.instalments.source.removeprefix('民法典')}"
    elif start_label == rules.no_due_date.refused:
        source = f"{source}；{rules.no_due_date.source}"
    parts = [f"{case.kind_word}{rule.years or 3}年（{source}），从{start_label}起算：{cn_span(told_start)}。"]
    if rule.note:
        parts.append(rule.note)
    if start_label == rules.instalments.label and case.key != "loan":
        parts.append(rules.instalments.sales_note)
    parts += [*notes, *_moves(case, cautious)]
    if status == "unknown":
        loose = next((s for s in [told_start, *(e.when for e in case.story.events)] if not s.exact), told_start)
        parts.append(_fill(rules.range_note, span=cn_span(loose), lo=cn_day(lo), hi=cn_day(hi)))
    elif status == "in_time":
        until = cn_day(lo) if lo == hi else f"{cn_day(lo)}（最晚{cn_day(hi)}，要看准确日期）"
        parts.append(f"期限到{until}为止，目前没有超过。")
    else:
        parts.append(f"按现有信息，期限{'' if lo == hi else '最晚'}已于{cn_day(hi)}届满。")
        if cautious.capped is None:
            parts.append(rules.labour_not_barred_note if rule.regime == "labour" else rules.not_barred_note)
    if status != "expired":
        parts.append(_fill(rules.interrupt_note, labels="、".join(case.interrupters)))
    parts.append(rules.counting.note)
    starts = [r.start for r in runs]
    return case.result(
        status,
        "".join(parts),
        cautious.tag,
        deadline=None if status == "unknown" else lo,
        start=Span(min(starts), max(starts)),
        deadline_range=Span(lo, hi) if lo != hi else None,
        interrupted_on=interrupted.pop() if len(interrupted) == 1 else None,
        revived_on=revived.pop() if len(revived) == 1 else None,
        restarted_by=cautious.interrupted.event.label if cautious.interrupted else None,
    )


__all__ = [
    "LimitationResult",
    "LimitationRules",
    "RuleTag",
    "Status",
    "add_years",
    "check_limitation",
    "cn_day",
    "cn_span",
    "load_limitation_rules",
]
