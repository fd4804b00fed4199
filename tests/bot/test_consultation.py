"""The consultation model (old records keep working), the transition table's completeness (refusal edges, immutable
steps, the effects checked too), and the busy answer when the database stays locked."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot import flow
from bot.consultation import VERSION, Consultation
from bot.engine import DialogEngine, Services
from bot.messages import Channel, IncomingText, Outgoing
from bot.store import DialogRecord, MemoryDialogStore, SessionKey, SqlDialogStore
from core.settings import Settings
from knowledge import Knowledge

# What a dialog record looked like before the consultation was a model (bot/flow.py and bot/guidance.py wrote
# these keys into a dict): a deployed database holds rows like this one.
OLD_RECORD = {
    "story": "去年三月朋友借了我五万块钱，写了借条，到期一直不还",
    "cause": "民间借贷纠纷",
    "candidates": ["民间借贷纠纷", "其他", "不当得利纠纷"],
    "facts": {"claim_amount_yuan": 50000.0, "evidence": ["借条"], "loan_date": "2025-03-01"},
    "asking": "due_date",
    "asked": ["due_date"],
    "skipped": None,
    "fails": {"due_date": 1},
    "return_state": "intake",
    "_pages": ["第二页"],
    "assessment": None,
}


def test_an_old_record_loads_with_defaults_and_drops_unknown_keys() -> None:
    c = Consultation.load(OLD_RECORD)
    assert c.version == VERSION
    assert c.story.startswith("去年三月") and c.cause == "民间借贷纠纷"
    assert c.candidates == ("民间借贷纠纷", "其他", "不当得利纠纷")
    assert c.facts["claim_amount_yuan"] == 50000.0 and c.asking == "due_date" and c.asked == ("due_date",)
    assert c.skipped == () and c.fails == {"due_date": 1}
    assert c.pages == ("第二页",)  # "_pages" became "pages"
    assert c.form == {} and c.ticket_question is None and c.assessment is None
    dumped = c.dump()
    assert "return_state" not in dumped and "_pages" not in dumped
    assert Consultation.load(dumped) == c  # the JSON form round-trips
    assert Consultation.load(None) == Consultation() == Consultation.load({})


def test_the_consultation_is_frozen() -> None:
    c = Consultation(story="x")
    with pytest.raises(ValueError):
        c.story = "y"  # type: ignore[misc]
    assert c.replace(story="y").story == "y" and c.story == "x"


@pytest.fixture
def engine(settings: Settings, kb: Knowledge) -> DialogEngine:
    return DialogEngine(MemoryDialogStore(), settings, Services(knowledge=kb))


def say(engine: DialogEngine, text: str, user: str = "u1") -> Outgoing:
    return engine.handle(IncomingText(user_id=user, channel=Channel.WEB, dedupe_key=uuid.uuid4().hex, text=text))


def test_a_conversation_stored_before_the_model_goes_on(engine: DialogEngine) -> None:
    key = SessionKey("web", "u1")
    engine.store.set(key, DialogRecord(state="intake", data=dict(OLD_RECORD)))
    out = say(engine, "没约定")  # the answer to the question the old record was asking
    assert "系统开小差" not in out.text
    rec = engine.store.get(key)
    assert rec is not None and rec.state == "intake"
    assert rec.data["version"] == VERSION and "none" in rec.data["facts"] and "return_state" not in rec.data
    assert rec.data["asking"] != "due_date"


def test_steps_are_immutable() -> None:
    step = flow.Step(flow.S.NEW, Outgoing(), Consultation())
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.next_state = flow.S.DONE  # type: ignore[misc]


def test_refusal_edges_are_declared_and_checked() -> None:
    flow.validate_table()
    c = Consultation()
    refused = flow.Step(flow.S.CHOOSE_ROUTE, Outgoing(), c, refused=True)
    for state in (flow.S.CONTACT, flow.S.FILING_CONFIRM):
        assert flow.REFUSED[state] == flow.S.CHOOSE_ROUTE
        assert flow.check_edge(state, refused) is refused
    with pytest.raises(flow.FlowError):  # the form itself asks for no hand-off: it has no refusal edge
        flow.check_edge(flow.S.FILING_FORM, dataclasses.replace(refused, next_state=flow.S.INTAKE))
    with pytest.raises(flow.FlowError):  # a refused step takes the declared edge, no other
        flow.check_edge(flow.S.FILING_CONFIRM, dataclasses.replace(refused, next_state=flow.S.INTAKE))
    with pytest.raises(flow.FlowError):  # a step that was not refused may not take the refusal edge
        flow.check_edge(flow.S.FILING_CONFIRM, dataclasses.replace(refused, refused=False))


def test_a_hand_off_without_the_service_goes_back_to_the_routes(engine: DialogEngine) -> None:
    """The memory store has no database session, so the hand-off is "unavailable": the refusal edge."""
    say(engine, "楼上卫生间一直往我家漏水，天花板都泡坏了，找他修他不理")
    say(engine, "是")
    for _ in range(8):
        if engine.store.get(SessionKey("web", "u1")).state != "intake":  # type: ignore[union-attr]
            break
        say(engine, "不知道")
    say(engine, "1")
    say(engine, "同意")
    out = say(engine, "不留")
    assert "暂时不可用" in out.text
    assert engine.store.get(SessionKey("web", "u1")).state == "choose_route"  # type: ignore[union-attr]


def test_a_database_still_locked_gets_the_busy_answer(
    tmp_path: Path, settings: Settings, kb: Knowledge, sqlite_factory, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    engine = DialogEngine(SqlDialogStore(sqlite_factory), settings, Services(knowledge=kb))

    def locked(self: DialogEngine, msg: object) -> Outgoing:
        raise OperationalError("UPDATE dialog_states", {}, Exception("database is locked"))

    monkeypatch.setattr(DialogEngine, "_handle_once", locked)
    out = say(engine, "你好")
    assert "处理较多请求" in out.text and "12368" in out.text
