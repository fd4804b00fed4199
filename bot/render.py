"""The chat's replies for an assessment (``knowledge.assessment``): a few short plain-Chinese parts, each fit for
a phone screen.

``render_assessment(assessment) -> list[str]`` returns, in order:

1. the cause and similar judgments (only those the searcher returned) with their outcome distribution;
2. limitation and evidence gaps;
3. fee, small claims and jurisdiction;
4. the risk-notice items that apply;
5. the three routes with the mediation sentence (free, voluntary, never a condition of filing).

Templates live in ``prompts/assessment_*.txt`` (``prompts.load``). Every part stays under
:data:`MAX_PART_CHARS` characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import prompts
from retrieval.text import OUTCOME_NAMES

if TYPE_CHECKING:
    from knowledge.assessment import Assessment

MAX_PART_CHARS = 600
_CIRCLED = "①②③④⑤"


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


def _cause_part(a: Assessment) -> str:
    note = ""
    if a.cause.unsure and a.cause.alternatives:
        note = "（不太确定，也可能是：" + "、".join(a.cause.alternatives[:3]) + "）"
    if a.similar_cases:
        lines = []
        for i, case in enumerate(a.similar_cases[:3]):
            ref = " ".join(x for x in (case.case_number, case.court, f"{case.year}年" if case.year else None) if x)
            ref = ref or f"案例（编号{case.id}）"
            outcome = f"裁判结果：{case.outcome_label}" if case.outcome_label else "语料未收录裁判结果"
            gist = case.summary.strip()
            gist = gist if len(gist) <= 45 else gist[:45] + "…"
            lines.append(f"{_CIRCLED[i]} {ref}：{gist}（{outcome}）。{case.why}")
        total = sum(a.outcome_distribution.values())
        if total:
            dist = "、".join(
                f"{OUTCOME_NAMES.get(k, k)}{v}份"
                for k, v in sorted(a.outcome_distribution.items(), key=lambda kv: -kv[1])
            )
            similar = prompts.load("assessment_similar", lines="\n".join(lines), total=total, distribution=dist)
        else:
            similar = (
                "【类似案例】和您情况相近的判决：\n" + "\n".join(lines) + "\n（案例仅供参考，每个案件以法院审理为准）"
            )
    else:
        similar = f"【类似案例】{a.similar_note}"
    return _fit(
        prompts.load(
            "assessment_cause", cause=a.cause.name, summary=a.cause.summary, confidence_note=note, similar=similar
        )
    )


def _limitation_text(a: Assessment) -> str:
    basis = a.limitation.basis.split("开始的当天不计入")[0].rstrip("，。 ")
    lim = a.limitation
    if lim.status == "in_time" and lim.deadline:
        head = f"按您说的情况，期限到{lim.deadline.year}年{lim.deadline.month}月{lim.deadline.day}日，目前未超过。"
    elif lim.status == "in_time":
        head = "这类请求目前没有诉讼时效问题。"
    elif lim.status == "expired":
        head = (
            "按现有信息可能已超过期限。但法院不会主动审查时效，要对方提出（民法典第193条）；"
            "如有催款记录、对方认账等能证明时效中断的证据，请保存好。"
        )
    else:
        head = "还不能判断时效，需要知道关键日期。"
    tip = ""
    if lim.status != "in_time" or lim.deadline:
        tip = "催要、对方认账、申请人民调解、报警等会让时效重新计算。"
    return f"{head}{tip}（{basis}）"


def _evidence_text(a: Assessment) -> str:
    held = "、".join(a.evidence.held) if a.evidence.held else "暂未提到"
    if a.evidence.gaps:
        return f"您已有：{held}。还缺关键证据：{'；'.join(a.evidence.gaps)}。"
    if a.cause.name == "其他":
        return f"您已有：{held}。"
    return f"您已有：{held}。关键证据比较齐全，请保留原件。"


def _limitation_part(a: Assessment) -> str:
    return _fit(prompts.load("assessment_limitation", limitation=_limitation_text(a), evidence=_evidence_text(a)))


def _fee_text(a: Assessment) -> str:
    fee = a.fee
    if fee.acceptance_fee_yuan is not None:
        text = f"预计案件受理费约{_money(fee.acceptance_fee_yuan)}元"
        if fee.halved_yuan is not None:
            text += f"，适用简易程序或调解结案减半为{_money(fee.halved_yuan)}元"
        text += f"（{fee.source}）。"
    elif fee.range_yuan:
        low, high = _money(fee.range_yuan[0]), _money(fee.range_yuan[1])
        text = f"按规定在{low}–{high}元之间，河南的具体标准待法院确认（{fee.source}）。"
    else:
        text = fee.basis
    extra = [n for n in fee.notes if "不预交" in n or "免交" in n or "缓交" in n]
    if extra:
        text += extra[0]
    if fee.preservation_fee_yuan is not None:
        text += f"如申请财产保全，保全费约{_money(fee.preservation_fee_yuan)}元。"
    return text


def _small_claims_text(a: Assessment) -> str:
    sc = a.small_claims
    limit = _money(sc.threshold_yuan)
    if sc.mode == "mandatory":
        return f"金额不超过{limit}元，应当适用小额诉讼，一审终审、审理快。（河南2022年标准，待法院确认）"
    if sc.mode == "by_agreement":
        top = _money(sc.agreement_max_yuan)
        return f"金额超过{limit}元但不超过{top}元，双方同意可以适用小额诉讼。（河南2022年标准，待法院确认）"
    if sc.mode == "unknown":
        return f"金额不超过{limit}元的适用小额诉讼，需要知道金额才能判断。"
    return sc.basis.split("（河南省")[0].rstrip("，。") + "。"


def _jurisdiction_text(a: Assessment) -> str:
    j = a.jurisdiction
    if j.arbitration_first:
        return j.basis
    if j.competent is True:
        return j.basis
    if j.competent is False:
        return f"本院可能没有管辖权，应向{j.court}起诉。{j.basis}"
    return j.basis


def _fee_part(a: Assessment) -> str:
    return _fit(
        prompts.load(
            "assessment_fee", fee=_fee_text(a), small_claims=_small_claims_text(a), jurisdiction=_jurisdiction_text(a)
        )
    )


def _risks_part(a: Assessment) -> str:
    header = prompts.load("assessment_risks", items="")
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
    return _fit(prompts.load("assessment_risks", items="\n".join(lines)))


def _routes_part(a: Assessment) -> str:
    m = a.mediation
    if m.route == "labour_mediation_or_arbitration":
        mediation = "劳动争议可以先找劳动争议调解组织调解，或直接申请劳动仲裁（不收费）"
    elif m.suitable:
        mediation = "您的纠纷适合调解，由人民调解委员会免费调解，达成协议可申请司法确认"
    else:
        mediation = "根据您的情况不一定适合先调解：" + m.reasons[-1].rstrip("。")
    note = m.note
    if a.jurisdiction.arbitration_first:
        note += "劳动争议须先经劳动仲裁，对仲裁裁决不服的再起诉。"
    if a.route == "hotline":
        note += "您的问题建议先由工作人员了解，推荐选择3。"
    return _fit(prompts.load("assessment_routes", mediation=mediation + "；", note=note))


def render_assessment(assessment: Assessment) -> list[str]:
    """The assessment as a few short plain-Chinese parts (see the module docstring)."""
    parts = [_cause_part(assessment), _limitation_part(assessment), _fee_part(assessment)]
    if assessment.risks:
        parts.append(_risks_part(assessment))
    parts.append(_routes_part(assessment))
    return parts
