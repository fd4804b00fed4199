"""The assessment a record holds, as a clerk reads it on the record page: in Chinese, never a raw key.

A hand-off stores the assessment the person was shown (``knowledge.assessment.Assessment`` as JSON). This module
turns it into what ``record.html`` shows under "当事人看到的类案与评估":

- :func:`similar_cases` — each similar judgment with its case number, court, year, outcome, score, why it was
  found similar and a short gist, and the retrieval trace (semantic and keyword ranks, the fused score) when one
  was stored with it;
- :func:`assessment_rows` — each part under its label (案由 with the recognition's confidence, 程序去向, 尚缺事实,
  诉讼费, 诉讼时效, 小额诉讼, 管辖, 证据, 调解, 财产保全, 保证, 被告, 类似案例, 风险提示, 建议去向, 核实标记 — the
  assessment's notes for staff with their verification tags —, 评估日期), coded values in words and fact names by
  their labels in ``knowledge/data/slots.yaml``.

The collected facts are the page's own section (``web.pages.fact_rows``), not repeated here. Each part is read with
its knowledge model; a part missing, or of another shape (a record written by an older version), is left out
rather than shown as raw JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from knowledge.assessment import (
    CauseOut,
    DayRangeOut,
    EvidenceOut,
    FeeOut,
    GuaranteeOut,
    JurisdictionOut,
    LimitationOut,
    MediationOut,
    PartiesOut,
    PreservationOut,
    RoutingOut,
    SimilarCaseOut,
    SmallClaimsOut,
)
from knowledge.intake import SlotTables
from retrieval.text import OUTCOME_NAMES

LIMITATION_STATUS = {
    "in_time": "未超过",
    "expired": "可能已超过（法院不主动审查，需对方提出）",
    "unknown": "无法判断",
    "not_applicable": "不适用诉讼时效",
}
SMALL_CLAIMS_MODE = {
    "mandatory": "应当适用",
    "by_agreement": "双方约定可以适用",
    "not_eligible": "不适用",
    "unknown": "待定（请求金额未知）",
}
MEDIATION_ROUTE = {
    "people_mediation": "人民调解",
    "court_mediation_in_suit": "诉讼中由法院调解",
    "labour_mediation_or_arbitration": "劳动争议调解或劳动仲裁",
    "hotline": "先由12368热线了解",
}
ROUTE = {
    "filing": "网上立案",
    "arbitration": "先申请劳动仲裁",
    "hotline": "12368热线",
    "elsewhere": "先找法院以外的机关（报警、行政复议）或先保护人身安全",
}
PROCEDURE = {
    "civil_suit": "民事起诉",
    "police": "报警",
    "admin_reconsideration_or_suit": "行政复议或行政诉讼",
    "arbitration": "仲裁",
    "labour_arbitration_first": "先申请劳动仲裁",
    "appeal": "上诉",
    "enforcement": "申请执行",
    "retrial": "申请再审",
    "protection_order": "申请人身安全保护令",
    "payment_order": "申请支付令",
}
DEFENDANT_KIND = {"person": "自然人", "company": "单位"}


@dataclass(frozen=True)
class Row:
    """One part of the assessment: its label and its lines."""

    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CaseView:
    """One similar judgment as the person saw it."""

    title: str
    details: tuple[tuple[str, str], ...]
    trace: str | None = None


_M = TypeVar("_M", bound=BaseModel)


def _part(model: type[_M], raw: Any) -> _M | None:
    if not isinstance(raw, Mapping):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _part_row(model: type[_M], raw: Any, render: Callable[[_M], Row]) -> Row | None:
    """``raw`` read as ``model`` and rendered, or None where it is not one."""
    part = _part(model, raw)
    return render(part) if part else None


def _money(value: float) -> str:
    return f"{value:,.2f}".removesuffix(".00") + "元"


def _date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _day(value: date | DayRangeOut) -> str:
    """A day, or the days it lies between (a date the story gave only to its month or year)."""
    if isinstance(value, DayRangeOut):
        return f"{_date(value.first)}至{_date(value.last)}之间"
    return _date(value)


def _labels(names: list[str], tables: SlotTables) -> str:
    return "、".join(tables.label(name) or name for name in names)


def _outcome(case: Mapping[str, Any]) -> str | None:
    label = case.get("outcome_label")
    if isinstance(label, str) and label:
        return label
    code = case.get("outcome")
    if not isinstance(code, str) or not code:
        return None
    return OUTCOME_NAMES.get(code) or (code if not code.isascii() else None)


_TRACE_PARTS = (("dense_rank", "dense_score", "语义检索"), ("bm25_rank", "bm25_score", "关键词检索"))


def _trace(entry: Any) -> str | None:
    """A stored retrieval trace entry (``retrieval.types.TraceEntry`` as JSON) in words."""
    if not isinstance(entry, Mapping):
        return None
    parts = []
    for rank_key, score_key, name in _TRACE_PARTS:
        rank, score = entry.get(rank_key), entry.get(score_key)
        if isinstance(rank, int):
            parts.append(f"{name}第{rank}名" + (f"（{score:.3f}）" if isinstance(score, int | float) else ""))
        else:
            parts.append(f"{name}未命中")
    fused = entry.get("fused_score")
    if isinstance(fused, int | float):
        parts.append(f"融合得分 {fused:.4f}")
    return "；".join(parts)


def similar_cases(assessment: Mapping[str, Any] | None) -> list[CaseView]:
    """The similar judgments the person was shown, with the retrieval trace where one was stored (a case's own
    ``trace``, or the assessment's ``trace`` list by case id)."""
    raw = (assessment or {}).get("similar_cases")
    if not isinstance(raw, list):
        return []
    traces = (assessment or {}).get("trace")
    by_id = {t.get("id"): t for t in traces if isinstance(t, Mapping)} if isinstance(traces, list) else {}
    out = []
    for case in raw:
        if not isinstance(case, Mapping):
            continue
        known = _part(SimilarCaseOut, case)
        court, year = case.get("court"), case.get("year")
        where = case.get("region") or court
        when = f"{year}年" if isinstance(year, int) else None
        named = "".join(str(x) for x in (where, when, case.get("doc_type")) if x)
        title = case.get("case_number") or named or case.get("title") or f"案例（编号{case.get('id') or '未知'}）"
        details: list[tuple[str, str]] = []
        if case.get("cause"):
            details.append(("案由", str(case["cause"])))
        if court:
            details.append(("法院", str(court)))
        if isinstance(year, int):
            details.append(("年份", f"{year}年"))
        outcome = _outcome(case)
        details.append(("裁判结果", outcome or "语料未收录"))
        if known is not None:
            if known.claimed_yuan is not None or known.granted_yuan is not None:
                asked = "未读出" if known.claimed_yuan is None else f"{known.claimed_yuan:,}元"
                got = "未读出" if known.granted_yuan is None else f"{known.granted_yuan:,}元"
                details.append(("请求/判给", f"{asked} / {got}"))
            for label, value in (("请求", known.claims), ("判决", known.decision), ("理由", known.reason)):
                if value:
                    details.append((label, value))
            if known.laws:
                details.append(("依据", "、".join(known.laws)))
            details.append(("相似度得分", f"{known.score:.4f}"))
            if known.why:
                details.append(("相似之处", known.why))
            if known.summary.strip() and not known.claims:
                details.append(("案情摘要", known.summary.strip()))
        out.append(CaseView(str(title), tuple(details), _trace(case.get("trace") or by_id.get(case.get("id")))))
    return out


def _cause(cause: CauseOut) -> Row:
    note = f"识别置信度 {cause.confidence:.0%}" + ("，当事人已确认" if cause.confirmed else "")
    lines = [f"{cause.name}（{note}）"]
    if cause.unsure and cause.alternatives:
        lines.append("识别不太确定，其他可能：" + "、".join(cause.alternatives))
    return Row("案由", tuple(lines))


def _fee(fee: FeeOut) -> Row:
    lines = []
    if fee.acceptance_fee_yuan is not None:
        halved = f"（减半后{_money(fee.halved_yuan)}）" if fee.halved_yuan is not None else ""
        lines.append(f"案件受理费 {_money(fee.acceptance_fee_yuan)}{halved}")
    elif fee.range_yuan:
        lines.append(f"案件受理费 {_money(fee.range_yuan[0])}–{_money(fee.range_yuan[1])}")
    if fee.preservation_fee_yuan is not None:
        lines.append(f"财产保全申请费 {_money(fee.preservation_fee_yuan)}")
    if fee.preservation_basis:
        lines.append(f"保全费依据：{fee.preservation_basis}")
    lines.append(f"计算依据：{fee.basis}")
    lines.append(f"法律依据：{fee.source}")
    lines += fee.notes
    return Row("诉讼费", tuple(lines))


def _limitation(lim: LimitationOut) -> Row:
    lines = [LIMITATION_STATUS.get(lim.status, "无法判断")]
    if lim.start:
        lines.append(f"起算日：{_day(lim.start)}")
    if lim.deadline:
        lines.append(f"届满日：{_date(lim.deadline)}")
    elif lim.deadline_range:
        lines.append(f"届满日：{_day(lim.deadline_range)}")
    if lim.interrupted_on:
        lines.append(f"最后一次重新起算：{_date(lim.interrupted_on)}")
    if lim.revived_on:
        lines.append(f"届满后对方同意还款：{_date(lim.revived_on)}（民法典第一百九十二条）")
    lines += [f"故事中影响时效的事：{_day(e.on)}，{e.what}" for e in lim.events]
    lines.append(lim.basis)
    if lim.interrupted_by:
        lines.append("可使时效重新计算：" + "；".join(lim.interrupted_by))
    return Row("诉讼时效", tuple(lines))


def _small_claims(sc: SmallClaimsOut) -> Row:
    limits = f"标准：{_money(sc.threshold_yuan)}以下应当适用，{_money(sc.agreement_max_yuan)}以下双方约定可以适用"
    return Row("小额诉讼", (SMALL_CLAIMS_MODE.get(sc.mode, "待定"), limits, sc.basis))


def _jurisdiction(j: JurisdictionOut, tables: SlotTables) -> Row:
    if j.arbitration_first:
        head = "须先申请劳动仲裁"
    elif j.competent is None:
        head = "待定（信息不足）"
    else:
        head = "本院管辖" if j.competent else "本院可能没有管辖权"
    lines = [head]
    if j.court:
        lines.append(f"管辖法院：{j.court}")
    if j.courts and j.courts != [j.court]:
        lines.append("可以选择的法院：" + "、".join(j.courts))
    if j.place:
        lines.append(f"有管辖权的地方：{j.place}")
    if j.missing:
        lines.append("判断管辖还需：" + _labels(j.missing, tables))
    lines.append(j.basis)
    return Row("管辖", tuple(lines))


def _evidence(ev: EvidenceOut) -> Row:
    lines = ["已有：" + ("、".join(ev.held) if ev.held else "未提到")]
    if ev.gaps:
        lines.append("缺关键证据：" + "；".join(ev.gaps))
    if ev.optional_missing:
        lines.append("缺辅助证据：" + "；".join(ev.optional_missing))
    return Row("证据", tuple(lines))


def _mediation(m: MediationOut) -> Row:
    head = "适合调解" if m.suitable else "不一定适合先调解"
    route = MEDIATION_ROUTE.get(m.route)
    return Row("调解", (head, *([f"途径：{route}"] if route else []), *m.reasons, m.note))


def _routing(r: RoutingOut) -> Row:
    lines = [PROCEDURE.get(r.route, "民事起诉"), r.reason]
    if r.period:
        lines.append(f"期限：{r.period}" + (f"（自{r.deadline_from}起算）" if r.deadline_from else ""))
    if r.deadline:
        left = ""
        if r.days_left is not None:
            left = f"（已过{-r.days_left}天）" if r.days_left < 0 else f"（还剩{r.days_left}天）"
        lines.append(f"期限最后一日：{_date(r.deadline)}{left}")
    if r.civil_claim_also:
        lines.append("此外还可以对明确的对方提出民事请求")
    lines.append(f"依据：{r.basis}")
    lines += r.notes
    return Row("程序去向", tuple(lines))


def _preservation(p: PreservationOut) -> Row:
    return Row("财产保全", ("应当先申请财产保全" if p.first else "无需先申请财产保全", p.reason, f"依据：{p.basis}"))


def _guarantee(g: GuaranteeOut) -> Row:
    lines = [g.kind + (f"，保证人：{g.guarantor}" if g.guarantor else ""), g.kind_basis]
    lines.append(f"保证期间至：{_date(g.period_end)}" if g.period_end else "保证期间尚未起算（主债务未约定还款日期）")
    lines.append(g.period_basis)
    open_ = {True: "现在仍可以要求保证人承担责任", False: "已不能要求保证人承担责任"}
    lines.append(open_[g.claim_open] if g.claim_open is not None else "能否要求保证人承担责任：待定")
    lines.append(g.claim_basis)
    lines += g.notes
    return Row("保证", tuple(lines))


def _parties(p: PartiesOut) -> Row:
    kind = DEFENDANT_KIND.get(p.defendant_kind or "")
    if p.defendants:
        lines = ["可列被告：" + "、".join(p.defendants) + (f"（{kind}）" if kind else "")]
    else:
        lines = ["可列被告：未能确定（需当事人提供真实姓名或名称）"]
    if p.defendant_address:
        lines.append(f"被告住所地：{p.defendant_address}")
    lines += [f"不列为被告：{n.name}（{n.why}）" for n in p.not_defendants]
    lines += [f"建议一并起诉：{n.name}（{n.why}；{n.source}）" for n in p.suggested_defendants]
    if p.note:
        lines.append(p.note)
    return Row("被告", tuple(lines))


def _similar(assessment: Mapping[str, Any]) -> Row | None:
    lines = []
    dist = assessment.get("outcome_distribution")
    if isinstance(dist, Mapping) and dist:
        counts = [(OUTCOME_NAMES.get(str(k), "其他结果"), v) for k, v in dist.items() if isinstance(v, int)]
        total = sum(v for _, v in counts)
        shares = "、".join(f"{name}{v}件" for name, v in sorted(counts, key=lambda x: -x[1]))
        lines.append(f"最相近的同类判决{total}件：{shares}")
    cases = assessment.get("similar_cases")
    if isinstance(cases, list) and cases:
        lines.append(f"向当事人展示{len(cases)}件（见上）")
    note = assessment.get("similar_note")
    if isinstance(note, str) and note:
        lines.append(note)
    return Row("类似案例", tuple(lines)) if lines else None


def assessment_rows(assessment: Mapping[str, Any] | None, tables: SlotTables) -> list[Row]:
    """The stored assessment's parts, each under its label (see the module docstring)."""
    if not assessment:
        return []
    rows: list[Row | None] = []
    rows.append(_part_row(CauseOut, assessment.get("cause"), _cause))
    rows.append(_part_row(RoutingOut, assessment.get("routing"), _routing))
    missing = assessment.get("missing")
    if isinstance(missing, list):
        rows.append(Row("尚缺事实", (_labels([str(m) for m in missing], tables) or "无",)))
    question = assessment.get("next_question")
    if isinstance(question, str) and question:
        rows.append(Row("下一个问题", (question,)))
    rows += [
        _part_row(FeeOut, assessment.get("fee"), _fee),
        _part_row(LimitationOut, assessment.get("limitation"), _limitation),
        _part_row(SmallClaimsOut, assessment.get("small_claims"), _small_claims),
        _part_row(JurisdictionOut, assessment.get("jurisdiction"), lambda j: _jurisdiction(j, tables)),
        _part_row(EvidenceOut, assessment.get("evidence"), _evidence),
        _part_row(MediationOut, assessment.get("mediation"), _mediation),
        _part_row(PreservationOut, assessment.get("preservation"), _preservation),
        _part_row(GuaranteeOut, assessment.get("guarantee"), _guarantee),
        _part_row(PartiesOut, assessment.get("parties"), _parties),
    ]
    rows.append(_similar(assessment))
    risks = assessment.get("risks")
    if isinstance(risks, list) and risks:
        rows.append(Row("风险提示", tuple(f"{i}. {r}" for i, r in enumerate(risks, 1))))
    route = assessment.get("route")
    if route in ROUTE:
        rows.append(Row("建议去向", (ROUTE[route],)))
    notes = assessment.get("staff_notes")
    if isinstance(notes, list) and notes:
        rows.append(Row("核实标记", tuple(str(n) for n in notes)))
    today = _iso_date(assessment.get("today"))
    if today is not None:
        rows.append(Row("评估日期", (_date(today),)))
    return [row for row in rows if row is not None]


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:  # not a date: the row is left out
        return None
