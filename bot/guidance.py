"""The guidance steps behind the transition table: recognise, ask, assess, capture, hand off.

``bot.flow`` decides *when*; this module decides *what*, by calling the knowledge package (cause
recognition, slot tables, extraction, validation, the assessment) and rendering replies from
``prompts/``. Every function is pure: it takes the dialog data and returns new data or text.
With no knowledge loaded (bare unit tests of the engine) the conversation still runs: it echoes the story
and offers the three routes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import prompts
from bot.handoff import HandoffDraft, HandoffRef
from bot.render import render_assessment
from core.pii import PiiCipher, mask_id, mask_phone
from knowledge.errors import InputError
from knowledge.validate import normalize_mobile, validate_id_number

if TYPE_CHECKING:
    from bot.engine import Services
    from bot.flow import StepContext
    from core.settings import Settings

OTHER = "其他"
KIND_NAMES = {"referral": "人民调解转介", "filing": "网上立案材料", "ticket": "12368 热线工单"}


# ----------------------------------------------------------------------------------------- text tests


def has_words(text: str) -> bool:
    """Whether the text has at least one letter, digit or CJK character (emoji and punctuation do not count)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def looks_like_story(text: str) -> bool:
    words = [ch for ch in text if unicodedata.category(ch)[0] in ("L", "N")]
    return len(words) >= 6


def clip(text: str, limit: int) -> tuple[str, str]:
    text = text.strip()
    if len(text) <= limit:
        return text, ""
    return text[:limit], prompts.load("text_clipped", limit=limit)


def summarise(story: str, limit: int = 80) -> str:
    flat = re.sub(r"\s+", " ", story).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"


def court_name(services: Services) -> str:
    knowledge = services.knowledge
    return str(getattr(knowledge, "court_name", "") or "人民法院")


# -------------------------------------------------------------------------------------- recognition


@dataclass(frozen=True)
class Recognition:
    cause: str | None
    candidates: list[str] = field(default_factory=list)
    unsure: bool = False
    confidence: float = 0.0


def recognise(knowledge: Any, story: str) -> Recognition:
    if knowledge is None:
        return Recognition(cause=None)
    result = knowledge.classifier.classify(story)
    candidates = [c for c in result.top_names(3)]
    return Recognition(cause=result.name, candidates=candidates, unsure=result.unsure, confidence=result.confidence)


def gloss(knowledge: Any, cause: str) -> str:
    if knowledge is None:
        return cause
    return str(knowledge.gloss(cause))


def cause_named(knowledge: Any, text: str) -> str | None:
    """A cause the person names or describes in a short answer ("是借钱的事" → 民间借贷纠纷)."""
    if knowledge is None or not looks_like_story(text + "      "):
        return None
    result = knowledge.classifier.classify(text)
    return None if result.unsure or result.name == OTHER else str(result.name)


def render_candidates(candidates: list[str]) -> str:
    lines = ["不太确定您的纠纷属于哪一类，最接近的是："]
    lines += [f"{i}. {name}" for i, name in enumerate(candidates, 1)]
    lines.append("请回复编号；都不是请回复 0。")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- intake


def extract_facts(knowledge: Any, story: str, cause: str | None, today: date) -> dict[str, Any]:
    if knowledge is None:
        return {}
    return dict(knowledge.extract(story, cause, today))


def next_question(knowledge: Any, data: dict[str, Any]) -> tuple[str, str, tuple[str, ...]] | None:
    """The next slot to ask (name, question, quick replies), never one already asked; None when done."""
    if knowledge is None or not data.get("cause") or data.get("cause") == OTHER:
        return None
    facts = data.get("facts") or {}
    skipped = set(data.get("skipped") or [])
    asked = set(data.get("asked") or [])
    slot = knowledge.next_missing_slot(data["cause"], facts, exclude=skipped | asked)
    if slot is None:
        return None
    return slot.name, slot.question, tuple(slot.quick_replies)


@dataclass
class AnswerResult:
    data: dict[str, Any]
    ack: str = ""
    error: str = ""


SKIP_WORDS = frozenset({"不知道", "不清楚", "跳过", "不记得", "忘了", "没有", "无", "不确定"})


def take_answer(knowledge: Any, data: dict[str, Any], text: str, today: date) -> AnswerResult:
    data = dict(data)
    slot = data.get("asking")
    facts = dict(data.get("facts") or {})
    norm = re.sub(r"[\s，。！？,.!?]+", "", text)
    if knowledge is None or not slot:
        return AnswerResult(data)
    if norm in SKIP_WORDS and not knowledge.accepts_no(data["cause"], slot):
        data["skipped"] = sorted(set(data.get("skipped") or []) | {slot})
        return AnswerResult(data, ack="好的，这一项先跳过。")
    try:
        update = knowledge.answer_slot(data["cause"], slot, text, facts, today)
    except InputError as err:
        fails = dict(data.get("fails") or {})
        fails[slot] = fails.get(slot, 0) + 1
        data["fails"] = fails
        if fails[slot] >= 2:  # never trap the person on one question: skip it, it can be added later
            data["skipped"] = sorted(set(data.get("skipped") or []) | {slot})
            return AnswerResult(data, ack="这一项先跳过，后面可以再补充。")
        return AnswerResult(data, error=err.user_message)
    facts.update(update)
    data["facts"] = facts
    return AnswerResult(data)


def correct(knowledge: Any, data: dict[str, Any], text: str, today: date) -> dict[str, Any] | None:
    """ "不对，是三万" at any point: the new data with the corrected facts, or None if ``text`` is no correction."""
    from knowledge.extract import is_correction
    from knowledge.intake import apply_correction

    cause = data.get("cause")
    if knowledge is None or not cause or cause == OTHER or not is_correction(text):
        return None
    asking = data.get("asking")
    last = knowledge.slot(cause, asking) if asking else None
    facts = apply_correction(cause, text, dict(data.get("facts") or {}), today, last_slot=last, court=knowledge.court)
    if facts == (data.get("facts") or {}):
        return None
    new = dict(data)
    new["facts"] = facts
    new["skipped"] = [s for s in data.get("skipped") or [] if s not in facts]
    return new


def go_back(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    asked: list[str] = list(data.get("asked") or [])
    if asked:
        last = asked.pop()
        if data.get("asking") == last and asked:
            last = asked.pop()
        facts = dict(data.get("facts") or {})
        facts.pop(last, None)
        data["facts"] = facts
        data["skipped"] = [s for s in data.get("skipped") or [] if s != last]
    data["asked"] = asked
    return data


# --------------------------------------------------------------------------------------- assessment


def assess_and_render(services: Services, data: dict[str, Any], today: date) -> list[str]:
    knowledge = services.knowledge
    if knowledge is None:
        return [prompts.load("routes", mediation_line=prompts.load("mediation_voluntary"))]
    notice: list[str] = []
    try:
        assessment = knowledge.assess_dialog(data, today, searcher=services.searcher)
    except InputError as err:
        # A fact the person gave cannot be used (an absurd amount, say): tell them, drop it, assess without it.
        facts = dict(data.get("facts") or {})
        facts["claim_amount_yuan"] = None  # None, not absent: a given fact overrides the amount read from the story
        data["facts"] = facts
        notice.append(err.user_message)
        assessment = knowledge.assess_dialog(data, today, searcher=services.searcher)
    data["assessment"] = assessment.model_dump(mode="json")
    return notice + render_assessment(assessment)


def mediation_offer(services: Services, data: dict[str, Any]) -> str:
    lines = []
    mediation = (data.get("assessment") or {}).get("mediation") or {}
    if mediation and not mediation.get("suitable", True):
        reasons = "；".join(mediation.get("reasons") or [])
        lines.append(f"提示：{reasons}" if reasons else "提示：您的情况不一定适合调解。")
    lines.append(
        "人民调解由人民调解委员会免费进行，完全自愿，不是立案的前置条件；调解成功可以在协议生效后 30 日内共同申请"
        "法院司法确认（不收费）。申请调解还会中断诉讼时效。"
    )
    lines.append(prompts.load("mediation_consent_again"))
    return "\n".join(lines)


def find_area(knowledge: Any, text: str) -> str | None:
    if knowledge is None:
        return None
    area = knowledge.find_area(text)
    return str(area) if area else None


# ------------------------------------------------------------------------------------------- filing

FILING_FIELDS: tuple[tuple[str, str], ...] = (
    ("plaintiff_name", "请告诉我您的姓名（起诉状中的原告）。"),
    ("plaintiff_id", "请输入您的18位身份证号码。"),
    ("plaintiff_phone", "请输入您的手机号码，法院会用它联系您。"),
    ("plaintiff_address", "请输入您的住址（写到门牌号，法院文书会寄到这里）。"),
    ("defendant_name", "对方（被告）叫什么名字？如果是公司，请写公司全称。"),
    ("defendant_address", "对方的住址或公司注册地址在哪里？写到区县、街道即可，越详细越好。"),
    ("claims", "您要求对方做什么？例如：“归还借款5万元及利息，承担诉讼费”。"),
)


# The plaintiff's ID and mobile numbers are kept in the dialog state only encrypted (PII_KEY, the same key
# casework uses for its records), and the whole form is dropped from the dialog once the filing is handed off.
SENSITIVE_FORM_FIELDS: frozenset[str] = frozenset({"plaintiff_id", "plaintiff_phone"})
_SEALED = "enc:"


@functools.lru_cache(maxsize=4)
def _cipher(key: str) -> PiiCipher:
    return PiiCipher(key)


def seal_form_value(settings: Settings, name: str, value: str) -> str:
    """The value as it is stored in the dialog data: encrypted for the sensitive fields, as is otherwise."""
    if name in SENSITIVE_FORM_FIELDS:
        return _SEALED + _cipher(settings.pii_key).encrypt(value)
    return value


def open_form(settings: Settings, form: dict[str, Any]) -> dict[str, Any]:
    """The form with its sensitive fields decrypted. A field that no longer decrypts (the key was changed
    mid-conversation) is left out, so the person is asked for it again instead of meeting an error."""
    out = dict(form)
    for name in SENSITIVE_FORM_FIELDS:
        value = out.get(name)
        if isinstance(value, str) and value.startswith(_SEALED):
            try:
                out[name] = _cipher(settings.pii_key).decrypt(value[len(_SEALED) :])
            except ValueError:
                out.pop(name)
    return out


def next_filing_field(data: dict[str, Any]) -> tuple[str | None, str]:
    form = data.get("form") or {}
    facts = data.get("facts") or {}
    for name, question in FILING_FIELDS:
        if name in form:
            continue
        if name == "defendant_name" and facts.get("other_party_name"):
            continue
        return name, question
    return None, ""


def validate_filing_field(name: str | None, text: str) -> tuple[str, str]:
    """(normalised value, '') or ('', polite error)."""
    value = text.strip()
    if not value or not has_words(value):
        return "", "这一项不能为空，请重新输入。"
    try:
        if name == "plaintiff_id":
            return validate_id_number(value).number, ""
        if name == "plaintiff_phone":
            return normalize_mobile(value), ""
    except InputError as err:
        return "", err.user_message
    if name in ("plaintiff_name", "defendant_name") and len(value) > 60:
        return "", "名称太长了，请只写姓名或公司全称。"
    return value[:300], ""


def render_filing_summary(data: dict[str, Any], settings: Settings) -> str:
    form = open_form(settings, data.get("form") or {})
    facts = data.get("facts") or {}
    defendant = form.get("defendant_name") or facts.get("other_party_name", "")
    return "\n".join(
        [
            "请核对起诉状的基本信息：",
            f"原告：{form.get('plaintiff_name', '')}，身份证 {mask_id(form.get('plaintiff_id', ''))}，"
            f"手机 {mask_phone(form.get('plaintiff_phone', ''))}",
            f"住址：{form.get('plaintiff_address', '')}",
            f"被告：{defendant}，住址：{form.get('defendant_address', '')}",
            f"诉讼请求：{form.get('claims', '')}",
            "回复“确认”提交，法院立案庭工作人员会审核材料；回复“修改”重新填写。",
        ]
    )


# ------------------------------------------------------------------------------------------ hand-off


def handoff_draft(
    kind: str, ctx: StepContext, data: dict[str, Any], *, area: str | None, consent: bool
) -> HandoffDraft:
    msg = ctx.msg
    dedupe = f"{kind}:{msg.channel.value}:{msg.dedupe_key}" if msg.dedupe_key else f"{kind}:{ctx.key}:{data_hash(data)}"
    return HandoffDraft(
        kind=kind,  # type: ignore[arg-type]
        user_id=ctx.key.user_id,
        channel=ctx.key.channel,
        dedupe_key=dedupe,
        cause=data.get("cause"),
        summary=summarise(data.get("story", "") or data.get("ticket_question", ""), 300),
        facts=dict(data.get("facts") or {}),
        assessment=data.get("assessment"),
        consent=consent,
        form=open_form(ctx.settings, data.get("form") or {}),
        area=area,
        question=data.get("ticket_question"),
    )


def data_hash(data: dict[str, Any]) -> str:
    blob = json.dumps(
        {k: v for k, v in data.items() if not k.startswith("_")}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def render_handoff_done(ref: HandoffRef) -> str:
    if ref.detail:  # casework's own reply for this kind of record (names the committee, the next steps)
        return ref.detail
    return prompts.load(
        "handoff_done",
        kind_name=KIND_NAMES.get(ref.kind, ref.kind),
        reference=ref.reference,
        state=ref.state,
        detail=ref.detail,
    ).replace("\n\n", "\n")


def render_progress(refs: list[HandoffRef]) -> str:
    if not refs:
        return prompts.load("progress_none")
    lines = [prompts.load("progress_head")]
    lines += [
        f"· {r.detail}"
        if r.detail
        else prompts.load(
            "progress_line", reference=r.reference, kind_name=KIND_NAMES.get(r.kind, r.kind), state=r.state
        )
        for r in refs
    ]
    return "\n".join(lines)
