"""The effects a step asks for, and the runner that carries them out inside the step's transaction.

A handler never writes: it returns a ``Step`` whose ``effects`` say what should happen —

- ``CreateHandoff(draft)`` — create the referral, filing or 12368 ticket;
- ``PersonAction(reference, action)`` — the person's own "已补正 LA-…" / "撤回 …" on one of their records;
- ``ShowProgress()`` — list the person's records (查询进度).

:func:`run_effects` carries them out in the engine's transaction, through the hand-off service
(:class:`HandoffService`), and returns a **new** ``Step``: the reply with what the effects said appended, the
consultation (the filing form dropped once casework holds it), and the next state — the handler's, or
``refused_to`` when a hand-off was refused or the hand-off service is unavailable. The engine checks that step
against the transition table too (``bot.flow.check_refused``): the refusal edges are declared there
(``bot.flow.REFUSED``), never made up here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import prompts
from bot.handoff import HandoffDraft, HandoffRef, HandoffRefusedError
from bot.messages import Outgoing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.flow import S, Step, StepContext
    from bot.store import DialogTx


class HandoffService(Protocol):
    """What the effects need from the hand-off side: drafts in, references out. Each call raises
    ``HandoffRefusedError`` with the reason (plain Chinese) when it is refused."""

    def create(self, session: Session, draft: HandoffDraft) -> HandoffRef: ...

    def records(self, session: Session, user_id: str) -> list[HandoffRef]: ...

    def act(self, session: Session, user_id: str, channel: str, reference: str, action: str) -> HandoffRef: ...


@dataclass(frozen=True)
class CreateHandoff:
    draft: HandoffDraft


@dataclass(frozen=True)
class ShowProgress:
    pass


@dataclass(frozen=True)
class PersonAction:
    reference: str
    action: Literal["resubmit", "withdraw"]


Effect = CreateHandoff | ShowProgress | PersonAction


def run_effects(ctx: StepContext, tx: DialogTx, step: Step, *, refused_to: S) -> Step:
    """Carry out ``step``'s effects in ``tx``; the step that results (see the module docstring).

    ``refused_to`` is where a refused hand-off leads from the step's starting state.
    """
    parts: list[str] = []
    consultation = step.consultation
    next_state = step.next_state
    port = ctx.services.handoff
    session = tx.session
    for effect in step.effects:
        if isinstance(effect, CreateHandoff):
            if port is None or session is None:
                parts.append(prompts.load("handoff_unavailable"))
                next_state = refused_to
                continue
            try:
                ref = port.create(session, effect.draft)
            except HandoffRefusedError as refused:
                parts.append(refused.user_message)
                next_state = refused_to
                continue
            parts.append(render_record(ref))
            if effect.draft.kind == "filing":
                consultation = consultation.replace(form={})  # casework holds it now (encrypted); no copy here
        elif isinstance(effect, PersonAction):
            if port is None or session is None:
                parts.append(prompts.load("handoff_unavailable"))
                continue
            try:
                done = port.act(session, ctx.key.user_id, ctx.key.channel, effect.reference, effect.action)
            except HandoffRefusedError as refused:
                parts.append(refused.user_message)
                continue
            parts.append(render_record(done))
        elif isinstance(effect, ShowProgress):
            refs = port.records(session, ctx.key.user_id) if (port is not None and session is not None) else []
            parts.append(render_progress(refs))
    reply = Outgoing(parts=step.reply.parts + tuple(parts), quick_replies=step.reply.quick_replies)
    return dataclasses.replace(step, next_state=next_state, reply=reply, consultation=consultation, effects=())


def _kind_name(kind: str) -> str:
    return prompts.commands().kinds.get(kind, kind)


def render_record(ref: HandoffRef) -> str:
    """What the person reads about one record: casework's own reply (naming the committee, the next steps, the
    complaint's link), or the reference, kind and state."""
    if ref.detail:
        return ref.detail
    text = prompts.load(
        "handoff_done", kind_name=_kind_name(ref.kind), reference=ref.reference, state=ref.state, detail=""
    )
    return text.replace("\n\n", "\n")


def render_progress(refs: list[HandoffRef]) -> str:
    if not refs:
        return prompts.load("progress_none")
    lines = [prompts.load("progress_head")]
    lines += [
        f"· {r.detail}"
        if r.detail
        else prompts.load("progress_line", reference=r.reference, kind_name=_kind_name(r.kind), state=r.state)
        for r in refs
    ]
    return "\n".join(lines)
