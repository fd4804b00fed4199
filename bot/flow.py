"""The conversation as data: states, the transition table, global commands, and the effects a step asks for.

A handler is a function ``(ctx, record) -> Step``. It reads the message and the dialog record and
*returns* the next state, the reply and a list of effects; it writes nothing. The engine carries out the
effects (hand-off records, audit rows) in the step's transaction. ``TRANSITIONS`` lists, for each state,
the states its handler may move to; ``validate_table()`` refuses a table with a state that has no handler
or an edge to an unknown state, and ``run_step`` refuses a handler that moves along an undeclared edge.
``bot/dialog.mmd`` is the picture of ``TRANSITIONS`` (``python -m bot.flow --mermaid`` regenerates it; a
test checks that the committed file is current).

The guidance itself (recognition, intake slots, assessment) is in ``bot.guidance``; this module only
routes between the steps.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import prompts
from bot import guidance
from bot.handoff import HandoffDraft, HandoffRefusedError
from bot.messages import (
    EventKind,
    Incoming,
    IncomingEvent,
    IncomingText,
    IncomingUnsupported,
    IncomingVoice,
    MenuKey,
    Outgoing,
)
from bot.paging import CONTINUE_WORDS, next_page
from bot.store import DialogRecord, DialogTx, SessionKey

if TYPE_CHECKING:
    from bot.engine import Services
    from core.settings import Settings


class S(StrEnum):
    NEW = "new"  # never talked, or after 取消
    ASK_STORY = "ask_story"  # waiting for the person's description of the dispute
    CONFIRM_CAUSE = "confirm_cause"  # "is it 民间借贷纠纷?" / pick one of the closest
    INTAKE = "intake"  # asking the missing facts one at a time
    CHOOSE_ROUTE = "choose_route"  # assessment shown; 调解 / 立案 / 人工
    MEDIATION_CONSENT = "mediation_consent"  # consent (and area) for a people's mediation referral
    FILING_FORM = "filing_form"  # plaintiff and defendant details for the complaint
    FILING_CONFIRM = "filing_confirm"  # read back, then submit
    TICKET_DESC = "ticket_desc"  # what the person wants from a human (12368 ticket)
    DONE = "done"  # handed off; progress queries, or a new consultation


# ------------------------------------------------------------------------------------------ the step


@dataclass
class StepContext:
    msg: Incoming
    key: SessionKey
    settings: Settings
    services: Services
    today: date

    @property
    def text(self) -> str:
        """The message's text: typed text, or WeChat's voice recognition; '' for anything else."""
        if isinstance(self.msg, IncomingText):
            return self.msg.text
        if isinstance(self.msg, IncomingVoice):
            return self.msg.recognition or ""
        return ""


@dataclass(frozen=True)
class CreateHandoff:
    draft: HandoffDraft


@dataclass(frozen=True)
class ShowProgress:
    pass


@dataclass(frozen=True)
class PersonAction:
    reference: str
    action: str  # "resubmit" | "withdraw"


Effect = CreateHandoff | ShowProgress | PersonAction

# "已补正 LA-2611-0001" (corrections made, after the one-time correction notice), "撤回 TJ-2611-0003".
_RECORD_ACTION = re.compile(
    r"^\s*(?P<verb>已补正|已经补正|补正好了|已更正|已补充|撤回|撤销|申请撤回)\s*[:：]?\s*(?P<ref>[A-Za-z]{2}-\d{4}-\d{4,})\s*$"
)


@dataclass
class Step:
    next_state: S
    reply: Outgoing
    data: dict[str, Any]
    effects: list[Effect] = field(default_factory=list)
    is_page: bool = False  # the reply is a waiting page: do not paginate again


Handler = Callable[[StepContext, DialogRecord], Step]


def say(name: str, **values: object) -> str:
    return prompts.load(name, **values)


def _norm(text: str) -> str:
    return re.sub(r"[\s，。！？,.!?、~～…\"'“”‘’]+", "", text).strip().lower()


YES = frozenset({"是", "是的", "对", "对的", "确认", "同意", "好", "好的", "可以", "中", "行", "嗯", "y", "yes", "ok"})
NO = frozenset({"不是", "不对", "否", "不", "不同意", "不用", "算了", "n", "no"})


# ------------------------------------------------------------------------------- global commands

GLOBAL_COMMANDS: dict[str, str] = {
    "重新开始": "restart",
    "重来": "restart",
    "开始咨询": "restart",
    "取消": "cancel",
    "退出": "cancel",
    "转人工": "human",
    "人工": "human",
    "人工客服": "human",
    "查询进度": "progress",
    "进度": "progress",
    "查进度": "progress",
    "帮助": "help",
    "菜单": "help",
    "help": "help",
}
MENU_COMMANDS: dict[str, str] = {MenuKey.START: "restart", MenuKey.PROGRESS: "progress", MenuKey.HUMAN: "human"}


def _restart(ctx: StepContext, rec: DialogRecord) -> Step:
    return Step(S.ASK_STORY, Outgoing.of(say("ask_story")), {})


def _cancel(ctx: StepContext, rec: DialogRecord) -> Step:
    return Step(S.NEW, Outgoing.of(say("cancelled"), quick=("开始咨询",)), {})


def _human(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    data["return_state"] = rec.state
    return Step(S.TICKET_DESC, Outgoing.of(say("ticket_ask"), quick=("取消",)), data)


def _progress(ctx: StepContext, rec: DialogRecord) -> Step:
    return Step(S(rec.state), Outgoing(), dict(rec.data), effects=[ShowProgress()])


def _help(ctx: StepContext, rec: DialogRecord) -> Step:
    return Step(S(rec.state), Outgoing.of(say("help")), dict(rec.data))


GLOBAL_HANDLERS: dict[str, Handler] = {
    "restart": _restart,
    "cancel": _cancel,
    "human": _human,
    "progress": _progress,
    "help": _help,
}


def _record_action(ctx: StepContext, rec: DialogRecord) -> Step | None:
    match = _RECORD_ACTION.match(ctx.text)
    if not match:
        return None
    action = "withdraw" if match["verb"].startswith(("撤", "申请撤")) else "resubmit"
    effect = PersonAction(reference=match["ref"].upper(), action=action)
    return Step(S(rec.state), Outgoing(), dict(rec.data), effects=[effect])


def _global_command(ctx: StepContext) -> str | None:
    msg = ctx.msg
    if isinstance(msg, IncomingEvent) and msg.event is EventKind.MENU_CLICK and msg.key:
        return MENU_COMMANDS.get(msg.key)
    return GLOBAL_COMMANDS.get(_norm(ctx.text))


# ------------------------------------------------------------------------------------ state handlers


def _new(ctx: StepContext, rec: DialogRecord) -> Step:
    """First contact (or after 取消): a story typed straight away is taken as the story."""
    if guidance.looks_like_story(ctx.text):
        return _ask_story(ctx, DialogRecord(state=S.ASK_STORY.value))
    welcome = say("welcome", court=guidance.court_name(ctx.services))
    return Step(S.ASK_STORY, Outgoing.of(welcome, say("ask_story")), {})


def _ask_story(ctx: StepContext, rec: DialogRecord) -> Step:
    text = ctx.text
    if not guidance.looks_like_story(text):
        return Step(S.ASK_STORY, Outgoing.of(say("story_too_short")), dict(rec.data))
    story, note = guidance.clip(text, ctx.settings.max_text_chars)
    data: dict[str, Any] = {"story": story}
    recog = guidance.recognise(ctx.services.knowledge, story)
    data["facts"] = guidance.extract_facts(ctx.services.knowledge, story, recog.cause, ctx.today)
    parts = [note] if note else []
    if recog.cause is None:
        # No knowledge tables loaded: echo what was understood and offer the routes (the first conversation).
        data["cause"] = None
        parts.append(say("echo_story", summary=guidance.summarise(story)))
        parts.append(say("routes", mediation_line=say("mediation_voluntary")))
        return Step(S.CHOOSE_ROUTE, Outgoing.of(*parts, quick=("1", "2", "3")), data)
    data["candidates"] = recog.candidates
    if recog.cause == guidance.OTHER:
        parts.append(say("cause_other"))
        return Step(S.CHOOSE_ROUTE, Outgoing.of(*parts, quick=("2", "3")), data | {"cause": guidance.OTHER})
    if recog.unsure:
        parts.append(guidance.render_candidates(recog.candidates))
        quick = (*(str(i + 1) for i in range(len(recog.candidates))), "0")
        return Step(S.CONFIRM_CAUSE, Outgoing.of(*parts, quick=quick), data)
    data["cause"] = recog.cause
    parts.append(say("confirm_cause", cause=recog.cause, gloss=guidance.gloss(ctx.services.knowledge, recog.cause)))
    return Step(S.CONFIRM_CAUSE, Outgoing.of(*parts, quick=("是", "不是")), data)


def _confirm_cause(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    answer = _norm(ctx.text)
    candidates: list[str] = list(data.get("candidates") or [])
    chosen: str | None = None
    if data.get("cause") and answer in YES:
        chosen = data["cause"]
    elif answer.isdigit() and 1 <= int(answer) <= len(candidates) and not data.get("cause"):
        chosen = candidates[int(answer) - 1]
    elif answer in NO or answer == "0":
        others = [c for c in candidates if c != data.get("cause")]
        if data.get("cause") and others:
            data["cause"] = None
            return Step(S.CONFIRM_CAUSE, Outgoing.of(guidance.render_candidates(others)), data | {"candidates": others})
        data["cause"] = guidance.OTHER
        return Step(S.CHOOSE_ROUTE, Outgoing.of(say("cause_other"), quick=("2", "3")), data)
    else:
        named = guidance.cause_named(ctx.services.knowledge, ctx.text)
        if named:
            chosen = named
    if chosen is None:
        return Step(S.CONFIRM_CAUSE, Outgoing.of(say("confirm_cause_again")), data)
    data["cause"] = chosen
    data["facts"] = guidance.extract_facts(ctx.services.knowledge, data.get("story", ""), chosen, ctx.today)
    return _ask_next_or_assess(ctx, data)


def _ask_next_or_assess(ctx: StepContext, data: dict[str, Any]) -> Step:
    question = guidance.next_question(ctx.services.knowledge, data)
    if question is not None:
        slot, text, quick = question
        data["asking"] = slot
        asked = list(data.get("asked") or [])
        if slot not in asked:
            asked.append(slot)
        data["asked"] = asked
        return Step(S.INTAKE, Outgoing.of(text, quick=quick), data)
    data.pop("asking", None)
    parts = guidance.assess_and_render(ctx.services, data, ctx.today)
    return Step(S.CHOOSE_ROUTE, Outgoing.of(*parts, quick=("1", "2", "3")), data)


def _intake(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    text = ctx.text.strip()
    if _norm(text) in {"上一步", "返回", "back"}:
        data = guidance.go_back(data)
        return _ask_next_or_assess(ctx, data)
    corrected = guidance.correct(ctx.services.knowledge, data, text, ctx.today)
    if corrected is not None:
        step = _ask_next_or_assess(ctx, corrected)
        return Step(
            step.next_state, Outgoing.of(say("corrected"), *step.reply.parts, quick=step.reply.quick_replies), step.data
        )
    result = guidance.take_answer(ctx.services.knowledge, data, text, ctx.today)
    if result.error:
        return Step(S.INTAKE, Outgoing.of(result.error), result.data)
    data = result.data
    parts = [result.ack] if result.ack else []
    step = _ask_next_or_assess(ctx, data)
    return Step(
        step.next_state,
        Outgoing(parts=tuple(parts) + step.reply.parts, quick_replies=step.reply.quick_replies),
        step.data,
    )


ROUTE_WORDS = {
    "1": "mediation",
    "调解": "mediation",
    "人民调解": "mediation",
    "愿意调解": "mediation",
    "先调解": "mediation",
    "2": "filing",
    "立案": "filing",
    "网上立案": "filing",
    "起诉": "filing",
    "我要起诉": "filing",
    "直接起诉": "filing",
    "3": "human",
    "12368": "human",
    "热线": "human",
    "人工服务": "human",
}


def _choose_route(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    route = ROUTE_WORDS.get(_norm(ctx.text))
    if route == "mediation":
        return Step(
            S.MEDIATION_CONSENT, Outgoing.of(guidance.mediation_offer(ctx.services, data), quick=("同意", "取消")), data
        )
    if route == "filing":
        data["form"] = {}
        field_name, prompt_text = guidance.next_filing_field(data)
        data["asking"] = field_name
        return Step(S.FILING_FORM, Outgoing.of(say("filing_intro"), prompt_text), data)
    if route == "human":
        return _human(ctx, rec)
    corrected = guidance.correct(ctx.services.knowledge, data, ctx.text, ctx.today)
    if corrected is not None:
        step = _ask_next_or_assess(ctx, corrected)
        return Step(
            step.next_state, Outgoing.of(say("corrected"), *step.reply.parts, quick=step.reply.quick_replies), step.data
        )
    if guidance.looks_like_story(ctx.text) and len(ctx.text) > 15:
        # More detail about the dispute: when it adds facts, fold it into the story and assess again.
        story = (data.get("story", "") + "\n" + ctx.text)[: ctx.settings.max_text_chars]
        known = dict(data.get("facts") or {})
        found = guidance.extract_facts(ctx.services.knowledge, ctx.text, data.get("cause"), ctx.today)
        new = {k: v for k, v in found.items() if v not in (None, "", [], {}) and k not in known}
        if new:
            data["story"] = story
            data["facts"] = {**known, **new}
            return _ask_next_or_assess(ctx, data)
    return Step(S.CHOOSE_ROUTE, Outgoing.of(say("routes_again"), quick=("1", "2", "3")), data)


def _mediation_consent(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    answer = ctx.text.strip()
    head = _norm(answer)[:3]
    if _norm(answer) in NO:
        return Step(S.CHOOSE_ROUTE, Outgoing.of(say("mediation_declined"), quick=("2", "3")), data)
    if not (head.startswith("同意") or _norm(answer) in YES):
        return Step(S.MEDIATION_CONSENT, Outgoing.of(say("mediation_consent_again")), data)
    area = guidance.find_area(ctx.services.knowledge, answer) or (data.get("facts") or {}).get("area")
    draft = guidance.handoff_draft("referral", ctx, data, area=area, consent=True)
    return Step(S.DONE, Outgoing(), data, effects=[CreateHandoff(draft)])


def _filing_form(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    field_name = data.get("asking")
    value, error = guidance.validate_filing_field(field_name, ctx.text)
    if error:
        return Step(S.FILING_FORM, Outgoing.of(error), data)
    form = guidance.open_form(ctx.settings, data.get("form") or {})  # drops a field that no longer decrypts
    form = {k: v for k, v in (data.get("form") or {}).items() if k in form}
    form[str(field_name)] = guidance.seal_form_value(ctx.settings, str(field_name), value)
    data["form"] = form
    nxt = guidance.next_filing_field(data)
    if nxt[0]:
        data["asking"] = nxt[0]
        return Step(S.FILING_FORM, Outgoing.of(nxt[1]), data)
    data.pop("asking", None)
    summary = guidance.render_filing_summary(data, ctx.settings)
    return Step(S.FILING_CONFIRM, Outgoing.of(summary, quick=("确认", "取消")), data)


def _filing_confirm(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    answer = _norm(ctx.text)
    if answer in YES or answer.startswith("确认"):
        draft = guidance.handoff_draft("filing", ctx, data, area=None, consent=True)
        return Step(S.DONE, Outgoing(), data, effects=[CreateHandoff(draft)])
    if answer in {"修改", "改", "重填"}:
        data["form"] = {}
        field_name, prompt_text = guidance.next_filing_field(data)
        data["asking"] = field_name
        return Step(S.FILING_FORM, Outgoing.of(prompt_text), data)
    return Step(S.FILING_CONFIRM, Outgoing.of(say("filing_confirm_again"), quick=("确认", "修改", "取消")), data)


def _ticket_desc(ctx: StepContext, rec: DialogRecord) -> Step:
    data = dict(rec.data)
    text = ctx.text.strip()
    if not text or _norm(text) in GLOBAL_COMMANDS:
        return Step(S.TICKET_DESC, Outgoing.of(say("ticket_ask")), data)
    data["ticket_question"] = guidance.clip(text, 500)[0]
    draft = guidance.handoff_draft("ticket", ctx, data, area=None, consent=True)
    return Step(S.DONE, Outgoing(), data, effects=[CreateHandoff(draft)])


def _done(ctx: StepContext, rec: DialogRecord) -> Step:
    if guidance.looks_like_story(ctx.text) and len(ctx.text) >= 10:
        return _ask_story(ctx, DialogRecord(state=S.ASK_STORY.value))
    return Step(S.DONE, Outgoing.of(say("done_hint"), quick=("查询进度", "开始咨询")), dict(rec.data))


HANDLERS: dict[S, Handler] = {
    S.NEW: _new,
    S.ASK_STORY: _ask_story,
    S.CONFIRM_CAUSE: _confirm_cause,
    S.INTAKE: _intake,
    S.CHOOSE_ROUTE: _choose_route,
    S.MEDIATION_CONSENT: _mediation_consent,
    S.FILING_FORM: _filing_form,
    S.FILING_CONFIRM: _filing_confirm,
    S.TICKET_DESC: _ticket_desc,
    S.DONE: _done,
}

# Every state may also stay where it is, and the global commands lead to ASK_STORY (重新开始), NEW (取消),
# TICKET_DESC (转人工) from anywhere; those edges are implied and drawn once in the diagram.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.ASK_STORY, S.CONFIRM_CAUSE, S.CHOOSE_ROUTE}),
    S.ASK_STORY: frozenset({S.CONFIRM_CAUSE, S.CHOOSE_ROUTE}),
    S.CONFIRM_CAUSE: frozenset({S.INTAKE, S.CHOOSE_ROUTE}),
    S.INTAKE: frozenset({S.CHOOSE_ROUTE}),
    S.CHOOSE_ROUTE: frozenset({S.MEDIATION_CONSENT, S.FILING_FORM, S.TICKET_DESC, S.INTAKE}),
    S.MEDIATION_CONSENT: frozenset({S.DONE, S.CHOOSE_ROUTE}),
    S.FILING_FORM: frozenset({S.FILING_CONFIRM}),
    S.FILING_CONFIRM: frozenset({S.DONE, S.FILING_FORM}),
    S.TICKET_DESC: frozenset({S.DONE}),
    S.DONE: frozenset({S.ASK_STORY, S.CONFIRM_CAUSE, S.CHOOSE_ROUTE}),
}
GLOBAL_TARGETS = frozenset({S.ASK_STORY, S.NEW, S.TICKET_DESC})


class FlowError(Exception):
    """The transition table is inconsistent, or a handler moved along an undeclared edge."""


def validate_table() -> None:
    missing = set(S) - set(HANDLERS)
    if missing:
        raise FlowError(f"states without a handler: {sorted(missing)}")
    unknown = {t for targets in TRANSITIONS.values() for t in targets} - set(S)
    if unknown or set(TRANSITIONS) != set(S):
        raise FlowError("TRANSITIONS must list every state and only known targets")


# ------------------------------------------------------------------------------------------ dispatch


def run_step(ctx: StepContext, rec: DialogRecord) -> Step:
    msg = ctx.msg
    state = S(rec.state) if rec.state in S._value2member_map_ else S.NEW
    if isinstance(msg, IncomingEvent):
        if msg.event is EventKind.SUBSCRIBE:
            welcome = say("welcome", court=guidance.court_name(ctx.services))
            return Step(S.ASK_STORY, Outgoing.of(welcome, say("ask_story"), quick=("开始咨询",)), {})
        if msg.event is not EventKind.MENU_CLICK:
            return Step(state, Outgoing(), dict(rec.data))  # unsubscribe, template results…: "success"
    if isinstance(msg, IncomingUnsupported):
        return Step(state, Outgoing.of(say("unsupported")), dict(rec.data))
    if isinstance(msg, IncomingVoice) and not msg.recognition:
        return Step(state, Outgoing.of(say("voice_no_text")), dict(rec.data))

    command = _global_command(ctx)
    if command:
        return GLOBAL_HANDLERS[command](ctx, rec)
    acted = _record_action(ctx, rec)
    if acted is not None:
        return acted
    if isinstance(msg, IncomingEvent):  # a menu key we do not know
        return Step(state, Outgoing.of(say("help")), dict(rec.data))
    if _norm(ctx.text) in CONTINUE_WORDS:
        page = next_page(rec)
        if page is not None:
            return Step(state, page, dict(rec.data), is_page=True)
    if not guidance.has_words(ctx.text):
        return Step(state, Outgoing.of(say("empty_text")), dict(rec.data))

    step = HANDLERS[state](ctx, rec)
    allowed = TRANSITIONS[state] | {state} | GLOBAL_TARGETS
    if step.next_state not in allowed:
        raise FlowError(f"{state} -> {step.next_state} is not in the transition table")
    return step


def apply_effects(ctx: StepContext, tx: DialogTx, step: Step) -> tuple[str, ...]:
    """Carry out the step's effects inside the transaction; returns extra reply parts they produce.

    A refused hand-off (casework says why) or a missing hand-off service sends the person back to the
    choice of routes, with the reason, instead of ``DONE``; the dialog data is kept.
    """
    parts: list[str] = []
    port = ctx.services.handoff
    for effect in step.effects:
        if isinstance(effect, CreateHandoff):
            if port is None or tx.session is None:
                parts.append(say("handoff_unavailable"))
                step.next_state = S.CHOOSE_ROUTE
                continue
            try:
                ref = port.create(tx.session, effect.draft)
            except HandoffRefusedError as refused:
                parts.append(refused.user_message)
                step.next_state = S.CHOOSE_ROUTE
                continue
            parts.append(guidance.render_handoff_done(ref))
            if effect.draft.kind == "filing":
                step.data.pop("form", None)  # casework holds it now (encrypted); the dialog keeps no copy
        elif isinstance(effect, PersonAction):
            if port is None or tx.session is None:
                parts.append(say("handoff_unavailable"))
                continue
            try:
                done = port.act(tx.session, ctx.key.user_id, ctx.key.channel, effect.reference, effect.action)
            except HandoffRefusedError as refused:
                parts.append(refused.user_message)
                continue
            parts.append(guidance.render_handoff_done(done))
        elif isinstance(effect, ShowProgress):
            refs = port.records(tx.session, ctx.key.user_id) if (port and tx.session is not None) else []
            parts.append(guidance.render_progress(refs))
    return tuple(parts)


def mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> new"]
    for state in S:
        for target in sorted(TRANSITIONS[state], key=lambda s: list(S).index(s)):
            lines.append(f"    {state.value} --> {target.value}")
    lines.append("    note right of new")
    lines.append("        from every state: 重新开始 → ask_story, 取消 → new, 转人工 → ticket_desc;")
    lines.append("        查询进度 / 帮助 / 1 (next page) answer and stay")
    lines.append("    end note")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    if "--mermaid" in sys.argv:
        sys.stdout.write(mermaid())
