"""Reading what a story tells about a limitation period: dated events, and the signs that pick the rule.

:func:`read_story` finds every date the story gives (``knowledge.dates.find_dates``) and reads the clause around
it with the cue table ``knowledge/data/interruptions.yaml``: a demand (by WeChat, SMS, a call, in person, a
lawyer's letter), a part payment, a new IOU or other acknowledgement, a promise to pay or a request for more time,
a mediation request, a police report, a suit or arbitration, the day the person learned who caused the harm, a
labour arbitration award received, the first or last instalment, a day to pay. Each event keeps the date's true
range (:class:`Span`): "2023年" is any day of 2023, "2024年5月" any day of May, so a period whose end falls inside
that range can be told as undecided instead of picking one end. Story-wide signs (no agreed time to pay, who
caused the harm unknown, instalments, unpaid wages, a claim to remove an obstruction …) come with it.

What the events do to the period is :mod:`knowledge.limitation`'s business; this module only reads. Dates are
read by ``knowledge.dates`` (its precision gives the range: a local, minimal range, since ``find_dates`` gives
the earliest day of a month or year and its precision).
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.cn_numbers import parse_number
from knowledge.dates import DateMention, find_dates

Effect = Literal["interrupt", "learned", "award", "refusal", "first_instalment", "last_instalment", "due"]
Party = Literal["creditor", "debtor"]
Regime = Literal["civil", "labour"]


def _compiles(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad cue {pattern!r}: {exc}") from exc
    return patterns


class EventKind(DataModel):
    label: str  # the kind in general ("what would interrupt")
    told: str  # what the story said happened
    effect: Effect
    by: Party
    applies: list[Regime]
    source: str
    labour_source: str | None = None  # the labour article, where it is not ``source``
    cues: list[str]
    unless: list[str] = Field(default_factory=list)
    reply: bool = False  # also read in the clauses answering a demand
    reply_only: bool = False  # read only there ("不还" alone is no refusal of a demand)
    follows: bool = False  # also read in the undated clauses after a date that told nothing itself
    also: list[str] = Field(default_factory=list)  # cues that count when the sentence shows one of ``also_if``
    also_if: list[str] = Field(default_factory=list)

    _check = field_validator("cues", "unless", "also")(_compiles)


class InstalmentCues(DataModel):
    count: str
    every: str
    months: dict[str, int]


class InterruptionCues(DataModel):
    kinds: dict[str, EventKind]
    negations: list[str]
    intentions: list[str]
    window: int
    instalment_plan: InstalmentCues
    channels: dict[str, list[str]]
    again: list[str]  # "最近一次": the clause tells again the kind the sentence told before
    not_told_on: list[str]  # a dated clause telling the debt itself ("他借俺三万"): its next clauses are no answer
    signs: dict[str, list[str]]

    _again = field_validator("again")(_compiles)

    @field_validator("signs")
    @classmethod
    def _signs_compile(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in value.values():
            _compiles(patterns)
        return value


@functools.cache
def load_interruption_cues(path: Path = DATA_DIR / "interruptions.yaml") -> InterruptionCues:
    return load_model(InterruptionCues, path)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A day known to lie between ``lo`` and ``hi`` (the same day when the story gave it exactly)."""

    lo: date
    hi: date

    @classmethod
    def day(cls, value: date) -> Span:
        return cls(value, value)

    @property
    def exact(self) -> bool:
        return self.lo == self.hi


@dataclass(frozen=True, slots=True)
class StoryEvent:
    kind: str  # a key of InterruptionCues.kinds
    when: Span
    channel: str | None = None  # how a demand reached the other side (微信, 短信 …)
    new_due: Span | None = None  # a day to pay that an acknowledgement or promise set (a new IOU's date)


@dataclass(frozen=True, slots=True)
class StoryReading:
    events: tuple[StoryEvent, ...] = ()
    signs: frozenset[str] = frozenset()
    mentioned: frozenset[date] = frozenset()  # every day the story names (earliest day of each mention)
    event_days: frozenset[date] = frozenset()  # the days of its events that are no day to pay (a demand, an IOU …)
    last_instalment: Span | None = None

    def of(self, *kinds: str) -> list[StoryEvent]:
        return [e for e in self.events if e.kind in kinds]


EMPTY = StoryReading()
_DAYS_TO_PAY = ("due", "first_instalment", "last_instalment")

_DEBTOR_SPEAKS = re.compile(r"^(他|她|对方|人家|老板|公司|厂里|厂|单位)(自己|又|主动|才|就|也)?")
_SENTENCE = re.compile(r"[。！？!?；;\n]")
_CLAUSE = re.compile(r"[，,：:。！？!?；;\n]")


def span_of(mention: DateMention) -> Span:
    """The range of days a mention can mean: the span ``find_dates`` gives, else the month or year its precision
    names (a minimal local reading, for a ``find_dates`` that gives only the first day and the precision)."""
    value = mention.value
    latest: date | None = getattr(mention, "latest", None)
    if latest is not None and latest >= value:
        return Span(value, latest)
    if mention.precision == "month":
        return Span(value, value.replace(day=calendar.monthrange(value.year, value.month)[1]))
    if mention.precision == "year":
        return Span(value, date(value.year, 12, 31))
    return Span.day(value)


def _hit(
    pattern: str, text: str, cues: InterruptionCues, *, negatable: bool = True, intent: bool = True
) -> re.Match[str] | None:
    """The first match of ``pattern`` not right after a negation (nor an intention, with ``intent``)."""
    for m in re.finditer(pattern, text):
        before = text[max(0, m.start() - cues.window) : m.start()]
        wider = text[max(0, m.start() - 2 * cues.window) : m.start()]
        if negatable and any(n in before for n in cues.negations):
            continue
        if intent and any(w in wider for w in cues.intentions):
            continue
        return m
    return None


def _kind_in(
    text: str, cues: InterruptionCues, kinds: list[str], sentence: str = ""
) -> tuple[str, re.Match[str]] | None:
    """The first of ``kinds`` whose cue ``text`` shows (``sentence``: the sentence so far, for ``also`` cues)."""
    for name in kinds:
        kind = cues.kinds[name]
        if any(re.search(p, text) for p in kind.unless):
            continue
        negatable = kind.effect != "refusal"  # "不还" is itself the negation
        also = kind.also if any(w in sentence for w in kind.also_if) else []
        for pattern in [*kind.cues, *also]:
            m = _hit(pattern, text, cues, negatable=negatable)
            if m is not None:
                return name, m
    return None


def _channel(text: str, cues: InterruptionCues) -> str | None:
    return next((name for name, words in cues.channels.items() if any(w in text for w in words)), None)


def _signs(text: str, cues: InterruptionCues) -> frozenset[str]:
    """The signs the story shows anywhere (a negation undoes one; an intention does not: "想让他拆了" is the claim)."""
    return frozenset(
        name for name, patterns in cues.signs.items() if any(_hit(p, text, cues, intent=False) for p in patterns)
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _last_instalment(text: str, events: list[StoryEvent], cues: InterruptionCues) -> Span | None:
    """The last instalment's day: told outright, or the first one's plus (count - 1) intervals."""
    last = [e.when for e in events if e.kind == "last_instalment"]
    if last:
        return max(last)
    first = [e.when for e in events if e.kind == "first_instalment"]
    count_m = re.search(cues.instalment_plan.count, text)
    every_m = re.search(cues.instalment_plan.every, text)
    if not first or count_m is None:
        return None
    count = parse_number(count_m.group("n"))
    if count is None or count < 2 or count != int(count):
        return None
    step = cues.instalment_plan.months.get(every_m.group("unit"), 1) if every_m else 1
    months = step * (int(count) - 1)
    start = min(first)
    return Span(_add_months(start.lo, months), _add_months(start.hi, months))


@dataclass(frozen=True, slots=True)
class _Clause:
    """A date mention with the clause around it and the kind of event that clause tells (None: no event)."""

    mention: DateMention
    text: str  # the clause, the date itself replaced by "@"
    right: int  # where the clause ends in the story
    sentence: int
    kind: str | None
    match: re.Match[str] | None


def _clauses(text: str, today: date, cues: InterruptionCues) -> list[_Clause]:
    mentions = find_dates(text, today)
    sentence_breaks = [m.start() for m in _SENTENCE.finditer(text)]
    clause_breaks = [m.start() for m in _CLAUSE.finditer(text)]
    primary = [name for name, kind in cues.kinds.items() if not kind.reply_only]
    out: list[_Clause] = []
    for i, mention in enumerate(mentions):
        prev_end = mentions[i - 1].end if i > 0 else 0
        next_start = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        left = max([b + 1 for b in clause_breaks if b < mention.start] + [prev_end])
        right = min([b for b in clause_breaks if b >= mention.end] + [next_start])
        clause = text[left : mention.start] + "@" + text[mention.end : right]
        opening = max([b + 1 for b in sentence_breaks if b < mention.start] + [0])
        found = _kind_in(clause, cues, primary, text[opening:right])
        sentence = sum(1 for b in sentence_breaks if b < mention.start)
        out.append(_Clause(mention, clause, right, sentence, *(found or (None, None))))
    return out


def _answer(text: str, clauses: list[_Clause], i: int, cues: InterruptionCues, *, undated: bool = False) -> str:
    """The rest of a clause and the clauses after it, up to the end of the sentence or the next event (with
    ``undated``: the next date of any kind)."""
    here = clauses[i]
    end = next((m.start() for m in _SENTENCE.finditer(text, here.right)), len(text))
    later = (
        c for c in clauses[i + 1 :] if undated or (c.kind is not None and cues.kinds[c.kind].effect not in _DAYS_TO_PAY)
    )
    nxt = next(later, None)
    if nxt is not None:
        breaks = [m.start() for m in _CLAUSE.finditer(text, here.right, nxt.mention.start)]
        end = min(end, breaks[-1] if breaks else nxt.mention.start)
    rest = here.text[here.match.end() :] if here.match else ""
    return rest + text[here.right : max(end, here.right)]


def _told_again(text: str, clauses: list[_Clause], i: int, cues: InterruptionCues) -> str | None:
    """ "最近一次是2026年3月2号": again the interruption told nearest before it, since the previous date."""
    here = clauses[i]
    if not any(_hit(p, here.text, cues) for p in cues.again):
        return None
    since = clauses[i - 1].mention.end if i > 0 else 0
    segment = text[since : here.mention.start]
    nearest: tuple[int, str] | None = None
    for name, kind in cues.kinds.items():
        if kind.effect != "interrupt" or kind.reply_only or any(re.search(p, segment) for p in kind.unless):
            continue
        for pattern in kind.cues:
            starts = [m.start() for m in re.finditer(pattern, segment) if _hit(pattern, segment[: m.end()], cues)]
            if starts and (nearest is None or max(starts) > nearest[0]):
                nearest = (max(starts), name)
    return nearest[1] if nearest else None


def _told_on(text: str, clauses: list[_Clause], i: int, cues: InterruptionCues) -> str | None:
    """What a dated clause with no event of its own tells on in the undated clauses after it: the day the person
    learned who did it ("2025年6月20号监控里认出来了，才知道是小李偷的"), or — when the other side is the one
    acting ("他打电话说手头紧，过了年一定还") — its own acknowledgement, promise or payment."""
    rest = _answer(text, clauses, i, cues, undated=True)
    names = [k for k, kind in cues.kinds.items() if kind.follows]
    own = clauses[i].text.partition("@")[2]
    if _DEBTOR_SPEAKS.match(own) and not any(w in own for w in cues.not_told_on):
        names += [k for k, kind in cues.kinds.items() if kind.reply and kind.effect == "interrupt"]
    found = _kind_in(rest, cues, names)
    return found[0] if found else None


_UNPROVEN = re.compile(
    r"没(?:有)?录音|没(?:有)?(?:别)?人听见|没人作证|没(?:有)?(?:啥|什么)?证据|没留(?:下)?(?:啥|什么)?(?:证据|记录)|空口(?:说|无凭)|口说无凭"
)


def _sentence_text(text: str, clause: _Clause) -> str:
    """The sentence a clause belongs to (the sentences as the clause reader counts them)."""
    parts = _SENTENCE.split(text)
    return parts[clause.sentence] if clause.sentence < len(parts) else text


def read_story(text: str, today: date, cues: InterruptionCues) -> StoryReading:
    """The limitation events and signs ``text`` tells (``today`` resolves relative dates)."""
    clauses = _clauses(text, today, cues)
    replies = [name for name, kind in cues.kinds.items() if kind.reply]
    events: list[StoryEvent] = []
    sentence_of: list[int] = []
    for i, clause in enumerate(clauses):
        name = clause.kind or _told_again(text, clauses, i, cues) or _told_on(text, clauses, i, cues)
        if name is None:
            continue
        span = span_of(clause.mention)
        if cues.kinds[name].effect not in _DAYS_TO_PAY:
            if span.lo > today:
                continue  # an event still to come has not happened
            span = Span(span.lo, min(span.hi, today))
        channel = _channel(clause.text, cues) if name == "demand" else None
        if cues.kinds[name].effect == "interrupt" and _UNPROVEN.search(_sentence_text(text, clause)):
            channel = "无凭证"  # 没录音也没别人听见: whether it can be shown decides it (the reading says both)
        events.append(StoryEvent(name, span, channel))
        sentence_of.append(clause.sentence)
        if name == "demand":  # the other side's answer, that day: "他当场说不还" / "他答应下个月还"
            reply = _kind_in(_answer(text, clauses, i, cues), cues, replies)
            if reply is not None:
                events.append(StoryEvent(reply[0], span))
                sentence_of.append(clause.sentence)
    # A day to pay later in the same sentence as a written acknowledgement is the day it set (a new IOU's date).
    linked: list[StoryEvent] = []
    for j, event in enumerate(events):
        due = None
        if event.kind == "acknowledgement":
            due = next(
                (
                    e.when
                    for e, s in zip(events[j + 1 :], sentence_of[j + 1 :], strict=True)
                    if s == sentence_of[j] and cues.kinds[e.kind].effect == "due" and e.when.lo >= event.when.lo
                ),
                None,
            )
        linked.append(event if due is None else replace(event, new_due=due))
    signs = _signs(text, cues)
    last = _last_instalment(text, linked, cues) if "instalments" in signs else None
    days = frozenset(e.when.lo for e in linked if cues.kinds[e.kind].effect not in _DAYS_TO_PAY)
    return StoryReading(tuple(linked), signs, frozenset(c.mention.value for c in clauses), days, last)


__all__ = [
    "EMPTY",
    "EventKind",
    "InterruptionCues",
    "Span",
    "StoryEvent",
    "StoryReading",
    "load_interruption_cues",
    "read_story",
    "span_of",
]
