"""Routing: is this a civil suit in this court at all, and if not, where does it go (knowledge/data/routing.yaml).

The routing stage runs before the civil-suit parts of the assessment. :func:`route_matter` reads the story (and
the facts already extracted) and returns one :class:`RoutingResult`:

- ``route`` — ``civil_suit``; ``police`` (telecom/online fraud by strangers, illegal fund-raising);
  ``admin_reconsideration_or_suit`` (a fine, penalty or decision of an agency: 行政复议 within 60 days or 行政诉讼
  within 6 months); ``arbitration`` (an arbitration clause); ``labour_arbitration_first``; ``appeal``,
  ``retrial``, ``enforcement`` (a decision the person already has); ``protection_order`` (domestic violence);
  ``payment_order`` (督促程序, when the person asks for it and it fits);
- the period that governs the next step (``deadline_days`` when counted in days, ``period`` in words,
  ``deadline_from``; ``deadline`` and ``days_left`` when the start date is in the story);
- ``civil_claim_also`` — whether a civil claim against an identified person can be noted beside a non-civil route;
- the reason in plain words, its articles, a note on what costs apply instead of a civil fee, and — for the
  procedures that name a court (appeal, enforcement, payment order) — which court that is;
- ``matters`` — what the story shows about the parties that other parts read (``domestic_violence``,
  ``whereabouts_unknown``, ``identity_unknown``).

Pure: text and facts in, result out. Dates are read with :func:`knowledge.dates.find_dates`.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.court import Court
from knowledge.cues import any_hit, check_patterns, compiled, cue_hits
from knowledge.dates import DateMention, find_dates

Route = Literal[
    "civil_suit",
    "police",
    "admin_reconsideration_or_suit",
    "arbitration",
    "labour_arbitration_first",
    "appeal",
    "enforcement",
    "retrial",
    "protection_order",
    "payment_order",
]


class Cues(DataModel):
    """Hits when one ``any`` pattern is found and no ``unless`` pattern is."""

    any: list[str]
    unless: list[str] = Field(default_factory=list)

    @field_validator("any", "unless")
    @classmethod
    def _compile(cls, patterns: list[str]) -> list[str]:
        return check_patterns(patterns)

    def hits(self, text: str) -> bool:
        return cue_hits(self.any, self.unless, text)

    def first(self, text: str) -> re.Match[str] | None:
        if any_hit(self.unless, text):
            return None
        found = [m for p in self.any if (m := compiled(p).search(text))]
        return min(found, key=lambda m: m.start()) if found else None


class DomesticViolence(DataModel):
    violence: Cues
    household: Cues
    outsider: Cues
    imminent: Cues
    asks_protection: Cues
    other_claim: Cues
    reason: str
    claim_note: str
    source: str
    tag: Tag
    fee_note: str
    fee_source: str
    fee_tag: Tag


class Appeal(DataModel):
    judgment_days: int
    ruling_days: int
    from_judgment: str
    from_ruling: str
    reason_judgment: str
    reason_ruling: str
    where: str
    passed: str
    counting: str
    fee_note: str
    fee_source: str
    source: str
    tag: Tag


class FeeBand(DataModel):
    up_to: int | None
    rate: Decimal


class Enforcement(DataModel):
    years: int
    deadline_from: str
    reason: str
    where: str
    late: str
    fee_flat_up_to: int
    fee_flat: int
    fee_bands: list[FeeBand]
    fee_note: str
    fee_source: str
    source: str
    tag: Tag


class Retrial(DataModel):
    months: int
    deadline_from: str
    reason: str
    where_higher: str
    where_both: str
    divorce_note: str
    mediation_reason: str
    mediation_deadline_from: str
    mediation_source: str
    fee_note: str
    fee_source: str
    source: str
    tag: Tag


class Decisions(DataModel):
    judgment: Cues
    ruling: Cues
    mediation_document: Cues
    confirmed_mediation: Cues
    arbitral_award: Cues
    arbitral_mediation: Cues
    notarised: Cues
    notarised_where: str
    notarised_source: str
    award_enforcement_where: str
    award_enforcement_source: str
    forged_evidence: Cues
    payment_order_issued: Cues
    refused_divorce: Cues
    contest: Cues
    effective: Cues
    sue_again: Cues
    unperformed: Cues
    enforcement_tried: Cues
    performed: Cues
    another_debt: Cues
    new_evidence: Cues
    receipt_words: str
    appealable_ruling: Cues
    court_mention: str
    property_words: str
    appeal: Appeal
    enforcement: Enforcement
    retrial: Retrial
    organisation: Cues
    citizens: Cues
    refused_divorce_reason: str
    refused_divorce_source: str
    refused_divorce_tag: Tag


class PaymentOrder(DataModel):
    asks: Cues
    written_debt: Cues
    due: Cues
    dispute: Cues
    reason: str
    hint: str
    unreachable_reason: str
    dispute_reason: str
    preserved: Cues
    preserved_reason: str
    preserved_source: str
    abroad: Cues
    abroad_reason: str
    abroad_source: str
    objected: Cues
    objected_reason: str
    objected_source: str
    labour_note: str
    where: str
    fee_fraction: str
    fee_note: str
    source: str
    tag: Tag

    @property
    def fraction(self) -> Decimal:
        num, _, den = self.fee_fraction.partition("/")
        return Decimal(num) / Decimal(den or "1")


class Parties(DataModel):
    unreachable: Cues
    identity_unknown: Cues


class Fraud(DataModel):
    scheme: Cues
    favour_scheme: Cues
    favour_reason: str
    fraud_words: Cues
    money_sent: Cues
    stranger: Cues
    known_person: Cues
    identified: Cues
    reason: str
    civil_note: str
    known_note: str
    hit_and_run: Cues
    hit_and_run_reason: str
    hit_and_run_source: str
    source: str
    tag: Tag


class Fundraising(DataModel):
    promise: Cues
    public: Cues
    vehicle: Cues
    reason: str
    source: str
    tag: Tag


class AdminAct(DataModel):
    name: str
    any: list[str]
    deadline_from: str


class Admin(DataModel):
    agency: Cues
    not_acts: Cues
    acts: list[AdminAct]
    contest: Cues
    on_the_spot: Cues
    reconsideration_days: int
    suit_months: int
    reason: str
    first_reason: str
    fee_note: str
    fee_source: str
    source: str
    tag: Tag


class ArbitrationClause(DataModel):
    clause: Cues
    either_court: Cues
    reason: str
    invalid_reason: str
    fee_note: str
    source: str
    invalid_source: str
    tag: Tag


class Labour(DataModel):
    award_received: Cues
    receipt_words: str
    award_days: int
    award_from: str
    reason: str
    award_reason: str
    iou_reason: str
    source: str
    award_source: str
    iou_source: str
    retired: Cues
    work: Cues
    retired_reason: str
    retired_source: str
    refused: Cues
    refused_reason: str
    refused_source: str
    relation: Cues
    tag: Tag


class CivilSuit(DataModel):
    reason: str
    source: str
    tag: Tag


class RoutingRules(DataModel):
    domestic_violence: DomesticViolence
    decisions: Decisions
    payment_order: PaymentOrder
    parties: Parties
    fraud: Fraud
    fundraising: Fundraising
    admin: Admin
    arbitration_clause: ArbitrationClause
    labour: Labour
    civil_suit: CivilSuit


@functools.cache
def load_routing_rules(path: Path = DATA_DIR / "routing.yaml") -> RoutingRules:
    return load_model(RoutingRules, path)


@dataclass(frozen=True, slots=True)
class CourtFinding:
    """Which court a procedure goes to (appeal, enforcement, payment order), in place of the suit's jurisdiction."""

    competent: bool | None
    court: str | None
    basis: str
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RoutingResult:
    route: Route
    reason: str
    basis: str
    civil_claim_also: bool = False
    deadline_days: int | None = None
    deadline_from: str | None = None
    period: str | None = None
    deadline: date | None = None
    days_left: int | None = None
    deadline_passed: bool | None = None
    notes: list[str] = field(default_factory=list)
    fee_note: str | None = None
    fee_source: str | None = None
    court: CourtFinding | None = None
    matters: frozenset[str] = frozenset()

    @property
    def is_civil_suit(self) -> bool:
        return self.route == "civil_suit"


# --------------------------------------------------------------------------------------------------------------
_CLAUSE_BREAK = re.compile(r"[，,。.；;！!？?\n]")


def _clause_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_BREAK.search(text, end)
    return text[left : right_m.start() if right_m else len(text)]


def _date_near(text: str, today: date, words: str) -> DateMention | None:
    """The first date in a clause that also has one of ``words`` ("判决书是8天前收到的")."""
    for mention in find_dates(text, today):
        if mention.value > today:
            continue
        if compiled(words).search(_clause_around(text, mention.start, mention.end)):
            return mention
    return None


def cn_date(day: date) -> str:
    """2026年9月10日: a date as the litigant writes it."""
    return f"{day.year}年{day.month}月{day.day}日"


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``: the same day of the month, or the month's last day (民法典第二百零二条)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _days_result(start: date | None, days: int, today: date) -> tuple[date | None, int | None, bool | None]:
    """Last day of ``days`` counted from the day after ``start`` (民事诉讼法第八十五条)."""
    if start is None:
        return None, None, None
    last = start + timedelta(days=days)
    return last, (last - today).days, today > last


def _days_near(text: str, today: date, words: str, days: int) -> tuple[date | None, int | None, bool | None]:
    """:func:`_days_result` counted from the date the story names next to one of ``words`` (a receipt, a notice)."""
    known = _date_near(text, today, words)
    if known is None or known.last <= known.value:
        return _days_result(known.value if known else None, days, today)
    # a day known only as a span ("17号到19号中间哪天收到的"): the earliest end is the safe deadline; when today lies
    # between the two possible last days, whether it has passed cannot be said
    early, late = _days_result(known.value, days, today), _days_result(known.last, days, today)
    if late[2]:
        return late
    if not early[2]:
        return early
    return None, None, None


def _counted(
    route: Route,
    reason: str,
    basis: str,
    *,
    days: int,
    deadline_from: str,
    counted: tuple[date | None, int | None, bool | None],
    period: str | None = None,
    **more: Any,
) -> RoutingResult:
    """A result with a deadline of ``days`` (period ``{days}日`` unless given); ``counted`` from :func:`_days_near`."""
    last, left, passed = counted
    return RoutingResult(
        route=route,
        reason=reason,
        basis=basis,
        deadline_days=days,
        deadline_from=deadline_from,
        period=period or f"{days}日",
        deadline=last,
        days_left=left,
        deadline_passed=passed,
        **more,
    )


def enforcement_fee(amount: Decimal, rules: Enforcement) -> Decimal:
    """申请执行费 for an amount (诉讼费用交纳办法第十四条第（一）项第2目)."""
    fee = Decimal(rules.fee_flat)
    lower = Decimal(rules.fee_flat_up_to)
    for band in rules.fee_bands:
        if amount <= lower:
            break
        upper = Decimal(band.up_to) if band.up_to is not None else amount
        part = min(amount, upper) - lower
        if part > 0:
            fee += part * band.rate
        lower = upper
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------------------------
def _matters(text: str, rules: RoutingRules, facts: Mapping[str, Any]) -> set[str]:
    found = set()
    if rules.parties.unreachable.hits(text) or facts.get("whereabouts_unknown") is True:
        found.add("whereabouts_unknown")
    if rules.parties.identity_unknown.hits(text):
        found.add("identity_unknown")
    dv = rules.domestic_violence
    if dv.violence.hits(text) and dv.household.hits(text) and not dv.outsider.hits(text):
        found.add("domestic_violence")
    return found


def _domestic_violence(text: str, rules: RoutingRules, matters: set[str]) -> RoutingResult | None:
    dv = rules.domestic_violence
    if "domestic_violence" not in matters:
        return None
    claim = dv.other_claim.hits(text)
    if not (dv.imminent.hits(text) or dv.asks_protection.hits(text) or not claim):
        return None  # a divorce (or other claim) story with violence in the past: a suit, with the DV notes
    return RoutingResult(
        route="protection_order",
        reason=dv.reason,
        basis=dv.source,
        civil_claim_also=claim,
        period="72小时（紧急的24小时）",
        notes=[dv.claim_note] if claim else [],
        fee_note=dv.fee_note,
        fee_source=dv.fee_source,
        matters=frozenset(matters),
    )


def _court_named(text: str, court: Court, rules: Decisions) -> tuple[str | None, bool]:
    """(the court named as having decided, whether it is this court)."""
    for m in compiled(rules.court_mention).finditer(text):
        found = court.locate(m.group("place"))
        if found.kind == "local":
            return court.name, True
        if found.kind == "neighbour" and found.court:
            return found.court, False
    return None, False


def _property_here(text: str, court: Court, rules: Decisions) -> bool:
    for clause in _CLAUSE_BREAK.split(text):
        if compiled(rules.property_words).search(clause) and court.locate(clause).kind == "local":
            return True
    return False


def _decisions(
    text: str, today: date, court: Court, rules: RoutingRules, *, has_guarantor: bool, matters: set[str]
) -> RoutingResult | None:
    d = rules.decisions
    frozen = frozenset(matters)
    if d.refused_divorce.hits(text):  # a judgment refusing a divorce: a new suit after six months, not a retrial
        return RoutingResult(
            route="civil_suit", reason=d.refused_divorce_reason, basis=d.refused_divorce_source, matters=frozen
        )
    judgment = d.judgment.hits(text)
    ruling = d.ruling.hits(text)
    mediation_doc = d.mediation_document.hits(text) or d.confirmed_mediation.hits(text)
    order_issued = d.payment_order_issued.hits(text)
    if not (judgment or ruling or mediation_doc or order_issued):
        return _award(text, today, rules, matters=frozenset(matters))
    if has_guarantor and d.enforcement_tried.hits(text):
        return None  # the debtor's judgment could not be enforced: the question is the guarantor, a suit of its own
    if d.performed.hits(text) and d.another_debt.hits(text):
        return None  # the old decision was performed; the story is about another debt, a new suit of its own
    contest = d.contest.hits(text)
    effective = d.effective.hits(text) or mediation_doc or order_issued
    decided_by, here = _court_named(text, court, d)

    if (judgment or ruling) and not effective and (contest or _date_near(text, today, d.receipt_words)):
        return _appeal(
            text, today, court, rules, ruling=ruling and not judgment, decided_by=decided_by, here=here, matters=frozen
        )
    new_evidence = effective and (d.new_evidence.hits(text) or d.forged_evidence.hits(text))
    if d.sue_again.hits(text) or new_evidence or (contest and effective and not d.unperformed.hits(text)):
        r = d.retrial
        by_mediation = bool(mediation_doc) and not (judgment or ruling)
        return RoutingResult(
            route="retrial",
            reason=r.mediation_reason if by_mediation else r.reason,
            basis=r.mediation_source if by_mediation else r.source,
            period=f"{r.months}个月",
            deadline_from=r.mediation_deadline_from if by_mediation else r.deadline_from,
            notes=[r.divorce_note] if "离婚" in text else [],
            fee_note=r.fee_note,
            fee_source=r.fee_source,
            court=_retrial_court(text, court, d, decided_by=decided_by, here=here),
            matters=frozen,
        )
    if d.unperformed.hits(text) or order_issued:
        return _enforcement(text, today, court, rules, decided_by=decided_by, here=here, matters=frozen)
    return None


def _retrial_court(
    text: str, court: Court, rules: Decisions, *, decided_by: str | None, here: bool
) -> CourtFinding | None:
    """Where a retrial is applied for: the court above the one that decided; when both parties are citizens, the
    court that decided too (民事诉讼法第二百一十条)."""
    r = rules.retrial
    both_citizens = rules.citizens.hits(text) or not rules.organisation.hits(text)
    higher = court.appeal_court if (here or decided_by) else None
    if higher is None:
        return None
    first = court.name if here else decided_by
    if both_citizens and first:
        why = f"{r.where_both}即{first}或者{higher}（民事诉讼法第二百一十条）"
        return CourtFinding(here, first, why)
    return CourtFinding(False, higher, f"{r.where_higher}即{higher}（民事诉讼法第二百一十条）")


def _award(text: str, today: date, rules: RoutingRules, *, matters: frozenset[str]) -> RoutingResult | None:
    """An arbitral award, an arbitration commission's mediation statement or a notarised enforceable debt not
    performed: enforced, not sued again (民事诉讼法第二百四十八条、第二百四十九条; 劳动争议调解仲裁法第四十二条、
    第五十一条). A labour award can still be sued within 15 days, so it is enforced here only when the story says
    it is in force (劳动争议调解仲裁法第五十一条); a signed mediation statement is in force (第四十二条第三款)."""
    d = rules.decisions
    notarised = d.notarised.hits(text)
    in_force = notarised or d.arbitral_mediation.hits(text)
    if not (in_force or d.arbitral_award.hits(text)) or not d.unperformed.hits(text) or d.contest.hits(text):
        return None
    if not in_force and rules.labour.relation.hits(text) and not d.effective.hits(text):
        return None
    result = _enforcement(text, today, None, rules, decided_by=None, here=False, matters=matters)
    where, source = d.award_enforcement_where, d.award_enforcement_source
    if notarised:
        where, source = d.notarised_where, d.notarised_source
    finding = CourtFinding(None, None, f"{where}（{source}）", ["defendant_place"])
    return replace(result, basis=source, notes=[where, *result.notes[1:]], court=finding)


def _appeal(
    text: str,
    today: date,
    court: Court,
    rules: RoutingRules,
    *,
    ruling: bool,
    decided_by: str | None,
    here: bool,
    matters: frozenset[str],
) -> RoutingResult:
    a = rules.decisions.appeal
    days = a.ruling_days if ruling else a.judgment_days
    counted = last, left, passed = _days_near(text, today, rules.decisions.receipt_words, days)
    reason = a.reason_ruling if ruling else a.reason_judgment
    notes = [a.where, a.counting]
    if passed:
        reason = a.passed
    elif last is not None:
        reason += f"按您说的收到日期，上诉期到{cn_date(last)}，还剩{left}天。"
    if ruling and not rules.decisions.appealable_ruling.hits(text):
        notes.insert(0, a.reason_ruling)
    finding = None
    appeal_court = court.appeal_court if here or decided_by else None
    if appeal_court:
        via = court.name if here else decided_by
        finding = CourtFinding(
            competent=False,
            court=appeal_court,
            basis=f"上诉由{appeal_court}审理，上诉状通过原审法院{via}提出（{a.source}）。",
        )
    return _counted(
        "appeal",
        reason,
        a.source,
        days=days,
        deadline_from=a.from_ruling if ruling else a.from_judgment,
        counted=counted,
        notes=notes,
        fee_note=a.fee_note,
        fee_source=a.fee_source,
        court=finding,
        matters=matters,
    )


_DUE_NEAR = re.compile(r"到期|届满|期限|最后一期|之前|以前|前(?:还|给|付)|底")


def _enforcement(
    text: str,
    today: date,
    court: Court | None,
    rules: RoutingRules,
    *,
    decided_by: str | None,
    here: bool,
    matters: frozenset[str],
) -> RoutingResult:
    e = rules.decisions.enforcement
    end: date | None = None
    for mention in find_dates(text, today):
        clause = _clause_around(text, mention.start, mention.end)
        if _DUE_NEAR.search(clause) and not compiled(rules.decisions.receipt_words).search(clause):
            end = _end_of_period(mention)
    deadline = add_months(end, 12 * e.years) if end else None
    reason = e.reason
    passed = None
    if deadline is not None:
        passed = today > deadline
        reason += f"按您说的履行期限，申请执行期间到{cn_date(deadline)}。"
    old = [m for m in find_dates(text, today) if (today - m.value).days > 365 * e.years]
    notes = [e.where]
    if passed or (deadline is None and old):
        notes.append(e.late)
    property_here = court is not None and _property_here(text, court, rules.decisions)
    if court is None:
        finding = CourtFinding(None, None, f"{e.where}（{e.source}）", ["decided_by"])
    elif here or property_here:
        why = "作出生效法律文书的第一审法院是本院" if here else f"被执行的财产在{court.district}"
        finding = CourtFinding(True, court.name, f"{why}，可以向本院申请执行（{e.source}）。")
    elif decided_by:
        finding = CourtFinding(
            False, decided_by, f"由作出生效法律文书的{decided_by}或者被执行财产所在地的同级法院执行（{e.source}）。"
        )
    else:
        finding = CourtFinding(None, None, f"{e.where}（{e.source}）", ["decided_by"])
    return RoutingResult(
        route="enforcement",
        reason=reason,
        basis=e.source,
        period=f"{e.years}年",
        deadline_from=e.deadline_from,
        deadline=deadline,
        days_left=(deadline - today).days if deadline else None,
        deadline_passed=passed,
        notes=notes,
        fee_note=e.fee_note,
        fee_source=e.fee_source,
        court=finding,
        matters=matters,
    )


def _end_of_period(mention: DateMention) -> date:
    """A date said to the month ("10月底" is a day, "10月" a span) read as its last day: the latest it can end."""
    return mention.last


def _payment_order(text: str, rules: RoutingRules, matters: set[str], *, labour: bool) -> RoutingResult | None:
    """A person who asks for a payment order gets one when it fits (which court: the jurisdiction rules)."""
    p = rules.payment_order
    if not p.asks.hits(text):
        return None
    frozen = frozenset(matters)
    if p.objected.hits(text):  # the debtor objected: the order lapsed, a suit follows (民事诉讼法第二百二十八条)
        return RoutingResult(route="civil_suit", reason=p.objected_reason, basis=p.objected_source, matters=frozen)
    if "whereabouts_unknown" in matters:
        return RoutingResult(route="civil_suit", reason=p.unreachable_reason, basis=p.source, matters=frozen)
    if p.abroad.hits(text):  # the debtor is outside China: no payment order (民诉解释第四百二十七条第一款第（四）项)
        return RoutingResult(route="civil_suit", reason=p.abroad_reason, basis=p.abroad_source, matters=frozen)
    if p.dispute.hits(text):
        return RoutingResult(route="civil_suit", reason=p.dispute_reason, basis=p.source, matters=frozen)
    if p.preserved.hits(text):  # pre-suit preservation applied for: no payment order (民诉解释第四百二十七条第（七）项)
        return RoutingResult(route="civil_suit", reason=p.preserved_reason, basis=p.preserved_source, matters=frozen)
    return RoutingResult(
        route="payment_order",
        reason=p.reason,
        basis=p.source,
        period="15日",
        notes=[p.labour_note] if labour else [],
        fee_note=p.fee_note,
        fee_source=p.source,
        matters=frozen,
    )


def payment_order_fits(text: str, rules: RoutingRules, matters: set[str] | frozenset[str]) -> bool:
    """Whether a settled, written, due money debt with no dispute is in the story (a payment order would fit)."""
    p = rules.payment_order
    return (
        p.written_debt.hits(text)
        and p.due.hits(text)
        and not p.dispute.hits(text)
        and "whereabouts_unknown" not in matters
        and "identity_unknown" not in matters
    )


def _police(text: str, rules: RoutingRules, matters: set[str]) -> RoutingResult | None:
    f = rules.fraud
    frozen = frozenset(matters)
    scheme = f.scheme.hits(text)
    favour = f.favour_scheme.hits(text)
    stranger = f.stranger.hits(text) and not f.known_person.hits(text)
    vanished = {"identity_unknown", "whereabouts_unknown"} <= matters and f.money_sent.hits(text)
    if scheme or favour or (stranger and (f.fraud_words.hits(text) or vanished)):
        identified = f.identified.hits(text)
        return RoutingResult(
            route="police",
            reason=f.favour_reason if favour and not scheme else f.reason,
            basis=f.source,
            civil_claim_also=identified,
            notes=[f.civil_note] if identified else [],
            fee_note="报警不收费；这不是向法院起诉，不交诉讼费。",
            matters=frozen | {"identity_unknown"} if not identified else frozen,
        )
    if "identity_unknown" in matters and f.hit_and_run.hits(text) and not f.identified.hits(text):
        return RoutingResult(  # a vehicle that drove off unknown: the traffic police first, the claim after
            route="police",
            reason=f.hit_and_run_reason,
            basis=f.hit_and_run_source,
            civil_claim_also=True,
            fee_note="报案不收费；查明肇事者后起诉的，按请求金额交纳诉讼费。",
            matters=frozen,
        )
    g = rules.fundraising
    if g.promise.hits(text) and g.public.hits(text) and g.vehicle.hits(text):
        return RoutingResult(
            route="police",
            reason=g.reason,
            basis=g.source,
            fee_note="报案不收费；这不是向法院起诉，不交诉讼费。",
            matters=frozen,
        )
    return None


def _admin(text: str, today: date, rules: RoutingRules, matters: set[str]) -> RoutingResult | None:
    a = rules.admin
    if not a.agency.hits(text) or a.not_acts.hits(text) or not a.contest.hits(text):
        return None
    act = next((act for act in a.acts if any(compiled(p).search(text) for p in act.any)), None)
    if act is None:
        return None
    notice = r"送|收到|拿到|下了|发了|开了|作出|通知|知道"
    counted = last, _, _ = _days_near(text, today, notice, a.reconsideration_days)
    reason = a.reason
    notes = []
    if a.on_the_spot.hits(text) and act.name == "行政处罚":
        reason = a.first_reason + reason
    if last is not None:
        notes.append(f"按您说的日期，申请行政复议的期限到{cn_date(last)}。")
    return _counted(
        "admin_reconsideration_or_suit",
        reason,
        a.source,
        days=a.reconsideration_days,
        deadline_from=act.deadline_from,
        counted=counted,
        period=f"{a.reconsideration_days}日（行政复议）；{a.suit_months}个月（行政诉讼）",
        notes=notes,
        fee_note=a.fee_note,
        fee_source=a.fee_source,
        matters=frozenset(matters),
    )


def _arbitration_clause(text: str, rules: RoutingRules, matters: set[str]) -> RoutingResult | None:
    c = rules.arbitration_clause
    if not c.clause.hits(text):
        return None
    if c.either_court.hits(text):
        return RoutingResult(
            route="civil_suit", reason=c.invalid_reason, basis=c.invalid_source, matters=frozenset(matters)
        )
    return RoutingResult(
        route="arbitration", reason=c.reason, basis=c.source, fee_note=c.fee_note, matters=frozenset(matters)
    )


def _labour(
    text: str, today: date, rules: RoutingRules, matters: set[str], *, arbitration_first: bool
) -> RoutingResult:
    lab = rules.labour
    frozen = frozenset(matters)
    if lab.award_received.hits(text):
        counted = last, left, passed = _days_near(text, today, lab.receipt_words, lab.award_days)
        reason = lab.award_reason
        if last is not None and not passed:
            reason += f"按您说的收到日期，起诉期限到{cn_date(last)}，还剩{left}天。"
        return _counted(
            "civil_suit",
            reason,
            lab.award_source,
            days=lab.award_days,
            deadline_from=lab.award_from,
            counted=counted,
            matters=frozen,
        )
    if lab.retired.hits(text):  # a pensioner's work is a 劳务 relation: a civil suit (劳动争议解释（一）第三十二条)
        return RoutingResult(route="civil_suit", reason=lab.retired_reason, basis=lab.retired_source, matters=frozen)
    if lab.refused.hits(text):  # the commission refused the case: the court hears it (劳动争议调解仲裁法第二十九条)
        return RoutingResult(route="civil_suit", reason=lab.refused_reason, basis=lab.refused_source, matters=frozen)
    if arbitration_first:
        return RoutingResult(route="labour_arbitration_first", reason=lab.reason, basis=lab.source, matters=frozen)
    return RoutingResult(route="civil_suit", reason=lab.iou_reason, basis=lab.iou_source, matters=frozen)


def route_matter(
    text: str,
    facts: Mapping[str, Any],
    today: date,
    court: Court,
    rules: RoutingRules,
    *,
    labour: bool = False,
    arbitration_first: bool = False,
    has_guarantor: bool = False,
) -> RoutingResult:
    """Where this matter goes. ``labour``: the cause is a labour dispute (arbitration before suing);
    ``arbitration_first``: no exception to that applies (no wage IOU, no award yet); ``has_guarantor``: the
    story has a guarantor (a failed enforcement against the debtor then leads to a suit against the guarantor)."""
    text = (text or "").strip()
    matters = _matters(text, rules, facts)
    result = (
        _domestic_violence(text, rules, matters)
        or _decisions(text, today, court, rules, has_guarantor=has_guarantor, matters=matters)
        or _payment_order(text, rules, matters, labour=labour)
        or _police(text, rules, matters)
        or _admin(text, today, rules, matters)
    )
    if result is None and labour and not rules.labour.relation.hits(text):
        result = _arbitration_clause(text, rules, matters)  # a sale's clause: no employment told, the clause decides
    lab = rules.labour
    if result is None and not labour and lab.retired.hits(text) and (lab.relation.hits(text) or lab.work.hits(text)):
        # a pensioner's pay read as another contract (物业, 保洁): the same answer, with its reason
        result = RoutingResult(
            route="civil_suit", reason=lab.retired_reason, basis=lab.retired_source, matters=frozenset(matters)
        )
    if result is None and labour:  # a labour dispute's arbitration is the labour commission's, not a clause's
        result = _labour(text, today, rules, matters, arbitration_first=arbitration_first)
    if result is None:
        result = _arbitration_clause(text, rules, matters)
    if result is None:
        c = rules.civil_suit
        notes = []
        if rules.fraud.fraud_words.hits(text) and rules.fraud.known_person.hits(text):
            notes.append(rules.fraud.known_note)
        result = RoutingResult(
            route="civil_suit", reason=c.reason, basis=c.source, notes=notes, matters=frozenset(matters)
        )
    if result.route == "civil_suit" and "domestic_violence" in matters:
        dv = rules.domestic_violence
        result = _with_note(result, dv.reason)
    if result.route == "civil_suit" and payment_order_fits(text, rules, result.matters):
        result = _with_note(result, rules.payment_order.hint)
    return result


def _with_note(result: RoutingResult, note: str) -> RoutingResult:
    return replace(result, notes=[*result.notes, note])


__all__ = [
    "CourtFinding",
    "Cues",
    "Route",
    "RoutingResult",
    "RoutingRules",
    "add_months",
    "cn_date",
    "enforcement_fee",
    "load_routing_rules",
    "payment_order_fits",
    "route_matter",
]
