"""Guarantors (保证) in a story: kind, guarantee period, whether a claim against the guarantor is still open.

:func:`assess_guarantee` returns ``None`` when the story has no guarantor, otherwise a :class:`GuaranteeResult`:

- ``kind`` — ``连带责任保证`` only when the words say 连带 (民法典第六百八十八条); ``一般保证`` when they say the
  guarantor pays when the debtor cannot (第六百八十七条) and when nothing or nothing clear was agreed (第六百八十六条);
- ``period_end`` — the agreed period, or six months from the main debt's due date (第六百九十二条; an agreed end
  on or before the due date counts as none; months end on the corresponding day or the month's last day,
  第二百零二条); ``None`` when the debt has no due date (the period has not started, 第六百九十二条第三款). A new
  due date agreed without the guarantor's written consent does not move it (第六百九十五条第二款);
- ``claim_open`` — for 一般保证 the creditor must have sued or applied for arbitration against the debtor within
  the period, for 连带 must have demanded from the guarantor within it (第六百九十三条); still open while the period
  runs; ``None`` when the story does not say when the creditor acted.

The rules and words are data (knowledge/data/guarantee.yaml); dates are read with :func:`knowledge.dates.find_dates`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.cn_numbers import parse_number
from knowledge.cues import compiled
from knowledge.dates import DateMention, find_dates
from knowledge.parties import load_party_words
from knowledge.routing import Cues, add_months, cn_date

Kind = Literal["一般保证", "连带责任保证"]


class PeriodRules(DataModel):
    agreed_span: str
    agreed_until_before: str
    unclear: str
    unclear_source: str
    unclear_tag: Tag
    default_months: int
    default_source: str
    too_early_reason: str
    no_due_reason: str
    no_due_source: str
    extension_note: str
    extension_source: str


class DueRules(DataModel):
    after: str
    before: str = ""  # words just before the date that name it the due date ("到期日是2026年4月13号")
    moved: str
    moved_with_consent: str


class ActRules(DataModel):
    sued_debtor: str
    demanded: str
    negated: str
    guarantor_words: str
    intent: str


class Reasons(DataModel):
    open_general: str
    open_joint: str
    sued_in_time: str
    demanded_in_time: str
    lapsed_general: str
    lapsed_joint: str
    still_running: str
    unsure: str


class GuaranteeRules(DataModel):
    source: str
    tag: Tag
    present: Cues
    joint: Cues
    joint_source: str
    joint_reason: str
    general_words: Cues
    general_source: str
    general_reason: str
    default_source: str
    default_reason: str
    general_note: str
    person_is_guarantor: Cues
    guarantor_note: str
    word_surnames: str
    name_frames: list[str]
    period: PeriodRules
    due: DueRules
    acts: ActRules
    reasons: Reasons


@functools.cache
def load_guarantee_rules(path: Path = DATA_DIR / "guarantee.yaml") -> GuaranteeRules:
    return load_model(GuaranteeRules, path)


@dataclass(frozen=True, slots=True)
class GuaranteeResult:
    kind: Kind
    kind_basis: str
    guarantor: str | None
    due_date: date | None
    period_end: date | None
    period_basis: str
    claim_open: bool | None
    claim_basis: str
    notes: list[str] = field(default_factory=list)
    source: str = ""


_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]")


def _clauses(text: str) -> list[tuple[int, str]]:
    out = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(s, c) for s, c in out if c.strip()]


def _latest(mention: DateMention) -> date:
    """The last day the words can mean ("七月份" → 31 July): the cautious end for "done within the period"."""
    return mention.last


def _guarantor_name(text: str, rules: GuaranteeRules) -> str | None:
    words = load_party_words()  # the surnames the party reader knows (the frames below make each a name)
    name = f"(?P<name>[{words.surnames}{words.risky_surnames}{rules.word_surnames}][一-龥]{{1,2}}?)"
    found: list[tuple[int, str]] = []
    for frame in rules.name_frames:
        m = compiled(frame.replace("{name}", name)).search(text)
        if m:
            found.append((m.start("name"), m.group("name")))
    return min(found)[1] if found else None


def _kind(text: str, rules: GuaranteeRules) -> tuple[Kind, str, str]:
    if rules.joint.hits(text):
        return "连带责任保证", rules.joint_reason, rules.joint_source
    if rules.general_words.hits(text):
        return "一般保证", rules.general_reason, rules.general_source
    return "一般保证", rules.default_reason, rules.default_source


def _due_date(
    text: str, mentions: list[DateMention], rules: GuaranteeRules
) -> tuple[DateMention | None, DateMention | None]:
    """(the main debt's original due date, the later date agreed to replace it, if any)."""
    due = None
    moved: DateMention | None = None
    for m in mentions:
        before = text[max(0, m.start - 8) : m.start]
        if compiled(rules.period.agreed_until_before).search(before):
            continue
        if compiled(rules.due.moved).search(before):
            moved = m
            continue
        named = bool(rules.due.before) and bool(compiled(rules.due.before).search(before))
        if due is None and (named or compiled(rules.due.after).search(text[m.end : m.end + 12])):
            due = m
    return due, moved


def _agreed_until(text: str, mentions: list[DateMention], rules: GuaranteeRules) -> DateMention | None:
    for m in mentions:
        if compiled(rules.period.agreed_until_before).search(text[max(0, m.start - 8) : m.start]):
            return m
    return None


def _span_months(text: str, rules: GuaranteeRules) -> int | None:
    m = compiled(rules.period.agreed_span).search(text)
    if m is None:
        return None
    raw = m.group("n")
    if raw == "半":
        value = 0.5
    else:
        number = parse_number(raw)
        if number is None:
            return None
        value = float(number)
    months = value * 12 if m.group("unit") == "年" else value
    return int(months) if months >= 1 and months == int(months) else None


def _refers_to_guarantor(clause: str, name: str | None, rules: GuaranteeRules) -> bool:
    return bool(compiled(rules.acts.guarantor_words).search(clause)) or bool(name and name in clause)


def _acted(
    text: str, today: date, *, pattern: str, about_guarantor: bool, name: str | None, rules: GuaranteeRules
) -> tuple[bool, list[DateMention]]:
    """Whether the creditor did the act (sued the debtor / demanded from the guarantor), and its dates."""
    did = False
    dates: list[DateMention] = []
    for _start, clause in _clauses(text):
        if not compiled(pattern).search(clause) or compiled(rules.acts.negated).search(clause):
            continue
        if compiled(rules.acts.intent).search(clause):
            continue
        if _refers_to_guarantor(clause, name, rules) != about_guarantor:
            continue
        did = True
        for mention in find_dates(clause, today):
            if mention.value <= today:
                dates.append(mention)
    return did, dates


def _period(text: str, mentions: list[DateMention], due: date, rules: GuaranteeRules) -> tuple[date, str]:
    """The last day of the guarantee period and how it was found (民法典第六百九十二条)."""
    p = rules.period
    period_end = add_months(due, p.default_months)
    basis = f"没有约定保证期间，保证期间为借款到期日{cn_date(due)}起六个月（{p.default_source}）"
    until = _agreed_until(text, mentions, rules)
    span = _span_months(text, rules)
    if until is not None:
        end = _latest(until)
        if end <= due:
            basis = f"{p.too_early_reason}（民法典第六百九十二条第二款）"
        else:
            period_end, basis = end, f"约定保证期间到{cn_date(end)}（民法典第六百九十二条第二款）"
    elif span is not None:
        period_end = add_months(due, span)
        basis = f"约定保证期间为到期后{span}个月（民法典第六百九十二条第二款）"
    elif compiled(p.unclear).search(text):
        basis = f"约定“保证到还清为止”属于约定不明确，保证期间为借款到期后六个月（{p.unclear_source}）"
    return period_end, basis + f"，至{cn_date(period_end)}止。"


def _claim(
    text: str, today: date, kind: Kind, *, name: str | None, period_end: date, rules: GuaranteeRules
) -> tuple[bool | None, str]:
    """Whether the claim against the guarantor is still open, and why (民法典第六百九十三条)."""
    r = rules.reasons
    if kind == "一般保证":
        did, dates = _acted(text, today, pattern=rules.acts.sued_debtor, about_guarantor=False, name=name, rules=rules)
        in_time, lapsed, duty = r.sued_in_time, r.lapsed_general, r.open_general
    else:
        did, dates = _acted(text, today, pattern=rules.acts.demanded, about_guarantor=True, name=name, rules=rules)
        in_time, lapsed, duty = r.demanded_in_time, r.lapsed_joint, r.open_joint
    if did and dates and _latest(dates[0]) <= period_end:
        return True, in_time
    if today <= period_end:
        return True, f"{r.still_running}{duty}"
    if did and dates and dates[0].value > period_end:
        return False, lapsed
    if did:
        return None, f"{r.unsure}{duty}"
    return False, lapsed


def assess_guarantee(
    text: str, today: date, rules: GuaranteeRules, due_fact: str | None = None
) -> GuaranteeResult | None:
    """The guarantee in ``text``, or None when the story has no guarantor. ``due_fact``: the due date already read
    from the story (ISO), used when the guarantee reader finds none of its own."""
    text = (text or "").strip()
    if not rules.present.hits(text):
        return None
    kind, kind_reason, kind_source = _kind(text, rules)
    name = _guarantor_name(text, rules)
    mentions = list(find_dates(text, today))
    due_m, moved_to = _due_date(text, mentions, rules)
    moved = moved_to is not None
    consented = moved and bool(compiled(rules.due.moved_with_consent).search(text))
    if consented and moved_to is not None:
        # the guarantor agreed in writing: the period runs from the new day (民法典第六百九十五条第二款)
        due_m = moved_to
    due = due_m.value if due_m else None
    if due is None and due_fact:
        try:
            due = date.fromisoformat(due_fact)
        except ValueError:
            due = None
    notes: list[str] = []
    if rules.person_is_guarantor.hits(text):
        notes.append(rules.guarantor_note)
    if kind == "一般保证":
        notes.append(rules.general_note)
    if moved and not consented:
        notes.append(f"{rules.period.extension_note}（{rules.period.extension_source}）")

    period_end: date | None = None
    claim_open: bool | None = True
    if due is None:
        p = rules.period
        period_basis = f"{p.no_due_reason}（{p.no_due_source}）"
        claim_basis = rules.reasons.open_general if kind == "一般保证" else rules.reasons.open_joint
    else:
        period_end, period_basis = _period(text, mentions, due, rules)
        claim_open, basis = _claim(text, today, kind, name=name, period_end=period_end, rules=rules)
        claim_basis = f"{basis}（民法典第六百九十三条）"
    return GuaranteeResult(
        kind=kind,
        kind_basis=f"{kind_reason}（{kind_source}）",
        guarantor=name,
        due_date=due,
        period_end=period_end,
        period_basis=period_basis,
        claim_open=claim_open,
        claim_basis=claim_basis,
        notes=notes,
        source=rules.source,
    )


__all__ = ["GuaranteeResult", "GuaranteeRules", "Kind", "add_months", "assess_guarantee", "load_guarantee_rules"]
