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
_PROVINCE_SOURCE = "（河南省"
_FEE_RELIEF_WORDS = ("不预交", "免交", "缓交")


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


def _case_line(i: int, case: SimilarCaseOut) -> str:
    year = f"{case.year}年" if case.year else None
    ref = " ".join(x for x in (case.case_number, case.court, year) if x)
    ref = ref or say("assessment_case_unnumbered", id=case.id)
    if case.outcome_label:
        outcome = say("assessment_case_outcome", outcome=case.outcome_label)
    else:
        outcome = say("assessment_case_no_outcome")
    gist = case.summary.strip()
    gist = gist if len(gist) <= 45 else gist[:45] + "…"
    return say("assessment_case", mark=_CIRCLED[i], ref=ref, gist=gist, outcome=outcome, why=case.why)


def _similar_text(a: Assessment) -> str:
    if not a.similar_cases:
        return say("assessment_similar_none", note=a.similar_note)
    lines = "\n".join(_case_line(i, case) for i, case in enumerate(a.similar_cases[:3]))
    total = sum(a.outcome_distribution.values())
    if not total:
        return say("assessment_similar_no_distribution", lines=lines)
    dist = "、".join(
        f"{OUTCOME_NAMES.get(k, k)}{v}份" for k, v in sorted(a.outcome_distribution.items(), key=lambda kv: -kv[1])
    )
    return say("assessment_similar", lines=lines, total=total, distribution=dist)


def _cause_part(a: Assessment) -> str:
    note = ""
    if a.cause.unsure and a.cause.alternatives:
        note = say("assessment_cause_unsure", alternatives="、".join(a.cause.alternatives[:3]))
    cause = a.cause
    return _fit(
        say("assessment_cause", cause=cause.name, summary=cause.summary, confidence_note=note, similar=_similar_text(a))
    )


def _limitation_head(a: Assessment) -> str:
    lim = a.limitation
    if lim.status == "in_time" and lim.deadline:
        deadline = lim.deadline
        return say("assessment_limitation_in_time", year=deadline.year, month=deadline.month, day=deadline.day)
    if lim.status == "in_time":
        return say("assessment_limitation_no_period")
    if lim.status == "expired":
        return say("assessment_limitation_expired")
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
    restart = say("assessment_limitation_restart") if lim.status != "in_time" or lim.deadline else ""
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
    if fee.preservation_fee_yuan is not None:
        text += say("assessment_fee_preservation", fee=_money(fee.preservation_fee_yuan))
    return text


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
        return say("assessment_jurisdiction_elsewhere", court=j.court, basis=j.basis)
    return j.basis


def _fee_part(a: Assessment) -> str:
    return _fit(
        say("assessment_fee", fee=_fee_text(a), small_claims=_small_claims_text(a), jurisdiction=_jurisdiction_text(a))
    )


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
    parts = [_cause_part(assessment), _limitation_part(assessment), _fee_part(assessment)]
    if assessment.risks:
        parts.append(_risks_part(assessment))
    parts.append(_routes_part(assessment))
    return parts
