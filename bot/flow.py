"""The conversation as data: states, the transition table, global commands, and the step a message takes.

A handler is a function ``(ctx, consultation) -> Step``. It reads the message and the consultation and *returns*
the next state, the reply, the new consultation and the effects it asks for (hand-off records, progress
queries); it writes nothing, and it never calls the handler of another state. Logic two handlers share is a
helper that returns a ``Step`` and names the states it may lead to (``TAKE_STORY``, ``NEXT_OR_ASSESS``);
``TRANSITIONS`` is built from those sets.

The table is the whole truth:

- ``TRANSITIONS`` lists, for each state, the states its handler may move to (every state may also stay);
- ``GLOBAL_EDGES`` lists where each global command leads, from every state (重新开始 → ask_story, 取消 → new,
  转人工 → ticket_desc; the others answer and stay);
- ``REFUSED`` lists, for each state whose step asks for a hand-off, where the person lands when it is refused: by
  the step itself, when the dialog's data make no valid request (:func:`hand_off`), or by the effects, when
  casework refuses it or the hand-off service is unavailable (``bot.effects`` carries the effects out). Such a
  step says so (``Step.refused``) and may take only that edge.

``validate_table()`` refuses a table with a state that has no handler or an edge to an unknown state;
``run_step`` refuses a handler that moves along an undeclared edge, and the engine checks the step that the
effects returned the same way (``check_edge``). ``bot/dialog.mmd`` is the picture of the table
(``python -m bot.flow --mermaid`` regenerates it; a test checks that the committed file is current).

The guidance itself (recognition, intake slots, assessment, the filing form) is in ``bot.guidance``; the words
the person types are the table ``prompts/commands.yaml``, the sentences the bot says are ``prompts/*.txt``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import prompts
from bot import contact, guidance
from bot.consultation import Consultation
from bot.effects import CreateHandoff, Effect, PersonAction, ShowProgress
from bot.faq import faq_answer
from bot.guidance import OTHER, norm, say
from bot.handoff import HandoffKind, HandoffRefusedError
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
from bot.paging import next_page
from bot.store import SessionKey
from knowledge.errors import InputError

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
    CONTACT = "contact"  # how to reach the person (with consent; may be declined) before a referral or ticket
    DONE = "done"  # handed off; progress queries, or a new consultation


# ------------------------------------------------------------------------------------------ the step


@dataclass(frozen=True)
class StepContext:
    msg: Incoming
    key: SessionKey
    settings: Settings
    services: Services
    today: date
    state: S = S.NEW  # the state the step starts from (run_step sets it)

    @property
    def text(self) -> str:
        """The message's text: typed text, or WeChat's voice recognition; '' for anything else."""
        if isinstance(self.msg, IncomingText):
            return self.msg.text
        if isinstance(self.msg, IncomingVoice):
            return self.msg.recognition or ""
        return ""


@dataclass(frozen=True)
class Step:
    next_state: S
    reply: Outgoing
    consultation: Consultation
    effects: tuple[Effect, ...] = ()
    is_page: bool = False  # the reply is a waiting page: do not paginate again
    refused: bool = False  # the hand-off it asked for was refused: it leads along the state's REFUSED edge


Handler = Callable[[StepContext, Consultation], Step]


def _stay(ctx: StepContext, c: Consultation, reply: Outgoing, *effects: Effect) -> Step:
    return Step(ctx.state, reply, c, effects=effects)


def _quick(*names: str) -> tuple[str, ...]:
    quick = prompts.commands().quick
    return tuple(getattr(quick, name) for name in names)


ROUTES_QUICK = ("1", "2", "3")


# ------------------------------------------------------------------------------- global commands

MENU_COMMANDS: dict[str, str] = {MenuKey.START: "restart", MenuKey.PROGRESS: "progress", MenuKey.HUMAN: "human"}


@functools.cache
def _record_action_pattern() -> re.Pattern[str]:
    actions = prompts.commands().record_actions
    verbs = sorted([*actions.resubmit, *actions.withdraw], key=len, reverse=True)
    return re.compile(
        rf"^\s*(?P<verb>{'|'.join(map(re.escape, verbs))})\s*[:：]?\s*(?P<ref>[A-Za-z]{{2}}-\d{{4}}-\d{{4,}})\s*$"
    )


def _ask_story_again(ctx: StepContext, c: Consultation) -> Step:
    return Step(S.ASK_STORY, Outgoing.of(say("ask_story")), Consultation())


def _cancel(ctx: StepContext, c: Consultation) -> Step:
    return Step(S.NEW, Outgoing.of(say("cancelled"), quick=_quick("start")), Consultation())


def _human(ctx: StepContext, c: Consultation) -> Step:
    return ask_ticket(c)


def _progress(ctx: StepContext, c: Consultation) -> Step:
    return _stay(ctx, c, Outgoing(), ShowProgress())


def _help(ctx: StepContext, c: Consultation) -> Step:
    return _stay(ctx, c, Outgoing.of(say("help")))


GLOBAL_HANDLERS: dict[str, Handler] = {
    "restart": _ask_story_again,
    "cancel": _cancel,
    "human": _human,
    "progress": _progress,
    "help": _help,
}


def _record_action(ctx: StepContext, c: Consultation) -> Step | None:
    match = _record_action_pattern().match(ctx.text)
    if not match:
        actions = prompts.commands().record_actions
        bare = norm(ctx.text).removeprefix("我要").removeprefix("我想")
        if bare in actions.withdraw or bare in actions.resubmit:  # which one? list the records with their numbers
            return _stay(ctx, c, Outgoing.of(say("record_action_needs_ref", verb=bare)), ShowProgress())
        return None
    withdraw = match["verb"] in prompts.commands().record_actions.withdraw
    effect = PersonAction(reference=match["ref"].upper(), action="withdraw" if withdraw else "resubmit")
    return _stay(ctx, c, Outgoing(), effect)


def _global_command(ctx: StepContext) -> str | None:
    msg = ctx.msg
    if isinstance(msg, IncomingEvent) and msg.event is EventKind.MENU_CLICK and msg.key:
        return MENU_COMMANDS.get(msg.key)
    return prompts.commands().command(norm(ctx.text))


# ------------------------------------------------------------------------- helpers shared by handlers

TAKE_STORY = frozenset({S.CONFIRM_CAUSE, S.CHOOSE_ROUTE})


def take_story(ctx: StepContext) -> Step:
    """A story: recognise the cause and ask the person to confirm it (or pick one of the closest); a dispute we do
    not analyse goes straight to the routes. Leads to ``TAKE_STORY``; starts a fresh consultation."""
    knowledge = ctx.services.knowledge
    story, note = guidance.clip(ctx.text, ctx.settings.max_text_chars)
    recog = guidance.recognise(knowledge, story)
    c = Consultation(
        story=story,
        facts=guidance.extract_facts(knowledge, story, recog.cause, ctx.today),
        candidates=recog.candidates,
    )
    parts = [note] if note else []
    if recog.cause == OTHER:
        parts.append(say("cause_other"))
        return Step(S.CHOOSE_ROUTE, Outgoing.of(*parts, quick=("2", "3")), c.replace(cause=OTHER))
    if recog.unsure:
        parts.append(guidance.render_candidates(recog.candidates))
        quick = (*(str(i + 1) for i in range(len(recog.candidates))), _quick("none_of_these")[0])
        return Step(S.CONFIRM_CAUSE, Outgoing.of(*parts, quick=quick), c)
    parts.append(say("confirm_cause", cause=recog.cause, gloss=knowledge.gloss(recog.cause)))
    return Step(S.CONFIRM_CAUSE, Outgoing.of(*parts, quick=_quick("affirm", "deny")), c.replace(cause=recog.cause))


NEXT_OR_ASSESS = frozenset({S.INTAKE, S.CHOOSE_ROUTE})


def ask_next_or_assess(ctx: StepContext, c: Consultation, *before: str) -> Step:
    """The next missing fact's question, or — when none is left — the assessment and the routes. ``before`` are
    reply parts to send first (an acknowledgement). Leads to ``NEXT_OR_ASSESS``."""
    slot = guidance.next_question(ctx.services.knowledge, c, ctx.today)
    if slot is not None:
        asked = c.asked if slot.name in c.asked else (*c.asked, slot.name)
        c = c.replace(asking=slot.name, asked=asked)
        return Step(S.INTAKE, Outgoing.of(*before, slot.question, quick=slot.quick_replies), c)
    c, parts = guidance.assess_and_render(ctx.services, c.replace(asking=None), ctx.today)
    return Step(S.CHOOSE_ROUTE, Outgoing.of(*before, *parts, quick=ROUTES_QUICK), c)


def ask_ticket(c: Consultation) -> Step:
    """What the person wants a human (12368) to do. Leads to ``TICKET_DESC``."""
    return Step(S.TICKET_DESC, Outgoing.of(say("ticket_ask"), quick=_quick("cancel")), c)


def hand_off(ctx: StepContext, c: Consultation, kind: HandoffKind, *, area: str | None = None) -> Step:
    """Ask casework for the hand-off the person chose (``DONE``, with the effect that creates it). When the dialog's
    data do not make a valid request (casework's validators refuse a party), the person is told why and lands
    where a refused hand-off leads from this state (``REFUSED``)."""
    try:
        request = guidance.handoff_request(kind, ctx, c, area=area, consent=True)
    except HandoffRefusedError as refused:
        return Step(REFUSED[ctx.state], Outgoing.of(refused.user_message), c, refused=True)
    return Step(S.DONE, Outgoing(), c, effects=(CreateHandoff(request),))


def ask_contact(ctx: StepContext, c: Consultation, kind: contact.ContactFor, *, area: str | None = None) -> Step:
    """Before a referral or a ticket: ask how to reach the person, saying why and who sees it (``bot.contact``).
    Leads to ``CONTACT``; the pending hand-off waits in the form."""
    form = {contact.FOR: kind, contact.AREA: area or ""}
    reply = Outgoing.of(contact.ask(kind, ctx.key.channel), quick=_quick("decline_contact"))
    return Step(S.CONTACT, reply, c.replace(form=form, asking=contact.ASK_BOTH))


def ask_form_field(ctx: StepContext, c: Consultation, *before: str) -> Step:
    """The next filing-form field's question (``FILING_FORM``), or the summary to confirm (``FILING_CONFIRM``) when
    the form is complete — which a form just emptied (choosing 网上立案, 修改) never is."""
    slot = guidance.next_form_field(ctx, c)
    if slot is not None:
        return Step(S.FILING_FORM, Outgoing.of(*before, slot.question), c.replace(asking=slot.name))
    c = c.replace(asking=None)
    summary = guidance.render_filing_summary(ctx, c)
    return Step(S.FILING_CONFIRM, Outgoing.of(*before, summary, quick=_quick("confirm", "edit", "cancel")), c)


# ------------------------------------------------------------------------------------ state handlers


def _new(ctx: StepContext, c: Consultation) -> Step:
    """First contact (or after 取消): a story typed straight away is taken as the story."""
    if guidance.looks_like_story(ctx.text):
        return take_story(ctx)
    welcome = say("welcome", court=ctx.services.knowledge.court_name)
    return Step(S.ASK_STORY, Outgoing.of(welcome, say("ask_story")), Consultation())


def _ask_story(ctx: StepContext, c: Consultation) -> Step:
    if not guidance.looks_like_story(ctx.text):
        return _stay(ctx, c, Outgoing.of(say("story_too_short")))
    return take_story(ctx)


def _confirm_cause(ctx: StepContext, c: Consultation) -> Step:
    words = prompts.commands()
    answer = norm(ctx.text)
    chosen: str | None = None
    if c.cause and answer in words.affirm:
        chosen = c.cause
    elif answer.isdigit() and 1 <= int(answer) <= len(c.candidates) and not c.cause:
        chosen = c.candidates[int(answer) - 1]
    elif answer in words.deny or answer == words.quick.none_of_these:
        others = tuple(name for name in c.candidates if name != c.cause)
        if c.cause and others:
            return _stay(ctx, c.replace(cause=None, candidates=others), Outgoing.of(guidance.render_candidates(others)))
        return Step(S.CHOOSE_ROUTE, Outgoing.of(say("cause_other"), quick=("2", "3")), c.replace(cause=OTHER))
    else:
        chosen = guidance.cause_named(ctx.services.knowledge, ctx.text)
    if chosen is None:
        return _stay(ctx, c, Outgoing.of(say("confirm_cause_again")))
    facts = guidance.extract_facts(ctx.services.knowledge, c.story, chosen, ctx.today)
    return ask_next_or_assess(ctx, c.replace(cause=chosen, facts=facts))


def _intake(ctx: StepContext, c: Consultation) -> Step:
    knowledge = ctx.services.knowledge
    text = ctx.text.strip()
    if norm(text) in prompts.commands().back:
        return ask_next_or_assess(ctx, guidance.go_back(c))
    corrected = guidance.correct(knowledge, c, text, ctx.today)
    if corrected is not None:
        return ask_next_or_assess(ctx, corrected, say("corrected"))
    result = guidance.take_answer(knowledge, c, text, ctx.today)
    if result.error:
        return _stay(ctx, result.consultation, Outgoing.of(result.error))
    return ask_next_or_assess(ctx, result.consultation, result.ack)


def _choose_route(ctx: StepContext, c: Consultation) -> Step:
    route = prompts.commands().route(norm(ctx.text))
    if route == "mediation":
        return Step(S.MEDIATION_CONSENT, Outgoing.of(guidance.mediation_offer(c), quick=_quick("agree", "cancel")), c)
    if route == "filing":
        return ask_form_field(ctx, c.replace(form={}), say("filing_intro"))
    if route == "human":
        return ask_ticket(c)
    corrected = guidance.correct(ctx.services.knowledge, c, ctx.text, ctx.today)
    if corrected is not None:
        return ask_next_or_assess(ctx, corrected, say("corrected"))
    if guidance.looks_like_story(ctx.text) and len(ctx.text) > 15:
        # More detail about the dispute: when it adds facts, fold it into the story and assess again.
        added = guidance.add_to_story(ctx.services.knowledge, c, ctx.text, ctx.settings.max_text_chars, ctx.today)
        if added is not None:
            return ask_next_or_assess(ctx, added)
    return _stay(ctx, c, Outgoing.of(say("routes_again"), quick=ROUTES_QUICK))


def _mediation_consent(ctx: StepContext, c: Consultation) -> Step:
    """The answer to the mediation question read by meaning (``Knowledge.read_consent``; a changed mind by
    ``read_consent_change``), the bare words of ``commands.yaml`` (是 / 不) as a fallback; a correction of a fact
    typed here takes the correction path; an unclear answer is asked again, saying it is free and voluntary."""
    knowledge = ctx.services.knowledge
    words = prompts.commands()
    answer = norm(ctx.text)
    stance = knowledge.read_consent_change(ctx.text) or knowledge.read_consent(ctx.text)
    if stance == "unclear" and answer in words.deny:
        stance = "no"
    elif stance == "unclear" and (answer.startswith(words.consent) or answer in words.affirm):
        stance = "yes"
    if stance == "no":
        return Step(S.CHOOSE_ROUTE, Outgoing.of(say("mediation_declined"), quick=("2", "3")), c)
    if stance == "unclear":
        corrected = guidance.correct(knowledge, c, ctx.text, ctx.today)
        if corrected is not None:
            return ask_next_or_assess(ctx, corrected, say("corrected"))
        again = "\n".join((say("mediation_consent_unclear"), say("mediation_consent_again")))
        return _stay(ctx, c, Outgoing.of(again, quick=_quick("agree", "cancel")))
    return ask_contact(ctx, c, "referral", area=knowledge.find_area(ctx.text))


def _filing_form(ctx: StepContext, c: Consultation) -> Step:
    field, text, before = c.asking or "", ctx.text, []
    fixed = contact.form_correction(ctx.text)  # "不对 手机号输错了 是139…": that field, never this one
    if fixed is not None and fixed[0] != field and fixed[0] in c.form:
        field, text, before = fixed[0], fixed[1], [say("corrected")]
    try:
        value = ctx.services.knowledge.answer_form_field(field, text)
    except InputError as err:
        return _stay(ctx, c, Outgoing.of(err.user_message))
    form = guidance.readable_form(ctx, c)  # drops a field that no longer decrypts: it is asked again
    form[field] = guidance.seal_form_value(ctx, field, value)
    return ask_form_field(ctx, c.replace(form=form), *before)


EDITING = "edit"  # FILING_CONFIRM's ``asking`` after 修改: the next reply names the one field to change


def _filing_confirm(ctx: StepContext, c: Consultation) -> Step:
    """确认 hands the filing off. 修改 changes ONE field, the others kept: "修改" shows the numbered fields and the
    next reply picks one ("3"), or the reply names it at once ("修改3", "修改手机号"); its question is asked, and
    the summary comes back. A correction typed here ("手机号输错了 是139…") changes that field straight away."""
    words = prompts.commands()
    answer = norm(ctx.text)
    if answer in words.affirm or answer.startswith(words.confirm):
        return hand_off(ctx, c, "filing")
    slot = guidance.form_field_named(ctx, ctx.text, by_number=c.asking == EDITING)
    if slot is not None:
        return Step(S.FILING_FORM, Outgoing.of(slot.question), c.replace(asking=slot.name))
    fixed = contact.form_correction(ctx.text)
    if fixed is not None:
        try:
            value = ctx.services.knowledge.answer_form_field(fixed[0], fixed[1])
        except InputError as err:
            return _stay(ctx, c, Outgoing.of(err.user_message))
        form = {**guidance.readable_form(ctx, c), fixed[0]: guidance.seal_form_value(ctx, fixed[0], value)}
        return ask_form_field(ctx, c.replace(form=form), say("corrected"))
    if answer in words.edit:
        quick = tuple(str(i) for i in range(1, len(guidance.form_fields(ctx)) + 1))
        return _stay(ctx, c.replace(asking=EDITING), Outgoing.of(guidance.edit_menu(ctx), quick=quick))
    return _stay(ctx, c, Outgoing.of(say("filing_confirm_again"), quick=_quick("confirm", "edit", "cancel")))


def _ticket_desc(ctx: StepContext, c: Consultation) -> Step:
    return ask_contact(ctx, c.replace(ticket_question=guidance.clip(ctx.text, 500)[0]), "ticket")


def _contact(ctx: StepContext, c: Consultation) -> Step:
    """Name and number for the pending referral or ticket (``bot.contact``): read, corrected, read back, then
    handed off on "确认"; "不留" hands off without them."""
    words = prompts.commands()
    answer = norm(ctx.text)
    kind: contact.ContactFor = "referral" if c.form.get(contact.FOR) == "referral" else "ticket"
    area = c.form.get(contact.AREA) or None
    name = c.form.get(contact.NAME)
    phone = contact.unseal(ctx.settings.pii_key, c.form.get(contact.PHONE))
    if answer in words.decline_contact:
        return hand_off(ctx, c.replace(form={}, asking=None), kind, area=area)
    confirmed = answer in words.affirm or answer.startswith(words.confirm)
    if c.asking == contact.ASK_CONFIRM and name and phone and confirmed:
        # the applicant of the record, through the filing form's own fields (the number stays sealed)
        form = {"plaintiff_name": name, "plaintiff_phone": guidance.seal_form_value(ctx, "plaintiff_phone", phone)}
        return hand_off(ctx, c.replace(asking=None, form=form), kind, area=area)
    reading = contact.read_contact(ctx.text, want_name=c.asking in (contact.ASK_BOTH, contact.ASK_NAME))
    quick = _quick("decline_contact")
    if reading.error:
        if reading.name:  # keep the name typed with a mistyped number
            c = c.replace(form={**c.form, contact.NAME: reading.name}, asking=contact.ASK_PHONE)
        return _stay(ctx, c, Outgoing.of(reading.error, quick=quick))
    if reading.name is None and reading.phone is None:
        if name and phone:
            again = "\n".join((say("contact_confirm_again"), contact.confirm(name, phone, kind)))
            c = c.replace(asking=contact.ASK_CONFIRM)
            return _stay(ctx, c, Outgoing.of(again, quick=_quick("confirm", "decline_contact")))
        question, asking = contact.ask_missing(name, phone)
        return _stay(ctx, c.replace(asking=asking), Outgoing.of(question, quick=quick))
    changed = (name is not None and reading.name not in (None, name)) or (
        phone is not None and reading.phone not in (None, phone)
    )
    name, phone = reading.name or name, reading.phone or phone
    form = {**c.form, contact.NAME: name or ""}
    if phone:
        form[contact.PHONE] = contact.seal(ctx.settings.pii_key, phone)
    form = {k: v for k, v in form.items() if v or k in (contact.FOR, contact.AREA)}
    before = [say("corrected")] if changed else []
    if name and phone:
        c = c.replace(form=form, asking=contact.ASK_CONFIRM)
        reply = Outgoing.of(*before, contact.confirm(name, phone, kind), quick=_quick("confirm", "decline_contact"))
        return _stay(ctx, c, reply)
    question, asking = contact.ask_missing(name, phone)
    return _stay(ctx, c.replace(form=form, asking=asking), Outgoing.of(*before, question, quick=quick))


def _done(ctx: StepContext, c: Consultation) -> Step:
    if guidance.looks_like_story(ctx.text) and len(ctx.text) >= 10:
        return take_story(ctx)
    return _stay(ctx, c, Outgoing.of(say("done_hint"), quick=_quick("progress", "start")))


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
    S.CONTACT: _contact,
    S.DONE: _done,
}

# Every state may also stay where it is.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.NEW: TAKE_STORY | {S.ASK_STORY},
    S.ASK_STORY: TAKE_STORY,
    S.CONFIRM_CAUSE: NEXT_OR_ASSESS | {S.CHOOSE_ROUTE},
    S.INTAKE: NEXT_OR_ASSESS,
    S.CHOOSE_ROUTE: NEXT_OR_ASSESS | {S.MEDIATION_CONSENT, S.FILING_FORM, S.TICKET_DESC},
    S.MEDIATION_CONSENT: NEXT_OR_ASSESS | {S.CONTACT, S.CHOOSE_ROUTE},
    S.FILING_FORM: frozenset({S.FILING_CONFIRM}),
    S.FILING_CONFIRM: frozenset({S.DONE, S.FILING_FORM}),
    S.TICKET_DESC: frozenset({S.CONTACT}),
    S.CONTACT: frozenset({S.DONE}),
    S.DONE: TAKE_STORY,
}
# Where each global command leads from every state (the others answer and stay).
GLOBAL_EDGES: dict[str, S] = {"restart": S.ASK_STORY, "cancel": S.NEW, "human": S.TICKET_DESC}
# Where the person lands when the hand-off their step asked for is refused (or the service is unavailable):
# the only edge a refused step (``Step.refused``) may take.
REFUSED: dict[S, S] = {
    S.FILING_CONFIRM: S.CHOOSE_ROUTE,
    S.CONTACT: S.CHOOSE_ROUTE,
}


class FlowError(Exception):
    """The transition table is inconsistent, or a step moved along an undeclared edge."""


def validate_table() -> None:
    missing = set(S) - set(HANDLERS)
    if missing:
        raise FlowError(f"states without a handler: {sorted(missing)}")
    unknown = {t for targets in TRANSITIONS.values() for t in targets} - set(S)
    if unknown or set(TRANSITIONS) != set(S):
        raise FlowError("TRANSITIONS must list every state and only known targets")
    if set(GLOBAL_EDGES) - set(GLOBAL_HANDLERS) or set(REFUSED.values()) - set(S):
        raise FlowError("GLOBAL_EDGES must name global commands, REFUSED known states")


def allowed(state: S) -> frozenset[S]:
    """Every state a step that starts in ``state`` may end in."""
    return TRANSITIONS[state] | {state} | frozenset(GLOBAL_EDGES.values())


def check_edge(state: S, step: Step) -> Step:
    """``step`` if the table allows it from ``state`` — a refused step only along the refusal edge declared for
    ``state`` (``REFUSED``) — raises :class:`FlowError` otherwise."""
    if step.refused:
        if REFUSED.get(state) != step.next_state:
            raise FlowError(f"{state} -> {step.next_state} is no refusal edge of the transition table")
        return step
    if step.next_state not in allowed(state):
        raise FlowError(f"{state} -> {step.next_state} is not in the transition table")
    return step


def state_of(name: str | None) -> S:
    """A stored state name as a state (an unknown or missing one starts afresh)."""
    return S(name) if name is not None and name in S._value2member_map_ else S.NEW


# ------------------------------------------------------------------------------------------ dispatch


def run_step(ctx: StepContext, state: S, c: Consultation) -> Step:
    """One step from ``state``: events and unreadable messages, global commands, the person's actions on their
    records, the next waiting page — then the state's handler. The result is checked against the table."""
    return check_edge(state, _dispatch(dataclasses.replace(ctx, state=state), c))


# Where a short question is answered from prompts/faq.yaml; in the others the text is content the person is giving
# (what a human should do for them, a form field, how to reach them, the mediation answer).
FAQ_STATES = frozenset({S.NEW, S.ASK_STORY, S.CONFIRM_CAUSE, S.INTAKE, S.CHOOSE_ROUTE, S.DONE})


def _dispatch(ctx: StepContext, c: Consultation) -> Step:
    msg = ctx.msg
    if isinstance(msg, IncomingEvent):
        if msg.event is EventKind.SUBSCRIBE:
            welcome = say("welcome", court=ctx.services.knowledge.court_name)
            return Step(S.ASK_STORY, Outgoing.of(welcome, say("ask_story"), quick=_quick("start")), Consultation())
        if msg.event is not EventKind.MENU_CLICK:
            return _stay(ctx, c, Outgoing())  # unsubscribe, template results…: "success"
    if isinstance(msg, IncomingUnsupported):
        return _stay(ctx, c, Outgoing.of(say("unsupported")))
    if isinstance(msg, IncomingVoice) and not msg.recognition:
        return _stay(ctx, c, Outgoing.of(say("voice_no_text")))

    command = _global_command(ctx)
    if command:
        step = GLOBAL_HANDLERS[command](ctx, c)
        if step.next_state not in (ctx.state, GLOBAL_EDGES.get(command)):
            raise FlowError(f"{command} -> {step.next_state} is not in GLOBAL_EDGES")
        return step
    acted = _record_action(ctx, c)
    if acted is not None:
        return acted
    if isinstance(msg, IncomingEvent):  # a menu key we do not know
        return _stay(ctx, c, Outgoing.of(say("help")))
    if norm(ctx.text) in prompts.commands().more:
        page = next_page(c.pages)
        if page is not None:
            reply, waiting = page
            return Step(ctx.state, reply, c.replace(pages=waiting), is_page=True)
    if not guidance.has_words(ctx.text):
        return _stay(ctx, c, Outgoing.of(say("empty_text")))
    answer = faq_answer(norm(ctx.text)) if ctx.state in FAQ_STATES else None
    if answer is not None:  # a question, not a story: answered where the person is, nothing else changes
        knowledge = ctx.services.knowledge
        text = say(answer, court=knowledge.court_name, hotline=knowledge.court.hotline)
        if ctx.state is S.INTAKE and c.cause and c.asking:  # and the question it was waiting on, asked again
            slot = knowledge.slot(c.cause, c.asking)
            return _stay(ctx, c, Outgoing.of(text, slot.question, quick=slot.quick_replies))
        return _stay(ctx, c, Outgoing.of(text))
    return HANDLERS[ctx.state](ctx, c)


# ------------------------------------------------------------------------------------------- picture


def mermaid() -> str:
    words = prompts.commands()
    order = list(S)
    lines = ["stateDiagram-v2", "    [*] --> new"]
    for state in S:
        for target in sorted(TRANSITIONS[state] - {state}, key=order.index):  # staying is always allowed
            lines.append(f"    {state.value} --> {target.value}")
        if state in REFUSED:
            lines.append(f"    {state.value} --> {REFUSED[state].value} : hand-off refused")
    globals_ = ", ".join(f"{words.commands[name][0]} → {target.value}" for name, target in GLOBAL_EDGES.items())
    stays = " / ".join(words.commands[name][0] for name in GLOBAL_HANDLERS if name not in GLOBAL_EDGES)
    lines.append("    note right of new")
    lines.append(f"        from every state: {globals_};")
    lines.append(f"        {stays} / {words.quick.more} (next page) answer and stay")
    lines.append("    end note")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    if "--mermaid" in sys.argv:
        sys.stdout.write(mermaid())
