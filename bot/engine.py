"""The dialog engine: one message in, one reply out, everything that changes committed together.

Flow of ``DialogEngine.handle`` (DESIGN.md, "The flow of one message"):

1. open one store transaction; if the message has a dedupe key, claim it — a retry of a message already
   handled gets the stored reply back and nothing else happens;
2. load the dialog record of the sender (``SessionKey(channel, user_id)``) and read its data as the typed
   ``Consultation`` (the one conversion between the stored JSON and the model: here, at the engine's boundary);
3. run one step of the transition table (``bot.flow``): global commands first, then the handler of the
   current state; the step is pure — it returns the next state, the reply, the new consultation and a list of
   effects;
4. carry out the effects (``bot.effects``: hand-off records, progress, the person's actions) in the same
   transaction — they return a new step, checked against the table like the handler's — save the new record,
   store the reply against the dedupe key, commit;
5. paginate the reply for the channel (WeChat: ≤ the text limit per message, "回复 1 继续" for the rest).

Errors: a ``DuplicateMessage`` from a concurrent worker is answered with the reply that worker stored;
a database still locked after three tries gets the "busy, try again" answer; anything else rolls the
transaction back (nothing half-written) and the person gets a polite "稍后再试" answer with the hotline; the
error is logged with ID/phone numbers masked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError

import prompts
from bot import flow
from bot.consultation import Consultation
from bot.effects import run_effects
from bot.handoff import HandoffPort
from bot.messages import Channel, Incoming, Outgoing
from bot.paging import pack, page_budget, paginate
from bot.store import DialogRecord, DialogStore, DuplicateMessage, SessionKey
from core.pii import mask_text
from core.settings import Settings
from knowledge import Knowledge
from retrieval.types import Searcher

if TYPE_CHECKING:
    from bot.llm import Phraser

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What steps may consult. Frozen: the runtime publishes the searcher, once the index is ready, by giving the
    engine a new ``Services`` (``dataclasses.replace``)."""

    knowledge: Knowledge
    searcher: Searcher | None = None  # None until the judgment index is ready (or when it is unavailable)
    handoff: HandoffPort | None = None  # None: hand-offs answer "unavailable" (the memory store has no session)
    phraser: Phraser | None = None  # the optional LLM (bot.llm.make_phraser); None: template replies only
    today: Callable[[], date] = date.today


class DialogEngine:
    def __init__(self, store: DialogStore, settings: Settings, services: Services) -> None:
        self.store = store
        self.settings = settings
        self.services = services
        flow.validate_table()

    # ------------------------------------------------------------------------------------------- public
    def handle(self, msg: Incoming) -> Outgoing:
        started = time.perf_counter()
        try:
            reply = self._handle_retrying(msg)
        except DuplicateMessage as dup:
            stored = dup.reply or self._stored_reply(_dedupe(msg)) or {}
            log.info("duplicate message answered from the store")
            return _outgoing(stored)
        except OperationalError as exc:
            if not _locked(exc):
                log.exception("step failed for %s", mask_text(msg.user_id))
                return Outgoing.of(prompts.load("error_generic"))
            log.warning("database still locked after retries for %s", mask_text(msg.user_id))
            return Outgoing.of(prompts.load("busy_retry"))
        except Exception:  # the one place that turns any failure into a polite answer
            log.exception("step failed for %s", mask_text(msg.user_id))
            return Outgoing.of(prompts.load("error_generic"))
        finally:
            log.debug("handled %s in %.1f ms", type(msg).__name__, (time.perf_counter() - started) * 1000)
        return reply

    def defer_reply(self, msg: Incoming, reply: Outgoing) -> None:
        """An answer that missed WeChat's 5-second window and cannot be pushed: keep it as waiting pages,
        served when the person sends "1" (the holding reply told them to)."""
        key = SessionKey(msg.channel.value, msg.user_id)
        with self.store.transaction() as tx:
            record = tx.load(key)
            if record is None:
                return
            c = Consultation.load(record.data)
            pages = pack(reply.parts, page_budget(self.settings.wechat_text_limit_bytes))
            record.data = c.replace(pages=(*pages, *c.pages)).dump()
            tx.save(key, record)

    def reset(self, channel: Channel, user_id: str) -> None:
        self.store.clear(SessionKey(channel.value, user_id))

    # ------------------------------------------------------------------------------------------ private
    def _handle_retrying(self, msg: Incoming) -> Outgoing:
        """SQLite refuses a writer whose snapshot went stale ("database is locked"); such a step was rolled
        back whole, so running it again is safe. Three tries, then the error goes up."""
        for attempt in range(3):
            try:
                return self._handle_once(msg)
            except OperationalError as exc:
                if not _locked(exc) or attempt == 2:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _stored_reply(self, dedupe_key: str | None) -> dict[str, Any] | None:
        if not dedupe_key:
            return None
        with self.store.transaction() as tx:
            return tx.stored_reply(dedupe_key)

    def _handle_once(self, msg: Incoming) -> Outgoing:
        """The step (recognition, retrieval, the assessment: the slow part) is computed from a snapshot of the
        dialog *before* the write transaction opens, so SQLite's single writer lock and PostgreSQL's row lock are
        held only for the claim, the effects and the save. Inside the transaction the record is read again; if
        another message of the same person moved it meanwhile, the step is computed again there (rare)."""
        key = SessionKey(msg.channel.value, msg.user_id)
        dedupe = _dedupe(msg)
        ctx = flow.StepContext(
            msg=msg, key=key, settings=self.settings, services=self.services, today=self.services.today()
        )
        with self.store.transaction() as tx:  # a read: no write lock is taken
            if dedupe:
                stored = tx.stored_reply(dedupe)
                if stored is not None:
                    raise DuplicateMessage(stored)
            snapshot = tx.load(key)
        step = _step(ctx, snapshot)
        with self.store.transaction() as tx:
            if dedupe:
                tx.claim_message(dedupe, key)
            current = tx.load(key)
            if _moved(snapshot, current):
                step = _step(ctx, current)
            state = flow.state_of(current.state if current else None)
            done = flow.check_edge(state, run_effects(ctx, tx, step, refused_to=flow.REFUSED.get(state, state)))
            reply, consultation = done.reply, done.consultation
            if not done.is_page:
                reply, waiting = paginate(reply, msg.channel, self.settings.wechat_text_limit_bytes)
                consultation = consultation.replace(pages=waiting)
            version = current.version if current else 0
            tx.save(key, DialogRecord(state=done.next_state.value, data=consultation.dump(), version=version))
            if dedupe:
                tx.store_reply(dedupe, _as_dict(reply))
        return reply


def _step(ctx: flow.StepContext, record: DialogRecord | None) -> flow.Step:
    """One step from the stored record: its state, and its data read as the consultation."""
    if record is None:
        return flow.run_step(ctx, flow.S.NEW, Consultation())
    return flow.run_step(ctx, flow.state_of(record.state), Consultation.load(record.data))


def _locked(exc: OperationalError) -> bool:
    return "locked" in str(exc)


def _moved(before: DialogRecord | None, now: DialogRecord | None) -> bool:
    if before is None or now is None:
        return (before is None) != (now is None)
    return (before.version, before.state) != (now.version, now.state)


def _dedupe(msg: Incoming) -> str | None:
    return f"{msg.channel.value}:{msg.dedupe_key}" if msg.dedupe_key else None


def _as_dict(reply: Outgoing) -> dict[str, Any]:
    return {"parts": list(reply.parts), "quick": list(reply.quick_replies)}


def _outgoing(stored: dict[str, Any]) -> Outgoing:
    return Outgoing(parts=tuple(stored.get("parts", ())), quick_replies=tuple(stored.get("quick", ())))
