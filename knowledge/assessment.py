"""The assessment: from a lay story (and any facts already collected) to one typed, sourced answer.

``assess(knowledge, text, facts, today, *, searcher)`` recognises the cause with the knowledge's classifier
(or takes ``facts["cause"]`` when the person already confirmed it), extracts the story's facts, and computes
every part from the knowledge's loaded tables — fee, limitation, small claims, jurisdiction, evidence gaps,
mediation suitability, the risk-notice items that apply — plus similar judgments from the injected
``Searcher`` (never a case it did not return). Every figure is computed; every ``basis`` names its source.
Pure legal computation: facts in, :class:`Assessment` out; the chat's wording of it is ``bot.render``.

Errors: bad input raises :class:`knowledge.errors.InputError` subclasses (``user_message`` is polite
Chinese); a failing searcher is logged and reported as "no similar cases this time", never raised.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import jieba
from pydantic import BaseModel, ConfigDict, Field

from knowledge.causes import OTHER, CauseSpec
from knowledge.consent import read_story_stance
from knowledge.errors import InputError
from knowledge.evidence import check_evidence
from knowledge.fees import (
    FeeKind,
    FeeRules,
    KindReading,
    Relief,
    estimate_fee,
    estimate_fee_between,
    estimate_preservation,
    read_fee_kind,
    read_preservation,
    to_amount,
)
from knowledge.generic import family_small_claims_exclusion, special_jurisdiction
from knowledge.guarantee import GuaranteeResult, assess_guarantee
from knowledge.intake import missing_slots, next_missing_slot, story_facts
from knowledge.interruptions import Span, read_story
from knowledge.jurisdiction import JurisdictionResult, check_jurisdiction
from knowledge.limitation import RuleTag, check_limitation
from knowledge.mediation import PreservationAdvice, assess_mediation, preservation_first, story_matters
from knowledge.parties import read_parties, suggest_defendants
from knowledge.risks import applicable_risks
from knowledge.routing import Route, RoutingResult, enforcement_fee, route_matter
from knowledge.small_claims import check_small_claims
from knowledge.timeline import key_event_range
from prompts import load as say
from retrieval.errors import RetrievalError
from retrieval.text import OUTCOME_NAMES, STOPWORDS
from retrieval.types import Hit, Searcher, TraceEntry

if TYPE_CHECKING:
    from knowledge.court import Court
    from knowledge.service import Knowledge

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
SIMILAR_TOP = 3
DISTRIBUTION_N = 20
SEARCH_DEPTH = 100  # nearest judgments of the cause looked at to find DISTRIBUTION_N that carry an outcome


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class CauseOut(_Out):
    name: str = Field(description="案由名称（以名称为键，不用目录编号）")
    confidence: float = Field(ge=0, le=1, description="识别的置信度（0–1）")
    unsure: bool = Field(description="不太确定时为 true，应请当事人从 alternatives 中确认")
    alternatives: list[str] = Field(description="其他接近的案由（2–3个），供当事人选择")
    summary: str = Field(description="这类纠纷的通俗说明")
    confirmed: bool = Field(False, description="案由是否由当事人确认（facts.cause 给出）")
    catalogue_name: str | None = Field(
        default=None, description="识别出的案由目录名称（如“确认劳动关系纠纷”，name 为其所用的评估表）"
    )
    family: str | None = Field(default=None, description="案由所属的一类（合同纠纷、侵权责任纠纷……）")
    deep: bool = Field(default=True, description="是否有专门的问答和评估表（常见的18类）；否则按所属一类的一般规则评估")
    scope: str = Field(
        default="civil",
        description="civil 本院民事诉讼 | criminal | administrative | maritime | foreign | ip_court | not_legal",
    )
    scope_reason: str | None = Field(default=None, description="不是本院民事诉讼时的理由和依据")


class FeeOut(_Out):
    kind: FeeKind = Field(
        description="适用的收费标准（诉讼费用交纳办法第十三条）：property 财产案件 | divorce 离婚 | personality 人格权"
        " | other_non_property 其他非财产 | labour 劳动争议 | ip 无争议金额的知识产权；按请求的内容定，不按案由列表定"
    )
    acceptance_fee_yuan: float | None = Field(description="案件受理费（元）；法律只给出范围或金额未知时为 null")
    halved_yuan: float | None = Field(description="简易程序、调解或撤诉减半后的金额（只减半一次）")
    range_yuan: list[float] | None = Field(None, description="只能给出范围时的 [最低, 最高]（元）")
    preservation_fee_yuan: float | None = Field(
        None,
        description="当事人申请（或需要）保全时的保全申请费（元）：按所说的保全数额，没说时按请求金额；行为保全每件30元",
    )
    preservation_basis: str | None = Field(None, description="保全申请费的计算依据（中文）；不涉及保全时为 null")
    basis: str = Field(description="计算依据（中文）")
    source: str = Field(description="法律依据出处")
    notes: list[str] = Field(default_factory=list, description="补充说明（缓交、免交、不预交等）")


class DayRangeOut(_Out):
    """Some day between ``from`` and ``to`` (a date the story gave only to its month or year)."""

    model_config = ConfigDict(frozen=True, serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)
    first: date = Field(alias="from", description="最早的一天（YYYY-MM-DD）")
    last: date = Field(alias="to", description="最晚的一天（YYYY-MM-DD）")


def _day_range(span: Span) -> DayRangeOut:
    return DayRangeOut.model_validate({"from": span.lo, "to": span.hi})


def _day_or_range(span: Span) -> date | DayRangeOut:
    return span.lo if span.exact else _day_range(span)


class LimitationEventOut(_Out):
    kind: str = Field(
        description="故事里读到的事：demand 催要 | acknowledgement 认账/新欠条 | promise 答应还款/请求宽限"
        " | part_payment 部分还款 | refusal 明确拒绝 | mediation_request 申请调解 | police_report 报案"
        " | filing 起诉/仲裁 | complaint 投诉 | learned 知道侵害人 | award 收到仲裁裁决书"
    )
    on: date | DayRangeOut = Field(description="哪天（只知道年月时为区间）")
    what: str = Field(description="这件事的通俗说法")


class LimitationOut(_Out):
    status: Literal["in_time", "expired", "unknown", "not_applicable"] = Field(
        description="in_time 未过 | expired 可能已过（只是风险，需对方提出，民法典第193条） | unknown 不能确定"
        " | not_applicable 不适用时效（如抚养费、离婚、排除妨碍，民法典第196条；在职期间欠薪）"
    )
    deadline: date | None = Field(description="届满日（YYYY-MM-DD）；无时效、无法推算或只能给出区间时为 null")
    deadline_range: DayRangeOut | None = Field(None, description="只能确定届满日所在区间时的 {from, to}")
    start: date | DayRangeOut | None = Field(
        None, description="起算日（只知道年月时为区间）；重新起算的见 interrupted_on"
    )
    rule_tag: RuleTag | None = Field(
        None,
        description="决定期限的规则：general_3y | interrupted | instalment_last | tort_knew_harm_and_tortfeasor"
        " | cap_20y | labour_arbitration_1y | labour_award_15d | wages_during_employment | revived_by_debtor_agreement"
        " | demand_after_expiry_no_revival | product_injury_2y | no_due_date | no_limitation",
    )
    interrupted_on: date | None = Field(None, description="最后一次让时效重新计算的事发生在哪天")
    revived_on: date | None = Field(None, description="时效届满后对方同意还款（民法典第192条）是哪天")
    basis: str = Field(description="给当事人看的说明：起算日、规则和法条、期限、哪些事会让时效重新计算")
    rule: str = Field(description="适用的规则键")
    interrupted_by: list[str] = Field(description="可以中断（重新起算）时效的事项")
    events: list[LimitationEventOut] = Field(default_factory=list, description="从故事里读到的、影响时效的事")


class SmallClaimsOut(_Out):
    eligible: bool | None = Field(description="是否适用小额诉讼；金额未知时为 null")
    mode: Literal["mandatory", "by_agreement", "not_eligible", "unknown"]
    threshold_yuan: float = Field(description="应当适用小额诉讼的标的上限（元，按日期生效的河南标准）")
    agreement_max_yuan: float = Field(description="双方约定可适用的上限（元）")
    basis: str


class JurisdictionOut(_Out):
    competent: bool | None = Field(description="本院是否有管辖权；信息不足或须先仲裁时为 null")
    court: str | None = Field(
        description="有管辖权的法院（本院或应去的法院）；只取本院、court.yaml 所列法院或已知区县的基层法院，"
        "不知道名称时为 null"
    )
    basis: str
    arbitration_first: bool = Field(default=False, description="劳动争议须先申请劳动仲裁")
    missing: list[str] = Field(default_factory=list, description="判断管辖还需要的事实")
    rule: str | None = Field(
        default=None,
        description="确定管辖所依的规则：defendant_domicile | contract_performance_place | loan_receiving_party | "
        "tort_place | traffic_accident_place | real_estate_exclusive | inheritance_exclusive | agreement_clause | "
        "plaintiff_domicile | labour_court_place | labour_arbitration | debtor_domicile | must_ask_place",
    )
    place: str | None = Field(
        default=None,
        description="本市以外有管辖权的地方（如“郑州市”“陕西省商洛市山阳县”）：不知道法院名称时说"
        "“向该地有管辖权的基层人民法院起诉”",
    )
    courts: list[str] = Field(default_factory=list, description="能说出名称的有管辖权的法院（原告可以选择其一）")


class NamedPartyOut(_Out):
    name: str
    why: str = Field(description="为什么不列为被告（或为什么一并列为被告）")


class SuggestedPartyOut(_Out):
    name: str = Field(description="建议一并列为被告的人或单位（故事里有名称的用名称）")
    why: str
    source: str = Field(description="法律依据")


class PartiesOut(_Out):
    defendants: list[str] = Field(description="可以写进起诉状的被告姓名或名称（只取真实姓名、公司名称或字号）")
    defendant_kind: str | None = Field(None, description="person | company")
    defendant_address: str | None = Field(None, description="被告住所地（经常居住地、主要办事机构所在地）")
    not_defendants: list[NamedPartyOut] = Field(default_factory=list, description="故事里提到但不应列为被告的人")
    suggested_defendants: list[SuggestedPartyOut] = Field(
        default_factory=list, description="依法应当或可以一并起诉的人"
    )
    note: str = Field("", description="对被告信息的提示")


class EvidenceOut(_Out):
    held: list[str] = Field(description="当事人说已有的证据")
    gaps: list[str] = Field(description="缺少的关键证据")
    optional_missing: list[str] = Field(description="缺少的辅助证据")


class MediationOut(_Out):
    suitable: bool
    route: str = Field(
        description="people_mediation | court_mediation_in_suit | labour_mediation_or_arbitration | hotline"
    )
    reasons: list[str]
    required_before_filing: Literal[False] = Field(False, description="调解从来不是起诉的前提条件")
    note: str = Field(description="免费、自愿、不是起诉前提的说明")


class RoutingOut(_Out):
    route: Route = Field(
        description="这件事该走的路：civil_suit 民事起诉 | police 报警"
        " | admin_reconsideration_or_suit 行政复议或行政诉讼 | arbitration 仲裁 | labour_arbitration_first 先劳动仲裁"
        " | appeal 上诉 | enforcement 申请执行 | retrial 申请再审 | protection_order 人身安全保护令"
        " | payment_order 申请支付令"
    )
    reason: str = Field(description="通俗说明：为什么走这条路、下一步做什么")
    basis: str = Field(description="法律依据")
    deadline_days: int | None = Field(None, description="下一步的期限（日）；以月、年计或没有期限时为 null，见 period")
    deadline_from: str | None = Field(None, description="期限从哪天起算")
    period: str | None = Field(None, description="期限的通俗写法（如“15日”“2年”“60日（行政复议）；6个月（行政诉讼）”）")
    deadline: date | None = Field(None, description="按故事里的日期算出的期限最后一日")
    days_left: int | None = Field(None, description="距期限最后一日还剩几天（已过为负数）")
    deadline_passed: bool | None = Field(None, description="期限是否已过；不知道起算日时为 null")
    civil_claim_also: bool = Field(False, description="除这条路外，是否还可以对明确的对方提出民事请求")
    domestic_violence: bool = Field(False, description="故事讲到家庭暴力：人身安全优先，不引导调解")
    notes: list[str] = Field(default_factory=list, description="补充说明")


class GuaranteeOut(_Out):
    kind: Literal["一般保证", "连带责任保证"] = Field(description="保证方式（民法典第六百八十六条至第六百八十八条）")
    kind_basis: str
    guarantor: str | None = Field(None, description="保证人（故事里能读出名字时）")
    due_date: date | None = Field(None, description="主债务原定的到期日")
    period_end: date | None = Field(description="保证期间的最后一日；主债务没有约定还款日期时为 null（尚未起算）")
    period_basis: str
    claim_open: bool | None = Field(description="现在还能不能要求保证人承担责任；看不出行使权利的日期时为 null")
    claim_basis: str
    notes: list[str] = Field(default_factory=list)


class PreservationOut(_Out):
    first: bool = Field(description="对方正在转移财产时为 true：先申请财产保全，再谈调解或起诉")
    reason: str
    basis: str


class TraceOut(_Out):
    """Why retrieval chose a judgment: its rank and score in each list and the fused score (for staff)."""

    dense_rank: int | None
    dense_score: float | None
    bm25_rank: int | None
    bm25_score: float | None
    fused_score: float


class SimilarCaseOut(_Out):
    id: str
    score: float
    cause: str | None
    outcome: str | None
    outcome_label: str | None = None
    summary: str
    case_number: str | None = None
    court: str | None = None
    year: int | None = None
    title: str | None = Field(None, description="文书标题（当事人姓名已遮蔽）")
    doc_type: str | None = Field(None, description="判决书 / 裁定书 / 调解书")
    region: str | None = Field(None, description="法院所在地区（能读出时）")
    claims: str | None = Field(None, description="原告请求了什么（摘要）")
    decision: str | None = Field(None, description="法院怎么判的（主文摘要，不含诉讼费和上诉告知）")
    reason: str | None = Field(None, description="起决定作用的那一句理由")
    laws: list[str] = Field(default_factory=list, description="适用的法条（最多3条，按原文书引用）")
    claimed_yuan: int | None = Field(None, description="请求的确定金额（元）")
    granted_yuan: int | None = Field(None, description="判给的确定金额（元）；0 表示金钱请求被驳回")
    why: str = Field("", description="为什么相似（共同要点）")
    trace: TraceOut | None = Field(None, description="检索依据：在语义、关键词两个列表中的名次和得分（给工作人员看）")


class Assessment(_Out):
    cause: CauseOut
    facts: dict[str, Any] = Field(description="已知事实（含 claim_amount_yuan，数字或 null）")
    missing: list[str] = Field(description="还需要询问的事实（槽位名）")
    next_question: str | None = Field(None, description="下一个要问的问题")
    fee: FeeOut
    limitation: LimitationOut
    small_claims: SmallClaimsOut
    jurisdiction: JurisdictionOut
    evidence: EvidenceOut
    mediation: MediationOut
    similar_cases: list[SimilarCaseOut]
    similar_note: str = Field(description="类似案例的说明（如未检索到）")
    outcome_distribution: dict[str, int] = Field(description="最相近约20份判决的结果分布")
    risks: list[str] = Field(description="适用于本案的诉讼风险提示（最高法风险提示书）")
    route: Literal["filing", "arbitration", "hotline", "elsewhere"] = Field(
        description="建议的主要去向：filing 网上立案 | arbitration 仲裁"
        " | hotline 12368（上诉、再审、执行、支付令等程序咨询）"
        " | elsewhere 先找法院以外的机关（报警、行政复议）或先保护人身安全（家暴），见 routing"
    )
    routing: RoutingOut = Field(description="这件事是不是在本院提起民事诉讼；不是的话该走哪条路、期限多长")
    guarantee: GuaranteeOut | None = Field(None, description="故事里有保证人时：保证方式、保证期间、还能否找保证人")
    preservation: PreservationOut = Field(description="是否应当先申请财产保全")
    parties: PartiesOut | None = Field(None, description="当事人：可列的被告、不应列的人、依法应一并起诉的人")
    staff_notes: list[str] = Field(
        default_factory=list,
        description="给工作人员看的核实标记（[S] 仅见二手来源、[U] 未核实）；当事人看到的文字里不出现这些标记",
    )
    today: date


_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def _key_terms(text: str) -> set[str]:
    return {w for w in jieba.lcut(text) if _WORD.match(w) and w not in STOPWORDS}


def _why(query_terms: set[str], hit: Hit) -> str:
    seen = " ".join(x for x in (hit.summary, hit.claims, hit.decision) if x)
    shared = sorted(query_terms & _key_terms(seen), key=len, reverse=True)[:4]
    if shared:
        return say("similar_why_terms", terms="、".join(shared))
    return say("similar_why_semantic")


def _trace(entry: TraceEntry | None) -> TraceOut | None:
    if entry is None:
        return None
    return TraceOut(
        dense_rank=entry.dense_rank,
        dense_score=None if entry.dense_score is None else round(entry.dense_score, 4),
        bm25_rank=entry.bm25_rank,
        bm25_score=None if entry.bm25_score is None else round(entry.bm25_score, 4),
        fused_score=round(entry.fused_score, 4),
    )


def _similar(
    text: str, cause: str, names: frozenset[str], searcher: Searcher | None
) -> tuple[list[SimilarCaseOut], dict[str, int], str]:
    """The nearest judgments of the recognised cause, the outcome counts among the nearest of that cause, and an
    honest note: how few they are and how far (other regions, before the Civil Code). Never judgments of another
    cause: with the cause unknown (其他) none are listed."""
    if searcher is None:
        return [], {}, say("similar_not_wired")
    if cause == OTHER:
        return [], {}, say("similar_cause_unknown")
    try:
        result = searcher.search(text, k=SEARCH_DEPTH, cause=names)
    except RetrievalError as exc:
        log.warning("similar-case search failed: %s", type(exc).__name__)
        return [], {}, say("similar_unavailable")
    nearest = [h for h in result.hits if h.cause in names]
    if not nearest:
        return [], {}, say("similar_none_of_cause", cause=cause)
    # Counted among the nearest DISTRIBUTION_N of the cause that carry an outcome (fact sections without a result,
    # a large share of some causes' corpus, are passed over); those shown first, fact sections only to fill up.
    decided = [h for h in nearest if h.outcome][:DISTRIBUTION_N]
    distribution = Counter(h.outcome for h in decided if h.outcome)
    hits = (decided + [h for h in nearest if not h.outcome])[:SIMILAR_TOP]
    terms = _key_terms(text)
    traces = {t.id: t for t in result.trace}
    cases = [
        SimilarCaseOut(
            id=h.id,
            score=round(h.score, 4),
            cause=h.cause,
            outcome=h.outcome,
            outcome_label=OUTCOME_NAMES.get(h.outcome or ""),
            summary=h.summary[:200],
            case_number=h.case_number,
            court=h.court,
            year=h.year,
            title=h.title,
            doc_type=h.doc_type,
            region=h.region,
            claims=h.claims,
            decision=h.decision,
            reason=h.reason,
            laws=list(h.laws),
            claimed_yuan=h.claimed_yuan,
            granted_yuan=h.granted_yuan,
            why=_why(terms, h),
            trace=_trace(traces.get(h.id)),
        )
        for h in hits
    ]
    counts = {str(code): n for code, n in distribution.most_common()}
    return cases, counts, _similar_note(cases, sum(counts.values()))


FEW_JUDGMENTS = 10  # below this many judgments of the cause with an outcome, the counts are called "few"
CIVIL_CODE_YEAR = 2021  # 民法典 in force from 2021-01-01 (民法典第一千二百六十条)


def _similar_note(cases: list[SimilarCaseOut], counted: int) -> str:
    """How much the cases and counts are worth: how few, from where, and how many predate the Civil Code."""
    parts = []
    if counted == 0:
        parts.append(say("similar_note_no_outcomes"))
    elif counted < FEW_JUDGMENTS:
        parts.append(say("similar_note_few", n=counted))
    old = sum(1 for c in cases if c.year is not None and c.year < CIVIL_CODE_YEAR)
    if old:
        parts.append(say("similar_note_old", n=old, shown=len(cases)))
    parts.append(say("similar_note_elsewhere"))
    return "".join(parts)


def _amount(facts: Mapping[str, Any]) -> Decimal | None:
    value = facts.get("claim_amount_yuan")
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, int | float | str | Decimal):
        raise InputError("claim_amount_yuan not a number", "金额格式不对，请只写数字，比如 50000。")
    return to_amount(value)


def _amount_range(facts: Mapping[str, Any]) -> tuple[Decimal, Decimal] | None:
    """The range the person gave instead of one figure ("五六百": [500, 600]), when the story said one."""
    value = facts.get("claim_amount_range")
    if not (isinstance(value, list | tuple) and len(value) == 2):
        return None
    if not all(isinstance(v, int | float | str | Decimal) and not isinstance(v, bool) for v in value):
        return None
    low, high = sorted(to_amount(v) for v in value)
    return low, high


def _clean_facts(given: Mapping[str, Any], knowledge: Knowledge) -> dict[str, Any]:
    """Check the types of known fact keys given by a caller; unknown keys pass through untouched."""
    out = dict(given)
    for key, value in given.items():
        if value is None:
            continue
        slot = knowledge.slots.common.get(key)
        kind = "date" if key.endswith("_date") else "evidence" if key == "evidence" else slot.type if slot else None
        if kind == "date":
            try:
                out[key] = date.fromisoformat(value).isoformat() if isinstance(value, str) else None
            except ValueError:
                out[key] = None
            if out[key] is None:
                raise InputError(f"bad date in {key}", f"{key} 的日期格式不对，请写成 YYYY-MM-DD，比如 2024-05-01。")
        elif kind == "evidence" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise InputError(f"bad {key}", "evidence 应为证据名称的列表，比如 [\"借条\", \"转账记录\"]。")
        elif kind in ("place", "party") and not isinstance(value, str):
            raise InputError(f"bad {key}", f"{key} 应为文字，比如“焦作市山阳区”。")
        elif kind == "bool" and not isinstance(value, bool):
            raise InputError(f"bad {key}", f"{key} 应为 true 或 false。")
    return out


def _classify(
    text: str, facts: Mapping[str, Any], knowledge: Knowledge, searcher: Searcher | None = None
) -> CauseOut:
    table = knowledge.causes
    confirmed = facts.get("cause")
    if isinstance(confirmed, str) and confirmed in table.causes:
        return CauseOut(
            name=confirmed,
            confidence=1.0,
            unsure=False,
            alternatives=[],
            summary=table.get(confirmed).summary,
            confirmed=True,
            deep=confirmed not in table.extended,
        )
    try:
        reading = knowledge.recognise(text, searcher)
    except RetrievalError as exc:  # the nearest judgments' votes are a help, not a need
        log.warning("cause recognition without judgment votes: %s", type(exc).__name__)
        reading = knowledge.recognise(text)
    return CauseOut(
        name=reading.name,
        confidence=reading.confidence,
        unsure=reading.unsure,
        alternatives=reading.alternatives,
        summary=table.get(reading.name).summary,
        confirmed=False,
        catalogue_name=reading.catalogue_name,
        family=reading.family,
        deep=reading.name not in table.extended,
        scope=reading.scope,
        scope_reason=reading.scope_reason,
    )


def _fee(
    reading: KindReading,
    *,
    relief: Relief | None,
    amount: Decimal | None,
    amount_range: tuple[Decimal, Decimal] | None,
    text: str,
    urgent: bool,
    simplified_excluded: bool,
    rules: FeeRules,
) -> FeeOut:
    label = reading.label if reading.rule in ("not_wages", "money_claim", "ownership") else None
    if amount is None and amount_range is not None:
        estimate = estimate_fee_between(
            reading.kind, *amount_range, rules, relief=relief, label=label, simplified_excluded=simplified_excluded
        )
    else:
        estimate = estimate_fee(
            reading.kind, amount, rules, relief=relief, label=label, simplified_excluded=simplified_excluded
        )
    range_yuan = None
    if estimate.acceptance_fee is None and estimate.low is not None and estimate.high is not None:
        range_yuan = [float(estimate.low), float(estimate.high)]
    need = read_preservation(text, urgent=urgent, claim_amount=amount, rules=rules)
    kept, kept_basis = estimate_preservation(need, rules) if need is not None else (None, None)
    return FeeOut(
        kind=reading.kind,
        acceptance_fee_yuan=None if estimate.acceptance_fee is None else float(estimate.acceptance_fee),
        halved_yuan=None if estimate.halved_fee is None else float(estimate.halved_fee),
        range_yuan=range_yuan,
        preservation_fee_yuan=None if kept is None else float(kept),
        preservation_basis=kept_basis,
        basis=estimate.basis,
        source=estimate.source,
        notes=[n for n in estimate.notes if n],
    )


def _limitation(knowledge: Knowledge, rule_key: str, text: str, facts: Mapping[str, Any], today: date) -> LimitationOut:
    """The limitation of the claim: the cause's rule, the facts, and what the story tells (its interruptions)."""
    cues = knowledge.interruptions
    story = read_story(text, today, cues)
    lim = check_limitation(rule_key, facts, today, knowledge.limitation, cues=cues, story=story)
    return LimitationOut(
        status=lim.status,
        deadline=lim.deadline,
        deadline_range=None if lim.deadline_range is None else _day_range(lim.deadline_range),
        start=None if lim.start is None else _day_or_range(lim.start),
        rule_tag=lim.rule_tag,
        interrupted_on=lim.interrupted_on,
        revived_on=lim.revived_on,
        basis=lim.basis,
        rule=lim.rule,
        interrupted_by=lim.interrupted_by,
        events=[
            LimitationEventOut(kind=e.kind, on=_day_or_range(e.when), what=cues.kinds[e.kind].told)
            for e in story.events
            if cues.kinds[e.kind].effect not in ("due", "first_instalment", "last_instalment")
        ],
    )


def _risk_conditions(
    limitation: LimitationOut, evidence_gap: bool, money_claim: bool, competent: bool | None, facts: Mapping[str, Any]
) -> set[str]:
    conditions = set()
    # the limitation notice (a 3-year period) is not for a claim with none, nor for an award's 15 days to sue
    if limitation.status in ("expired", "unknown") and limitation.rule_tag != "labour_award_15d":
        conditions.add("limitation_risk")
    if evidence_gap:
        conditions.add("evidence_gap")
    if money_claim:
        conditions.add("money_claim")
    if competent is not True:
        conditions.add("jurisdiction_risk")
    if facts.get("urgency"):
        conditions.add("urgency")
    if facts.get("needs_appraisal"):
        conditions.add("needs_appraisal")
    return conditions


def _family_exclusion(knowledge: Knowledge, cause: CauseOut, small_claims: SmallClaimsOut) -> SmallClaimsOut:
    """A family-assessed cause the small-claims procedure never applies to (民事诉讼法第一百六十六条) says so."""
    excluded = family_small_claims_exclusion(knowledge.catalogue, cause.name) if not cause.deep else None
    if excluded is None or small_claims.eligible is False:
        return small_claims
    return small_claims.model_copy(update={"eligible": False, "mode": "not_eligible", "basis": excluded})


def _jurisdiction(
    knowledge: Knowledge, cause: CauseOut, spec: CauseSpec, merged: Mapping[str, Any], court: Court
) -> tuple[JurisdictionOut, JurisdictionResult]:
    rule_key = spec.jurisdiction
    if rule_key == "general" and merged.get("incident_place"):
        # a cause not yet told apart, but the story tells a harm done at a place (轧倒了玉米, 撞翻了展示柜): the
        # tort's place counts beside the defendant's domicile (民事诉讼法第二十九条)
        rule_key = "tort"
    jr = check_jurisdiction(rule_key, merged, court, knowledge.jurisdiction)
    competent, jurisdiction_basis = jr.competent, jr.basis
    special = special_jurisdiction(knowledge.catalogue, cause.name) if not cause.deep else None
    if special is not None:  # a rule of its own the table does not compute: say it, and claim no more than holds
        label, source, domicile_included = special
        # an exclusive real-property finding stands whatever the cause's own rule (民事诉讼法第三十四条第（一）项)
        if jr.rule != "real_estate_exclusive" and not (competent is True and domicile_included):
            competent = None
        jurisdiction_basis = say("jurisdiction_special", rule=label, source=source, general=jr.basis)
    jurisdiction = JurisdictionOut(
        competent=competent,
        court=jr.court if competent is not None else None,
        basis=jurisdiction_basis,
        arbitration_first=jr.arbitration_first,
        missing=jr.missing,
        rule=jr.rule,
        place=jr.place,
        courts=jr.courts,
    )
    return jurisdiction, jr


def _event_range(merged: Mapping[str, Any], start_rule: Any) -> dict[str, str] | None:
    """The key event's span when the story gives it only as one ("过年前"); with no key event dated, the story's
    first span-dated fact is the event it tells ("上个月初他来赊了两桶机油")."""
    key_names = [*start_rule.start_facts, *start_rule.event_facts] if start_rule is not None else []
    return key_event_range(merged, key_names) or key_event_range(
        merged, [n for n in (merged.get("date_ranges") or {}) if not any(merged.get(k) for k in key_names)]
    )


def assess(
    knowledge: Knowledge,
    text: str,
    facts: Mapping[str, Any] | None,
    today: date | None,
    *,
    searcher: Searcher | None = None,
) -> Assessment:
    """Assess a would-be plaintiff's case. ``facts`` (already collected) override what the text says."""
    text = (text or "").strip()
    if not text:
        raise InputError("empty text", "请用几句话说说发生了什么事，比如“朋友借了我5万元一直不还”。")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError("text too long", f"内容太长了，请控制在{MAX_TEXT_CHARS}字以内，说清主要经过就可以。")
    today = today or date.today()
    given = _clean_facts(facts or {}, knowledge)
    court = knowledge.court
    cause = _classify(text, given, knowledge, searcher)
    spec = knowledge.causes.get(cause.name)
    merged: dict[str, Any] = story_facts(
        cause.name, text, today, court, causes=knowledge.causes, tables=knowledge.slots
    )
    merged.update({k: v for k, v in given.items() if k != "cause"})
    amount = _amount(merged)
    merged["claim_amount_yuan"] = float(amount) if amount is not None else None
    # the key event (the day the limitation period runs from) when the story gives it only as a span ("过年前")
    event_range = _event_range(merged, knowledge.limitation.rules.get(spec.limitation))
    if event_range is not None:
        merged["event_range"] = event_range
    facts_for_rules = {**merged, "status_case": spec.status_case or merged.get("status_case", False)}

    # The fee and small claims follow what is claimed, not the cause list (办法第十三条; 民诉解释第二百零一条).
    amount_range = _amount_range(merged) if amount is None else None
    reading = read_fee_kind(spec.fee_kind, text, amount if amount_range is None else amount_range[1], knowledge.fees)
    if reading.money_payment is not None:
        money_claim = reading.money_payment
    else:
        money_claim = spec.money_claim or reading.rule == "money_claim"
    custody = reading.rule == "custody"  # a personal-status matter (民事诉讼法第一百六十六条第（一）项)
    sc = check_small_claims(
        amount,
        {**facts_for_rules, "status_case": facts_for_rules["status_case"] or custody},
        money_claim=money_claim,
        today=today,
        rules=knowledge.small_claims,
        text=text,
        non_money_reason=reading.label if reading.money_payment is False else None,
        amount_range=amount_range,
    )
    relief = spec.fee_relief if reading.kind == spec.fee_kind else None
    fee = _fee(
        reading,
        relief=relief,
        amount=amount,
        amount_range=amount_range,
        text=text,
        urgent=bool(merged.get("urgency")),
        simplified_excluded=sc.simplified_excluded,
        rules=knowledge.fees,
    )

    limitation = _limitation(knowledge, spec.limitation, text, merged, today)

    small_claims = SmallClaimsOut(
        eligible=sc.eligible,
        mode=sc.mode,
        threshold_yuan=float(sc.threshold_yuan),
        agreement_max_yuan=float(sc.agreement_max_yuan),
        basis=sc.basis,
    )
    small_claims = _family_exclusion(knowledge, cause, small_claims)

    jurisdiction, jr = _jurisdiction(knowledge, cause, spec, merged, court)

    ev = check_evidence(spec, merged.get("evidence", []))
    evidence = EvidenceOut(
        held=list(merged.get("evidence", [])), gaps=ev.gap_labels, optional_missing=[i.label for i in ev.missing_other]
    )

    stage = _routing_stage(
        knowledge,
        text,
        cause_route=spec.route,
        merged=merged,
        given=given,
        arbitration_first=jr.arbitration_first,
        today=today,
    )
    med = assess_mediation(
        spec.mediation, {**facts_for_rules, **stage.mediation_facts}, knowledge.mediation, stage.routing.route
    )
    mediation = MediationOut(
        suitable=med.suitable, route=med.route, reasons=med.reasons, note=med.note, required_before_filing=False
    )

    similar, distribution, similar_note = _similar(text, cause.name, knowledge.similar_names(cause.name), searcher)

    conditions = _risk_conditions(limitation, bool(ev.missing_key), money_claim, jr.competent, merged)
    applicable = applicable_risks(conditions, knowledge.risks) if cause.name != OTHER else []
    risks = [f"{item.title}：{item.text}" for item in applicable]

    known = {k: v for k, v in merged.items() if v is not None}  # an amount left open (五六百) is still to ask
    missing = missing_slots(cause.name, known, court, knowledge.slots)
    nxt = next_missing_slot(cause.name, known, court, knowledge.slots)
    route: Literal["filing", "arbitration", "hotline"] = spec.route
    if spec.route == "arbitration" and not jr.arbitration_first:
        route = "filing"  # wage IOU or an award already in hand
    assessment = Assessment(
        cause=cause,
        facts=merged,
        missing=missing,
        next_question=nxt.question if nxt else None,
        fee=fee,
        limitation=limitation,
        small_claims=small_claims,
        jurisdiction=jurisdiction,
        evidence=evidence,
        mediation=mediation,
        similar_cases=similar,
        similar_note=similar_note,
        outcome_distribution=distribution,
        risks=risks,
        route=route,
        routing=_routing_out(stage.routing),
        guarantee=_guarantee_out(stage.guarantee),
        preservation=PreservationOut(
            first=stage.preservation.first, reason=stage.preservation.reason, basis=stage.preservation.source
        ),
        parties=_parties(text, merged, traffic=spec.jurisdiction == "traffic"),
        staff_notes=jr.staff_notes,
        today=today,
    )
    return plain_words(
        _routed(assessment, stage, knowledge, mediation_blocked=bool(set(med.blocked_by) - {"mediation_willing"}))
    )


# -- parties ---------------------------------------------------------------------------------------------------------
def _parties(text: str, facts: Mapping[str, Any], *, traffic: bool) -> PartiesOut:
    """Who can be named as a defendant (民诉解释第二百零九条), who is named but not to be sued, and who the law
    adds (knowledge.parties)."""
    reading = read_parties(text)
    defendants = reading.defendants
    given = facts.get("other_party_name")
    ruled_out = {p.name for p in reading.others}
    if isinstance(given, str) and given and given not in defendants and given not in ruled_out:
        defendants = [given, *defendants]
    address = facts.get("defendant_place")
    suggested = [
        SuggestedPartyOut(name=s.name, why=s.why, source=s.source)
        for s in suggest_defendants(text, reading, traffic=traffic)
        if s.name not in defendants[:1]
    ]
    note = (
        ""
        if defendants
        else "起诉状要写明被告的真实姓名（单位写全称）和住所，称呼、绰号或亲属称谓不够（民诉解释第二百零九条）。"
    )
    kind = facts.get("defendant_kind")
    return PartiesOut(
        defendants=defendants,
        defendant_kind=kind if isinstance(kind, str) else None,
        defendant_address=address if isinstance(address, str) else None,
        not_defendants=[NamedPartyOut(name=p.name, why=p.why) for p in reading.others],
        suggested_defendants=suggested,
        note=note,
    )


# -- presentation: litigants read plain words, staff read the verification tags ----------------------------------------
_TAG = re.compile(r"\s*[\[［]\s*(?:V|S|U)(?:\s*/\s*(?:V|S|U))*\s*[\]］]")
_ALREADY_HEDGED = re.compile(r"以[^，。；]{0,8}为准|待[^，。；]{0,6}确认|未核实|请与法院确认|未经官方核实")
_NOT_LITIGANT_FACING = frozenset({"facts", "staff_notes", "today", "similar_cases"})


def _plain(text: str, notes: list[str]) -> str:
    """``text`` without its verification tags: a verified [V] goes silently, an unverified or secondary one becomes
    "（以法院公布为准）" unless the sentence already says so; the tagged original goes to the staff notes."""
    tags = _TAG.findall(text)
    if not tags:
        return text
    hedge = any(t.strip(" [［]］") != "V" for t in tags)
    if hedge and text not in notes:
        notes.append(text)
    plain = _TAG.sub("", text)
    if hedge and not _ALREADY_HEDGED.search(plain):
        stop = plain.rstrip("。")
        plain = stop + "（以法院公布为准）" + ("。" if stop != plain else "")
    return plain


def _plain_value(value: Any, notes: list[str]) -> Any:
    if isinstance(value, str):
        return _plain(value, notes)
    if isinstance(value, list):
        return [_plain_value(v, notes) for v in value]
    if isinstance(value, dict):
        return {k: _plain_value(v, notes) for k, v in value.items()}
    return value


def plain_words(a: Assessment) -> Assessment:
    """The assessment with every litigant-facing string free of [V]/[S]/[U] tags (kept in ``staff_notes``)."""
    notes = list(a.staff_notes)
    data = a.model_dump(mode="python", by_alias=True)
    for key, value in data.items():
        if key not in _NOT_LITIGANT_FACING:
            data[key] = _plain_value(value, notes)
    data["staff_notes"] = notes
    return Assessment.model_validate(data)


# -- the routing stage: matters that are not a civil suit here, procedures after a judgment, guarantors -------------
@dataclass(frozen=True, slots=True)
class _Stage:
    routing: RoutingResult
    guarantee: GuaranteeResult | None
    preservation: PreservationAdvice
    mediation_facts: dict[str, bool]


def _routing_stage(
    knowledge: Knowledge,
    text: str,
    *,
    cause_route: str,
    merged: dict[str, Any],
    given: Mapping[str, Any],
    arbitration_first: bool,
    today: date,
) -> _Stage:
    """Read the story's matters, route it, and add what the story says to ``merged`` (the person's own stance on
    mediation, assets being moved) unless the caller gave those facts."""
    for key, value in story_matters(text, knowledge.mediation).items():
        merged.setdefault(key, value)
    stance = read_story_stance(text)
    if stance is not None and "mediation_willing" not in given:
        merged["mediation_willing"] = stance == "yes"
    due = merged.get("due_date") or merged.get("grace_end_date")  # no agreed day: the grace's end (民法典692(3))
    guarantee = assess_guarantee(text, today, knowledge.guarantee, due if isinstance(due, str) else None)
    routing = route_matter(
        text,
        merged,
        today,
        knowledge.court,
        knowledge.routing,
        labour=cause_route == "arbitration",
        arbitration_first=arbitration_first,
        has_guarantor=guarantee is not None,
    )
    mediation_facts: dict[str, bool] = {m: True for m in routing.matters}
    for key in ("mediation_willing", "urgency", "status_confirmation", "special_procedure"):  # this stage may add
        if isinstance(merged.get(key), bool):
            mediation_facts[key] = merged[key]
    return _Stage(routing, guarantee, preservation_first(merged, knowledge.mediation), mediation_facts)


def _routing_out(r: RoutingResult) -> RoutingOut:
    return RoutingOut(
        route=r.route,
        reason=r.reason,
        basis=r.basis,
        deadline_days=r.deadline_days,
        deadline_from=r.deadline_from,
        period=r.period,
        deadline=r.deadline,
        days_left=r.days_left,
        deadline_passed=r.deadline_passed,
        civil_claim_also=r.civil_claim_also,
        domestic_violence="domestic_violence" in r.matters,
        notes=r.notes,
    )


def _guarantee_out(g: GuaranteeResult | None) -> GuaranteeOut | None:
    if g is None:
        return None
    return GuaranteeOut(
        kind=g.kind,
        kind_basis=g.kind_basis,
        guarantor=g.guarantor,
        due_date=g.due_date,
        period_end=g.period_end,
        period_basis=g.period_basis,
        claim_open=g.claim_open,
        claim_basis=g.claim_basis,
        notes=g.notes,
    )


# Where the person goes next, in the bot's three hand-offs: a court procedure other than a new suit is a question
# for the 12368 staff; a matter for the police, an agency, or a person in danger goes "elsewhere" first.
_MAIN_ROUTE: dict[str, Literal["filing", "arbitration", "hotline", "elsewhere"]] = {
    "police": "elsewhere",
    "admin_reconsideration_or_suit": "elsewhere",
    "protection_order": "elsewhere",
    "arbitration": "arbitration",
    "labour_arbitration_first": "arbitration",
    "appeal": "hotline",
    "retrial": "hotline",
    "enforcement": "hotline",
    "payment_order": "hotline",
}
# Routes where no civil suit follows here: no suit's slots to ask, no suit's risk notice, no similar civil judgments.
_NO_SUIT = {"police", "admin_reconsideration_or_suit", "protection_order", "arbitration", "appeal", "retrial"}


def _only_fields(model: BaseModel, **updates: Any) -> dict[str, Any]:
    return {k: v for k, v in updates.items() if k in type(model).model_fields}


def _routed(a: Assessment, stage: _Stage, knowledge: Knowledge, *, mediation_blocked: bool) -> Assessment:
    """The assessment once routed: when the route is not a civil suit here, the fee, limitation, small claims,
    jurisdiction and next steps say what applies instead of a civil suit's."""
    r = stage.routing
    update: dict[str, Any] = {}
    if mediation_blocked or r.route in _NO_SUIT:
        exclude = set(a.missing) if r.route in _NO_SUIT else {"mediation_willing"}
        nxt = next_missing_slot(a.cause.name, a.facts, knowledge.court, knowledge.slots, exclude=exclude)
        update["missing"] = [m for m in a.missing if m not in exclude]
        update["next_question"] = nxt.question if nxt else None
    if r.route in {"civil_suit", "labour_arbitration_first"}:
        return a.model_copy(update=update) if update else a
    update["route"] = _MAIN_ROUTE[r.route]
    fee_basis = r.fee_note or "这类事项不是向法院提起民事诉讼，不按民事案件交诉讼费。"
    acceptance: float | None = None
    amount = a.facts.get("claim_amount_yuan")
    if r.route == "payment_order" and isinstance(amount, int | float):
        full = estimate_fee("property", Decimal(str(amount)), knowledge.fees).acceptance_fee
        if full is not None:
            acceptance = float((full * knowledge.routing.payment_order.fraction).quantize(Decimal("0.01")))
            fee_basis += f"按请求金额计算约{acceptance:g}元。"
    if r.route == "enforcement" and isinstance(amount, int | float):
        fee = enforcement_fee(Decimal(str(amount)), knowledge.routing.decisions.enforcement)
        fee_basis += f"按执行金额计算约{float(fee):g}元。"
    update["fee"] = a.fee.model_copy(
        update=_only_fields(
            a.fee,
            acceptance_fee_yuan=acceptance,
            halved_yuan=None,
            range_yuan=None,
            basis=fee_basis,
            source=r.fee_source or r.basis,
            notes=[],
        )
    )
    if r.route != "payment_order":  # a payment order is a money claim: its limitation still runs (and is interrupted)
        update["limitation"] = a.limitation.model_copy(
            update=_only_fields(
                a.limitation,
                status="not_applicable",
                deadline=r.deadline,
                deadline_range=None,
                start=None,
                rule_tag=None,
                interrupted_on=None,
                revived_on=None,
                basis=f"这不是提起新的民事诉讼，三年诉讼时效不是这里要看的期限。{r.reason}",
                rule=f"routing:{r.route}",
                interrupted_by=[],
                events=[],
            )
        )
    update["small_claims"] = a.small_claims.model_copy(
        update={"eligible": False, "mode": "not_eligible", "basis": "这不是提起新的民事诉讼，不适用小额诉讼程序。"}
    )
    if r.court is not None:
        update["jurisdiction"] = JurisdictionOut(
            competent=r.court.competent, court=r.court.court, basis=r.court.basis, missing=r.court.missing
        )
    elif r.route in _NO_SUIT:
        update["jurisdiction"] = JurisdictionOut(competent=None, court=None, basis=r.reason)
    if r.route in _NO_SUIT:
        update["risks"] = []
        if r.route not in {"appeal", "retrial"}:
            update["similar_cases"], update["outcome_distribution"] = [], {}
            update["similar_note"] = "这类事项不是民事诉讼，不列类似的民事判决。"
    return a.model_copy(update=update)


__all__ = ["MAX_TEXT_CHARS", "Assessment", "assess", "plain_words"]
