"""The chat's replies for an assessment (``knowledge.assessment``): a few short plain-Chinese parts, each fit for
a phone screen.

``render_assessment(assessment) -> list[str]`` returns, in order:

1. the cause and similar judgments (only those the searcher returned) with their outcome distribution;
2. limitation and evidence gaps;
3. fee, small claims and jurisdiction;
4. the risk-notice items that apply;
5. the three routes with the mediation sentence (free, voluntary, never a condition of filing).

Every sentence is a template in ``prompts/assessment_*.txt`` (``prompts.load``): a part's frame
(``assessment_cause``, ``assessment_limitation``, ``assessment_fee``, ``assessment_risks``, ``assessment_routes``)
and each alternative sentence inside it (``assessment_limitation_expired``, ``assessment_fee_range`` …); this
module only chooses them and fills in the figures. Every part stays under :data:`MAX_PART_CHARS` characters.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from knowledge.causes import OTHER
from prompts import load as say
from retrieval.text import OUTCOME_NAMES

if TYPE_CHECKING:
    from knowledge.assessment import Assessment, SimilarCaseOut

MAX_PART_CHARS = 600
_CIRCLED = "①②③④⑤"
# Patterns matched in knowledge's own texts, never sent: where the limitation basis starts its day-counting rules
# (knowledge/data/limitation.yaml, counting.note), which the chat leaves out; where the small-claims basis cites
# the province's table; the fee notes on relief (不预交 / 免交 / 缓交) worth telling the person.
_COUNTING_RULES = "开始的当天不计入"
# The routing note that warns of violence in the family (knowledge/data/routing.yaml): the one note a suit shows.
_VIOLENCE = "家庭暴力"
_PROVINCE_SOURCE = "（河南省"
_FEE_RELIEF_WORDS = ("不预交", "免交", "缓交")
# The fee figure at the end of the preservation basis's computing clause (the chat states it once itself).
_PRESERVATION_FEE_TAIL = re.compile(r"，保全申请费约[^，]*$")
# Limitation rules whose period no demand or acknowledgement restarts.
_NO_RESTART = {"labour_award_15d", "no_limitation", "wages_during_employment"}
# The article a guarantee's claim basis cites, in its last full-width parentheses.
_ARTICLE = re.compile(r"（([^（）]*第[^（）]*条[^（）]*)）")


def _fit(text: str, limit: int = MAX_PART_CHARS) -> str:
    """Cut at a line or sentence end so the part stays under ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("\n", "。", "；"):
        pos = cut.rfind(sep)
        if pos > limit // 2:
            return cut[: pos + 1].rstrip() + "…"
    return cut + "…"


def _money(value: float) -> str:
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


_ITEM_MARK = re.compile(
    r"^(?:诉讼请求|请求)?[:：]?\s*(?:[0-9一二三四五六七八九十]+[、.．)）]\s*)?(?:请求|要求)?(?:人民法院|法院)?(?:依法)?"
)


def _asked(claims: str | None) -> str:
    """What was asked, without the item number and the formula ("1、请求依法判令…" → "判令…")."""
    return _ITEM_MARK.sub("", (claims or "").strip(), count=1)


def _clip(text: str | None, n: int) -> str:
    text = (text or "").strip().rstrip("。；;，,")
    return text if len(text) <= n else text[:n] + "…"


def _case_line(i: int, case: SimilarCaseOut) -> str:
    """One similar judgment as a person reads one: where and when, what was asked, what the court decided and the
    reason that decided it, the article applied — never a raw id."""
    year = f"{case.year}年" if case.year else None
    where = case.region or case.court
    ref = "".join(x for x in (where, year, case.doc_type) if x) or say("assessment_case_unnumbered")
    if case.case_number:
        ref = f"{case.case_number} {ref}"
    asked = _clip(_asked(case.claims), 40) or _clip(case.summary, 45)
    if case.outcome_label:
        money = ""
        if case.claimed_yuan and case.granted_yuan is not None:
            money = say("assessment_case_money", claimed=_money(case.claimed_yuan), granted=_money(case.granted_yuan))
        decided = say("assessment_case_outcome", outcome=case.outcome_label, money=money)
    else:
        decided = say("assessment_case_no_outcome")
    reason = say("assessment_case_reason", reason=_clip(case.reason, 50)) if case.reason else ""
    laws = say("assessment_case_laws", laws="、".join(case.laws[:2])) if case.laws else ""
    return say("assessment_case", mark=_CIRCLED[i], ref=ref, asked=asked, decided=decided, reason=reason, laws=laws)


def _similar_text(a: Assessment) -> str:
    if not a.similar_cases:
        return say("assessment_similar_none", note=a.similar_note)
    lines = "\n".join(_case_line(i, case) for i, case in enumerate(a.similar_cases[:3]))
    total = sum(a.outcome_distribution.values())
    cause = a.cause.name
    if not total:
        return say("assessment_similar_no_distribution", cause=cause, lines=lines, note=a.similar_note)
    dist = "、".join(
        f"{OUTCOME_NAMES.get(k, k)}{v}" for k, v in sorted(a.outcome_distribution.items(), key=lambda kv: -kv[1])
    )
    return say("assessment_similar", cause=cause, lines=lines, total=total, distribution=dist, note=a.similar_note)


def _cause_part(a: Assessment) -> str:
    note = ""
    if a.cause.unsure and a.cause.alternatives:
        note = say("assessment_cause_unsure", alternatives="、".join(a.cause.alternatives[:3]))
    if a.cause.scope != "civil" and a.cause.scope_reason:
        note += say("assessment_cause_scope", reason=a.cause.scope_reason)
    cause = a.cause
    return _fit(
        say("assessment_cause", cause=cause.name, summary=cause.summary, confidence_note=note, similar=_similar_text(a))
    )


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _routed(a: Assessment) -> bool:
    """The assessment routes the matter away from a new civil suit here (its limitation is the route's period)."""
    return a.routing.route != "civil_suit" and a.limitation.rule.startswith("routing:")


def _limitation_head(a: Assessment) -> str:
    lim = a.limitation
    if lim.status == "not_applicable":
        return say("assessment_limitation_routed") if _routed(a) else say("assessment_limitation_no_period")
    if lim.status == "in_time" and lim.deadline:
        deadline = lim.deadline
        return say("assessment_limitation_in_time", year=deadline.year, month=deadline.month, day=deadline.day)
    if lim.status == "in_time" and lim.deadline_range:
        rng = lim.deadline_range
        return say("assessment_limitation_in_time_range", low=_day(rng.first), high=_day(rng.last))
    if lim.status == "in_time":
        return say("assessment_limitation_no_period")
    if lim.status == "expired":
        return say("assessment_limitation_expired")
    if lim.deadline_range:
        rng = lim.deadline_range
        return say("assessment_limitation_range_unknown", low=_day(rng.first), high=_day(rng.last))
    return say("assessment_limitation_unknown")


def _evidence_text(a: Assessment) -> str:
    held = "、".join(a.evidence.held) if a.evidence.held else say("assessment_evidence_none_held")
    if a.evidence.gaps:
        return say("assessment_evidence_gaps", held=held, gaps="；".join(a.evidence.gaps))
    if a.cause.name == OTHER:
        return say("assessment_evidence_held", held=held)
    return say("assessment_evidence_complete", held=held)


def _limitation_part(a: Assessment) -> str:
    lim = a.limitation
    restarts = lim.status != "not_applicable" and lim.rule_tag not in _NO_RESTART
    restart = say("assessment_limitation_restart") if restarts and (lim.status != "in_time" or lim.deadline) else ""
    if _routed(a):  # the basis repeats the routing reason shown first
        return _fit(
            say(
                "assessment_limitation",
                limitation=_limitation_head(a),
                restart="",
                basis="",
                evidence=_evidence_text(a),
            ).replace("（）", "")
        )
    basis = lim.basis.split(_COUNTING_RULES)[0].rstrip("，。 ")
    return _fit(
        say(
            "assessment_limitation",
            limitation=_limitation_head(a),
            restart=restart,
            basis=basis,
            evidence=_evidence_text(a),
        )
    )


def _fee_text(a: Assessment) -> str:
    fee = a.fee
    if fee.acceptance_fee_yuan is not None:
        halved = say("assessment_fee_halved", halved=_money(fee.halved_yuan)) if fee.halved_yuan is not None else ""
        text = say("assessment_fee_acceptance", fee=_money(fee.acceptance_fee_yuan), halved=halved, source=fee.source)
    elif fee.range_yuan:
        low, high = _money(fee.range_yuan[0]), _money(fee.range_yuan[1])
        text = say("assessment_fee_range", low=low, high=high, source=fee.source)
    else:
        text = fee.basis
    extra = [n for n in fee.notes if any(word in n for word in _FEE_RELIEF_WORDS)]
    if extra:
        text += extra[0]
    if fee.preservation_fee_yuan is not None and not a.preservation.first:
        text += say("assessment_fee_preservation", fee=_money(fee.preservation_fee_yuan))
    return text


def _preservation_text(a: Assessment) -> str:
    """Assets being moved now: preservation first, with its fee (a property or an act preservation's)."""
    kept, basis = a.fee.preservation_fee_yuan, a.fee.preservation_basis
    figure = f"{_money(kept)}元" if kept is not None else ""
    sentence = next((x for x in (basis or "").split("。") if figure and figure in x), "")
    how = _PRESERVATION_FEE_TAIL.sub("", sentence.split("：")[0])
    fee = say("assessment_preservation_fee", fee=_money(kept), basis=how) if kept is not None else ""
    return say("assessment_preservation_first", reason=a.preservation.reason, fee=fee)


def _small_claims_text(a: Assessment) -> str:
    sc = a.small_claims
    limit = _money(sc.threshold_yuan)
    if sc.mode == "mandatory":
        return say("assessment_small_claims_mandatory", limit=limit)
    if sc.mode == "by_agreement":
        return say("assessment_small_claims_by_agreement", limit=limit, top=_money(sc.agreement_max_yuan))
    if sc.mode == "unknown":
        return say("assessment_small_claims_unknown", limit=limit)
    return sc.basis.split(_PROVINCE_SOURCE)[0].rstrip("，。") + "。"


def _jurisdiction_text(a: Assessment) -> str:
    j = a.jurisdiction
    if j.competent is False and not j.arbitration_first:
        if j.court:
            return say("assessment_jurisdiction_elsewhere", court=j.court, basis=j.basis)
        if j.place:
            return say("assessment_jurisdiction_place", place=j.place, basis=j.basis)
    return j.basis


def _fee_part(a: Assessment) -> str:
    if _routed(a):  # no civil fee, small claims or court of a suit: what the route costs, and where, if it says
        j = a.jurisdiction
        where = "" if j.basis == a.routing.reason else say("assessment_jurisdiction_line", jurisdiction=j.basis)
        return _fit(say("assessment_fee_routed", fee=a.fee.basis, jurisdiction=where))
    text = say(
        "assessment_fee", fee=_fee_text(a), small_claims=_small_claims_text(a), jurisdiction=_jurisdiction_text(a)
    )
    if a.preservation.first:
        text = _preservation_text(a) + "\n" + text
    return _fit(text)


def _violence(a: Assessment) -> bool:
    return a.routing.route == "protection_order" or a.routing.domestic_violence


def _routing_part(a: Assessment) -> str | None:
    """What to do first when the matter is not a civil suit here (the route's reason, its deadline and notes), or
    when the routing adds a warning to a suit (violence in the family); None otherwise."""
    r = a.routing
    if r.route == "civil_suit" and not _violence(a):
        return None
    reason = "" if r.route == "civil_suit" else r.reason
    deadline = ""
    if r.period and r.deadline_from:
        last = ""
        if r.deadline is not None and r.deadline_passed:
            last = say("assessment_routing_passed", year=r.deadline.year, month=r.deadline.month, day=r.deadline.day)
        elif r.deadline is not None and r.days_left is not None:
            d = r.deadline
            last = say("assessment_routing_days_left", year=d.year, month=d.month, day=d.day, days=r.days_left)
        deadline = say("assessment_routing_deadline", period=r.period, start=r.deadline_from, last=last)
    shown = r.notes if r.route != "civil_suit" else [n for n in r.notes if _VIOLENCE in n]
    notes = "".join(say("assessment_routing_note", note=n) for n in shown)
    return _fit(say("assessment_routing", reason=reason, deadline=deadline, notes=notes).replace("】\n· ", "】"))


def _guarantee_line(a: Assessment) -> str | None:
    g = a.guarantee
    if g is None:
        return None
    if g.period_end is not None:
        end = g.period_end
        period = say("assessment_guarantee_period", year=end.year, month=end.month, day=end.day)
    else:
        period = say("assessment_guarantee_no_period")
    states = {True: "assessment_guarantee_open", False: "assessment_guarantee_closed"}
    state = states[g.claim_open] if g.claim_open is not None else "assessment_guarantee_unknown"
    claim = say(state, basis=g.claim_basis)
    return say("assessment_guarantee", who=g.guarantor or "", kind=g.kind, period=period, claim=claim)


def _parties_part(a: Assessment) -> str | None:
    """Who else to sue and why, who not to sue, and the guarantor's position, in short lines; None if nothing."""
    lines: list[str] = []
    guarantee = _guarantee_line(a)
    if guarantee:
        lines.append(guarantee)
    p = a.parties
    if p is not None:
        lines += [
            say("assessment_parties_suggested", name=s.name, why=s.why.rstrip("。"), source=s.source)
            for s in p.suggested_defendants
        ]
        lines += [say("assessment_parties_not", name=n.name, why=n.why) for n in p.not_defendants]
    if not lines:
        return None
    return _fit(say("assessment_parties", lines="\n".join(lines)))


def _risks_part(a: Assessment) -> str:
    header = say("assessment_risks", items="")
    budget = MAX_PART_CHARS - len(header) - 2
    lines: list[str] = []
    for i, risk in enumerate(a.risks, 1):
        line = f"{i}. {risk}"
        if sum(len(x) + 1 for x in lines) + len(line) > budget:
            title = risk.split("：")[0]
            line = f"{i}. {title}"
            if sum(len(x) + 1 for x in lines) + len(line) > budget:
                break
        lines.append(line)
    return _fit(say("assessment_risks", items="\n".join(lines)))


def _routes_part(a: Assessment) -> str:
    m = a.mediation
    if _violence(a) and a.routing.route in ("civil_suit", "protection_order"):
        return say("assessment_routes_violence")
    if _routed(a):
        filing = say("assessment_routes_routed_filing") if a.routing.civil_claim_also else ""
        mediation = say("assessment_routes_routed_mediation") if m.suitable else ""
        choices = "、".join(x for x, on in (("1", bool(mediation)), ("2", bool(filing)), ("3", True)) if on)
        return _fit(say("assessment_routes_routed", filing=filing, mediation=mediation, choices=choices))
    if m.route == "labour_mediation_or_arbitration":
        mediation = say("assessment_mediation_labour")
    elif m.suitable:
        mediation = say("assessment_mediation_suitable")
    else:
        mediation = say("assessment_mediation_unsuitable", reason=m.reasons[-1].rstrip("。"))
    note = m.note
    if a.jurisdiction.arbitration_first:
        note += say("assessment_arbitration_first")
    if a.route == "hotline":
        note += say("assessment_hotline_advised")
    return _fit(say("assessment_routes", mediation=mediation, note=note))


def render_assessment(assessment: Assessment) -> list[str]:
    """The assessment as a few short plain-Chinese parts (see the module docstring)."""
    lead = _routing_part(assessment)
    parts = [_cause_part(assessment), _limitation_part(assessment), _fee_part(assessment)]
    if lead is not None and assessment.routing.route == "labour_arbitration_first":
        parts[1] = lead + "\n" + parts[1]  # arbitration first, then the arbitration's own one-year period
    elif lead is not None:  # the route (or the person's safety) comes before anything about a suit
        parts.insert(0, lead)
    extra = _parties_part(assessment)
    if extra is not None and len(parts[-1]) + len(extra) < MAX_PART_CHARS:  # with the fee and the court
        parts[-1] += "\n" + extra
    elif extra is not None:
        parts.append(extra)
    if assessment.risks:
        parts.append(_risks_part(assessment))
    parts.append(_routes_part(assessment))
    return parts
