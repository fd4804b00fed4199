"""The guidance steps behind the transition table: recognise, ask, assess, capture, hand off.

``bot.flow`` decides *when*; this module decides *what*, by calling the knowledge package (cause
recognition, slot tables, extraction, validation, the assessment) and rendering replies from
``prompts/``. Every function is pure: it takes the consultation and returns a new one or text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import prompts
from bot import handoff
from bot.consultation import Consultation
from bot.handoff import HandoffKind
from bot.render import render_assessment
from casework import pleading
from core.pii import PiiCipher, mask_id, mask_phone
from knowledge.errors import InputError
from knowledge.extract import is_correction
from knowledge.intake import Slot

if TYPE_CHECKING:
    from bot.engine import Services
    from bot.flow import StepContext
    from casework.service import HandoffRequest
    from knowledge import Knowledge

OTHER = "其他"


def say(name: str, **values: object) -> str:
    return prompts.load(name, **values)


# ----------------------------------------------------------------------------------------- text tests


def has_words(text: str) -> bool:
    """Whether the text has at least one letter, digit or CJK character (emoji and punctuation do not count)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def looks_like_story(text: str) -> bool:
    words = [ch for ch in text if unicodedata.category(ch)[0] in ("L", "N")]
    return len(words) >= 6


def norm(text: str) -> str:
    """The text as the words table is matched: no spaces or punctuation, letters lower-cased."""
    return re.sub(r"[\s，。！？,.!?、~～…\"'“”‘’]+", "", text).strip().lower()


def clip(text: str, limit: int) -> tuple[str, str]:
    text = text.strip()
    if len(text) <= limit:
        return text, ""
    return text[:limit], say("text_clipped", limit=limit)


def summarise(story: str, limit: int = 80) -> str:
    flat = re.sub(r"\s+", " ", story).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"


# -------------------------------------------------------------------------------------- recognition


@dataclass(frozen=True)
class Recognition:
    cause: str
    candidates: tuple[str, ...] = ()
    unsure: bool = False
    confidence: float = 0.0


def recognise(knowledge: Knowledge, story: str) -> Recognition:
    """The story's cause over the whole catalogue (knowledge.recognition), with the closest alternatives."""
    result = knowledge.recognise(story)
    candidates = tuple(dict.fromkeys([result.name, *result.alternatives]))[:3]
    return Recognition(cause=result.name, candidates=candidates, unsure=result.unsure, confidence=result.confidence)


def cause_named(knowledge: Knowledge, text: str) -> str | None:
    """A cause the person names or describes in a short answer ("是借钱的事" → 民间借贷纠纷)."""
    if not looks_like_story(text + "      "):
        return None
    result = knowledge.recognise(text)
    return None if result.unsure or result.name == OTHER else result.name


def render_candidates(candidates: tuple[str, ...]) -> str:
    lines = "\n".join(f"{i}. {name}" for i, name in enumerate(candidates, 1))
    return say("confirm_cause_candidates", lines=lines)


# ------------------------------------------------------------------------------------------- intake


def extract_facts(knowledge: Knowledge, story: str, cause: str | None, today: date) -> dict[str, object]:
    return dict(knowledge.extract(story, cause, today))


MEDIATION_WILLING = "mediation_willing"


def next_question(knowledge: Knowledge, c: Consultation, today: date | None = None) -> Slot | None:
    """The next slot to ask, never one already asked or skipped; None when the intake is done. The willingness to
    mediate is not asked when the assessment (as of ``today``) finds mediation unsuitable (violence, assets being
    moved, a matter that is not a civil suit here)."""
    if not c.cause or c.cause == OTHER:
        return None
    exclude = set(c.skipped) | set(c.asked)
    slot = knowledge.next_missing_slot(c.cause, c.facts, exclude=exclude)
    if (
        slot is not None
        and slot.name == MEDIATION_WILLING
        and today is not None
        and not _mediation_suits(knowledge, c, today)
    ):
        slot = knowledge.next_missing_slot(c.cause, c.facts, exclude=exclude | {MEDIATION_WILLING})
    return slot


def _mediation_suits(knowledge: Knowledge, c: Consultation, today: date) -> bool:
    try:
        return knowledge.assess_dialog(_dialog(c), today).mediation.suitable
    except InputError:  # a fact that cannot be used: the assessment drops it later; ask as before
        return True


@dataclass(frozen=True)
class AnswerResult:
    consultation: Consultation
    ack: str = ""
    error: str = ""


def take_answer(knowledge: Knowledge, c: Consultation, text: str, today: date) -> AnswerResult:
    slot = c.asking
    if not slot or not c.cause:
        return AnswerResult(c)
    if norm(text) in prompts.commands().skip and not knowledge.accepts_no(c.cause, slot):
        return AnswerResult(c.replace(skipped=sorted({*c.skipped, slot})), ack=say("slot_skipped"))
    try:
        update = knowledge.answer_slot(c.cause, slot, text, dict(c.facts), today)
    except InputError as err:
        fails = {**c.fails, slot: c.fails.get(slot, 0) + 1}
        if fails[slot] >= 2:  # never trap the person on one question: skip it, it can be added later
            skipped = sorted({*c.skipped, slot})
            return AnswerResult(c.replace(fails=fails, skipped=skipped), ack=say("slot_skipped_unclear"))
        return AnswerResult(c.replace(fails=fails), error=err.user_message)
    return AnswerResult(c.replace(facts={**c.facts, **update}))


def correct(knowledge: Knowledge, c: Consultation, text: str, today: date) -> Consultation | None:
    """ "不对，是三万" at any point: the consultation with the corrected facts, or None if ``text`` is none."""
    if not c.cause or c.cause == OTHER or not is_correction(text):
        return None
    last = knowledge.slot(c.cause, c.asking) if c.asking else None
    facts = knowledge.correct(c.cause, text, dict(c.facts), today, last_slot=last)
    if facts == c.facts:
        return None
    return c.replace(facts=facts, skipped=[s for s in c.skipped if s not in facts])


def go_back(c: Consultation) -> Consultation:
    asked = list(c.asked)
    if not asked:
        return c
    last = asked.pop()
    if c.asking == last and asked:
        last = asked.pop()
    facts = {k: v for k, v in c.facts.items() if k != last}
    return c.replace(facts=facts, skipped=[s for s in c.skipped if s != last], asked=asked)


def add_to_story(knowledge: Knowledge, c: Consultation, text: str, limit: int, today: date) -> Consultation | None:
    """More detail about the dispute after the assessment: the consultation with it folded into the story, when it
    states facts not known yet; None when it adds nothing."""
    found = extract_facts(knowledge, text, c.cause, today)
    new = {k: v for k, v in found.items() if v not in (None, "", [], {}) and k not in c.facts}
    if not new:
        return None
    return c.replace(story=(c.story + "\n" + text)[:limit], facts={**c.facts, **new})


# --------------------------------------------------------------------------------------- assessment


def assess_and_render(services: Services, c: Consultation, today: date) -> tuple[Consultation, list[str]]:
    """The assessment of the consultation: the consultation holding it, and the reply parts that show it."""
    knowledge = services.knowledge
    notice: list[str] = []
    try:
        assessment = knowledge.assess_dialog(_dialog(c), today, searcher=services.searcher)
    except InputError as err:
        # A fact the person gave cannot be used (an absurd amount, say): tell them, drop it, assess without it.
        # None, not absent: a given fact overrides the amount read from the story.
        c = c.replace(facts={**c.facts, "claim_amount_yuan": None})
        notice.append(err.user_message)
        assessment = knowledge.assess_dialog(_dialog(c), today, searcher=services.searcher)
    c = c.replace(assessment=assessment.model_dump(mode="json"))
    parts = render_assessment(assessment)
    if services.phraser is not None:  # the optional LLM re-words the summary paragraph, under its guard (bot/llm.py)
        parts = services.phraser.phrase(c.assessment or {}, parts)
    return c, notice + parts


def _dialog(c: Consultation) -> dict[str, object]:
    return {"story": c.story, "cause": c.cause, "facts": dict(c.facts)}


def mediation_offer(c: Consultation) -> str:
    lines = []
    mediation = (c.assessment or {}).get("mediation") or {}
    if mediation and not mediation.get("suitable", True):
        reasons = "；".join(mediation.get("reasons") or [])
        lines.append(say("mediation_caution", reasons=reasons) if reasons else say("mediation_caution_general"))
    lines.append(say("mediation_offer"))
    lines.append(say("mediation_consent_again"))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- filing

# The plaintiff's ID and mobile numbers (the form fields slots.yaml marks ``sensitive``) are kept in the dialog
# state only encrypted (PII_KEY, the same key casework uses for its records), and the whole form is dropped from
# the dialog once the filing is handed off.
_SEALED = "enc:"


@functools.lru_cache(maxsize=4)
def _cipher(key: str) -> PiiCipher:
    return PiiCipher(key)


def seal_form_value(ctx: StepContext, name: str, value: str) -> str:
    """The value as it is stored in the consultation: encrypted for the sensitive fields, as is otherwise."""
    if name in ctx.services.knowledge.sensitive_form_fields:
        return _SEALED + _cipher(ctx.settings.pii_key).encrypt(value)
    return value


def open_form(ctx: StepContext, form: dict[str, str]) -> dict[str, str]:
    """The form with its sensitive fields decrypted. A field that no longer decrypts (the key was changed
    mid-conversation) is left out, so the person is asked for it again instead of meeting an error."""
    out = dict(form)
    for name in ctx.services.knowledge.sensitive_form_fields:
        value = out.get(name)
        if value is not None and value.startswith(_SEALED):
            try:
                out[name] = _cipher(ctx.settings.pii_key).decrypt(value[len(_SEALED) :])
            except ValueError:
                out.pop(name)
    return out


def readable_form(ctx: StepContext, c: Consultation) -> dict[str, str]:
    """The sealed form without the fields that no longer decrypt (they are asked again)."""
    readable = open_form(ctx, c.form)
    return {k: v for k, v in c.form.items() if k in readable}


def next_form_field(ctx: StepContext, c: Consultation) -> Slot | None:
    return ctx.services.knowledge.next_form_field(c.form, c.facts)


def form_fields(ctx: StepContext) -> list[Slot]:
    """The filing form's fields in their order (the numbers the summary and the edit menu show)."""
    return list(ctx.services.knowledge.slots.form)


def _filing(ctx: StepContext, c: Consultation) -> handoff.Filing | None:
    try:
        return handoff.filing(
            cause=c.cause, story=c.story, facts=dict(c.facts), assessment=c.assessment, form=open_form(ctx, c.form)
        )
    except handoff.HandoffRefusedError:
        return None  # a value the hand-off will refuse, with its reason, on 确认


def render_filing_summary(ctx: StepContext, c: Consultation) -> str:
    """The form read back, each field numbered (修改 takes the number), then what the complaint will ask the court
    for and the court it is addressed to."""
    form = open_form(ctx, c.form)
    made = _filing(ctx, c)
    shown = {
        "plaintiff_id": mask_id(form.get("plaintiff_id", "")),
        "plaintiff_phone": mask_phone(form.get("plaintiff_phone", "")),
    }
    if made is not None and made.defendants:
        shown.setdefault("defendant_name", "、".join(p.name for p in made.defendants))
        addresses = [f"{p.name}：{p.address}" for p in made.defendants if p.address]
        if len(made.defendants) > 1:
            shown.setdefault("defendant_address", "；".join(addresses) or "")
    unset = say("filing_value_missing")
    lines = [
        f"{i}. {slot.label}：{shown.get(slot.name, form.get(slot.name, '')) or unset}"
        for i, slot in enumerate(form_fields(ctx), 1)
    ]
    requests, court = "", ctx.services.knowledge.court_name
    if made is not None:
        requests = "\n".join(f"（{i}）{claim}" for i, claim in enumerate(made.pleading.claims, 1))
        addressee = pleading.addressee(c.assessment, court)
        court = addressee.court
        if addressee.elsewhere:
            requests += "\n" + say("filing_court_elsewhere", court=court)
        number = next((i for i, f in enumerate(form_fields(ctx), 1) if f.name == "defendant_address"), None)
        if number and len(made.defendants) > 1 and any(p.address is None for p in made.defendants):
            requests += "\n" + say("filing_defendant_address_missing", number=number)
    return say("filing_summary", fields="\n".join(lines), requests=requests, court=court)


def edit_menu(ctx: StepContext) -> str:
    """修改: which field? Each by its number."""
    fields = "\n".join(f"{i}. {slot.label}" for i, slot in enumerate(form_fields(ctx), 1))
    return say("filing_edit_which", fields=fields)


def form_field_named(ctx: StepContext, text: str, *, by_number: bool) -> Slot | None:
    """The form field a reply to the summary names: "修改3" / "3" (``by_number``: after the edit menu, or with 修改
    in front), "修改手机号", "改一下被告住址"; None when it names none."""
    words = prompts.commands()
    rest = norm(text)
    edited = False
    for verb in sorted(words.edit, key=len, reverse=True):
        if rest.startswith(verb):
            rest, edited = rest[len(verb) :].removeprefix("一下").removeprefix("第"), True
            break
    fields = form_fields(ctx)
    number = rest.removesuffix("项").removesuffix("个")
    if number.isdigit() and (by_number or edited) and 1 <= int(number) <= len(fields):
        return fields[int(number) - 1]
    if not edited:
        return None
    named = next((f for f, cues in words.contact.form_fields.items() if any(cue in rest for cue in cues)), None)
    return next((slot for slot in fields if slot.name == named), None)


# ------------------------------------------------------------------------------------------ hand-off


def handoff_request(
    kind: HandoffKind, ctx: StepContext, c: Consultation, *, area: str | None, consent: bool
) -> HandoffRequest:
    """Casework's request for this hand-off, named by the creating message (a retry creates nothing twice). Raises
    ``HandoffRefusedError`` (its ``user_message`` says why) when the form's values do not make valid parties."""
    msg = ctx.msg
    dedupe = f"{kind}:{msg.channel.value}:{msg.dedupe_key}" if msg.dedupe_key else f"{kind}:{ctx.key}:{data_hash(c)}"
    return handoff.handoff_request(
        kind,
        user_id=ctx.key.user_id,
        channel=ctx.key.channel,
        dedupe_key=dedupe,
        cause=c.cause,
        summary=summarise(c.story or c.ticket_question or "", 300),
        facts=dict(c.facts),
        assessment=c.assessment,
        consent=consent,
        form=open_form(ctx, c.form),
        area=area,
        question=c.ticket_question,
        story=c.story,
    )


def data_hash(c: Consultation) -> str:
    blob = json.dumps(c.model_dump(mode="json", exclude={"pages"}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
