"""The effects a step asks for, and the runner that carries them out inside the step's transaction.

A handler never writes: it returns a ``Step`` whose ``effects`` say what should happen —

- ``CreateHandoff(request)`` — create the referral, filing or 12368 ticket (casework's ``HandoffRequest``);
- ``PersonAction(reference, action)`` — the person's own "已补正 LA-…" / "撤回 …" on one of their records;
- ``ShowProgress()`` — list the person's records (查询进度), each with the full text of the latest notices staff
  sent about it.

A person on a channel without pushes (the chat page, the CLI) sees the notices staff sent since their last message
once, before the reply to their next one (:data:`PUSH_CHANNELS` get them as WeChat messages instead).

:func:`run_effects` carries them out in the engine's transaction, through the hand-off port
(``bot.handoff.HandoffPort``), and returns a **new** ``Step``: the reply with what the effects said appended (each
record as :func:`bot.handoff.ref_text` words it), the consultation (the filing form dropped once casework holds
it), and the next state — the handler's, or ``refused_to`` when a hand-off was refused or the hand-off port is
unavailable (the step then says ``refused``). The engine checks that step against the transition table too
(``bot.flow.check_edge``): the refusal edges are declared there (``bot.flow.REFUSED``), never made up here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import prompts
from bot.handoff import HandoffRefusedError, RecordAction, ref_text
from bot.messages import Outgoing

if TYPE_CHECKING:
    from bot.flow import S, Step, StepContext
    from bot.store import DialogTx
    from casework.records import RecordRef
    from casework.service import HandoffRequest


@dataclass(frozen=True)
class CreateHandoff:
    request: HandoffRequest


@dataclass(frozen=True)
class ShowProgress:
    pass


@dataclass(frozen=True)
class PersonAction:
    reference: str
    action: RecordAction


Effect = CreateHandoff | ShowProgress | PersonAction
PUSH_CHANNELS = frozenset({"wechat"})  # channels whose notices are pushed; the others read them in the chat


def run_effects(ctx: StepContext, tx: DialogTx, step: Step, *, refused_to: S) -> Step:
    """Carry out ``step``'s effects in ``tx``; the step that results (see the module docstring).

    ``refused_to`` is where a refused hand-off leads from the step's starting state.
    """
    parts: list[str] = []
    consultation = step.consultation
    next_state = step.next_state
    refused = step.refused
    port = ctx.services.handoff
    session = tx.session
    base_url = ctx.settings.public_base_url or ""  # unset: the path alone; the HTTP edge adds the request's address
    for effect in step.effects:
        if isinstance(effect, CreateHandoff):
            if port is None or session is None:
                parts.append(prompts.load("handoff_unavailable"))
                next_state, refused = refused_to, True
                continue
            try:
                ref = port.create(session, effect.request)
            except HandoffRefusedError as err:
                parts.append(err.user_message)
                next_state, refused = refused_to, True
                continue
            parts.append(ref_text(ref, base_url))
            # casework holds the form now (the filing's parties, a referral's or ticket's contact; encrypted)
            consultation = consultation.replace(form={})
        elif isinstance(effect, PersonAction):
            if port is None or session is None:
                parts.append(prompts.load("handoff_unavailable"))
                continue
            try:
                done = port.act(session, ctx.key.user_id, ctx.key.channel, effect.reference, effect.action)
            except HandoffRefusedError as err:
                parts.append(err.user_message)
                continue
            parts.append(ref_text(done, base_url))
        elif isinstance(effect, ShowProgress):
            refs = port.records(session, ctx.key.user_id) if (port is not None and session is not None) else []
            parts.append(render_progress(refs, base_url, ctx.key.channel))
    before: list[str] = []
    if port is not None and session is not None and ctx.key.channel not in PUSH_CHANNELS:
        news = port.unseen_notices(session, ctx.key.user_id)  # shown once: 查询进度 shows them in its list
        if news and not any(isinstance(e, ShowProgress) for e in step.effects):
            before.append("\n".join([prompts.load("notice_head"), *(f"· {text}" for text in news)]))
    parts = [*before, *step.reply.parts, *parts]
    reply = Outgoing(parts=tuple(parts), quick_replies=step.reply.quick_replies)
    return dataclasses.replace(
        step, next_state=next_state, reply=reply, consultation=consultation, effects=(), refused=refused
    )


def render_progress(refs: list[RecordRef], base_url: str, channel: str = "wechat") -> str:
    """查询进度: the person's records (casework's status line; a filing's complaint link), each with the full text
    of the latest notices staff sent about it, and how the person hears of the next one."""
    if not refs:
        return prompts.load("progress_none")
    lines = [prompts.load("progress_head")]
    for ref in refs:
        lines.append(f"· {ref_text(ref, base_url)}")
        lines.extend(prompts.load("progress_notice", text=text) for text in ref.notices)
    lines.append(prompts.load("notice_reach_wechat" if channel in PUSH_CHANNELS else "notice_reach_chat"))
    return "\n".join(lines)
