"""The dialog engine on a memory store with the real knowledge tables and no hand-off service: the first
conversation, global commands, dedupe, paging, bad input, the transition table, and that a failing step leaves
nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import flow
from bot.consultation import Consultation
from bot.engine import DialogEngine, Services
from bot.messages import (
    Channel,
    EventKind,
    IncomingEvent,
    IncomingText,
    IncomingUnsupported,
    IncomingVoice,
    MenuKey,
    Outgoing,
)
from bot.store import MemoryDialogStore, SessionKey, SqlDialogStore
from core.settings import Settings
from knowledge import Knowledge

STORY = "去年三月朋友借了我五万块钱，写了借条，到期一直不还"
CONFIRM = "民间借贷纠纷"  # the cause the story is recognised as, asked to be confirmed


@pytest.fixture
def engine(settings: Settings, kb: Knowledge) -> DialogEngine:
    return DialogEngine(MemoryDialogStore(), settings, Services(knowledge=kb))


def text(
    engine: DialogEngine, t: str, user: str = "u1", key: str | None = None, channel: Channel = Channel.WEB
) -> Outgoing:
    return engine.handle(IncomingText(user_id=user, channel=channel, dedupe_key=key, text=t))


def state_of(engine: DialogEngine, user: str = "u1", channel: Channel = Channel.WEB) -> str | None:
    rec = engine.store.get(SessionKey(channel.value, user))
    return rec.state if rec else None


def test_first_conversation_greets_takes_story_confirms_cause_and_offers_routes(engine: DialogEngine) -> None:
    hello = text(engine, "你好")
    assert "诉前辅导助手" in hello.text and "请用几句话" in hello.text
    assert state_of(engine) == "ask_story"
    confirm = text(engine, STORY)
    assert CONFIRM in confirm.text and confirm.quick_replies == ("是", "不是")
    assert state_of(engine) == "confirm_cause"
    out = text(engine, "是")
    asked = 0
    while state_of(engine) == "intake" and asked < 8:
        asked += 1
        out = text(engine, "不知道")
    assert state_of(engine) == "choose_route"
    assert "1. 人民调解" in out.text and "2. 网上立案" in out.text and "3. 人工服务" in out.text
    assert "不是起诉的前提条件" in out.text  # mediation offered, never a condition
    assert out.quick_replies == ("1", "2", "3")


def test_story_typed_at_first_contact_is_taken_as_the_story(engine: DialogEngine) -> None:
    out = text(engine, STORY)
    assert state_of(engine) == "confirm_cause"
    assert CONFIRM in out.text


def test_short_story_asks_for_more(engine: DialogEngine) -> None:
    text(engine, "你好")
    out = text(engine, "借钱")
    assert "再多说一点" in out.text
    assert state_of(engine) == "ask_story"


@pytest.mark.parametrize(
    "command,expect", [("帮助", "开始咨询 / 重新开始"), ("查询进度", "还没有提交过"), (" 帮助 ", "开始咨询 / 重新开始")]
)
def test_global_commands_answer_in_every_state_and_keep_it(engine: DialogEngine, command: str, expect: str) -> None:
    text(engine, STORY)
    before = state_of(engine)
    out = text(engine, command)
    assert expect in out.text
    assert state_of(engine) == before


def test_restart_and_cancel(engine: DialogEngine) -> None:
    text(engine, STORY)
    assert "请用几句话" in text(engine, "重新开始").text
    assert state_of(engine) == "ask_story"
    out = text(engine, "取消")
    assert "已结束" in out.text
    assert state_of(engine) == "new"


def test_transfer_to_human_asks_what_for(engine: DialogEngine) -> None:
    text(engine, STORY)
    out = text(engine, "转人工")
    assert "人工" in out.text
    assert state_of(engine) == "ticket_desc"


def test_menu_clicks_map_to_commands(engine: DialogEngine) -> None:
    out = engine.handle(
        IncomingEvent(user_id="u1", channel=Channel.WECHAT, event=EventKind.MENU_CLICK, key=MenuKey.PROGRESS)
    )
    assert "还没有提交过" in out.text
    out = engine.handle(
        IncomingEvent(user_id="u1", channel=Channel.WECHAT, event=EventKind.MENU_CLICK, key=MenuKey.START)
    )
    assert "请用几句话" in out.text
    out = engine.handle(
        IncomingEvent(user_id="u1", channel=Channel.WECHAT, event=EventKind.MENU_CLICK, key="SOMETHING_ELSE")
    )
    assert "开始咨询" in out.text  # unknown key: help, not an error


def test_subscribe_welcomes_and_unsubscribe_is_silent(engine: DialogEngine) -> None:
    out = engine.handle(IncomingEvent(user_id="u9", channel=Channel.WECHAT, event=EventKind.SUBSCRIBE))
    assert "诉前辅导助手" in out.text
    out = engine.handle(IncomingEvent(user_id="u9", channel=Channel.WECHAT, event=EventKind.UNSUBSCRIBE))
    assert out.parts == ()
    out = engine.handle(IncomingEvent(user_id="u9", channel=Channel.WECHAT, event=EventKind.OTHER, raw_event="VIEW"))
    assert out.parts == ()


def test_voice_uses_recognition_or_asks_for_text(engine: DialogEngine) -> None:
    out = engine.handle(IncomingVoice(user_id="u1", channel=Channel.WECHAT, recognition=STORY))
    assert CONFIRM in out.text
    out = engine.handle(IncomingVoice(user_id="u2", channel=Channel.WECHAT, recognition=None))
    assert "没有识别出文字" in out.text


@pytest.mark.parametrize("kind", ["image", "location", "link", "file", "video"])
def test_unsupported_kinds_get_a_polite_answer(engine: DialogEngine, kind: str) -> None:
    out = engine.handle(IncomingUnsupported(user_id="u1", channel=Channel.WECHAT, kind=kind))
    assert "只能看懂文字和语音" in out.text


@pytest.mark.parametrize("t", ["", "   ", "😀😀😀", "！？。。"])
def test_empty_or_emoji_only_text(engine: DialogEngine, t: str) -> None:
    out = text(engine, t)
    assert "没有看到文字内容" in out.text


def test_very_long_text_is_clipped_with_a_note_not_refused(engine: DialogEngine) -> None:
    out = text(engine, STORY + "。" + "他还说会还" * 3000)
    assert "描述较长" in out.text
    rec = engine.store.get(SessionKey("web", "u1"))
    assert rec is not None and len(rec.data["story"]) == engine.settings.max_text_chars


def test_retry_of_same_message_returns_same_reply_and_does_not_advance(engine: DialogEngine) -> None:
    text(engine, "你好", key="m1")
    first = text(engine, STORY, key="m2")
    state = state_of(engine)
    again = text(engine, STORY, key="m2")
    assert again == first
    assert state_of(engine) == state
    other_user = text(engine, STORY, user="u2", key="m2-other")
    assert other_user.text


def test_wechat_long_replies_are_paged_with_continue(settings: Settings, kb: Knowledge) -> None:
    small = settings.model_copy(update={"wechat_text_limit_bytes": 300})
    engine = DialogEngine(MemoryDialogStore(), small, Services(knowledge=kb))
    out = engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="帮助"))
    assert "回复 1 继续" in out.text
    pages = [out.text]
    for _ in range(10):
        if "回复 1 继续" not in pages[-1]:
            break
        pages.append(engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="1")).text)
    assert "回复 1 继续" not in pages[-1]
    assert all(len(p.encode("utf-8")) <= 300 for p in pages)
    joined = "".join(pages)
    for line in ("查询进度", "转人工", "取消", "12368"):
        assert line in joined


def test_failing_step_is_polite_and_rolled_back(
    tmp_path: Path, settings: Settings, kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.db import make_engine, make_sessionmaker
    from core.migrate import upgrade_to_head

    db = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    upgrade_to_head(db)
    engine = DialogEngine(SqlDialogStore(make_sessionmaker(db)), settings, Services(knowledge=kb))
    text(engine, "你好", key="a1")

    def boom(ctx: flow.StepContext, c: Consultation) -> flow.Step:
        raise RuntimeError("disk on fire 11010519491231002X")

    monkeypatch.setitem(flow.HANDLERS, flow.S.ASK_STORY, boom)
    out = text(engine, STORY, key="a2")
    assert "稍后再试" in out.text and "Traceback" not in out.text
    assert state_of(engine) == "ask_story"  # nothing of the failed step was kept
    with engine.store.transaction() as tx:
        assert tx.stored_reply("web:a2") is None  # the retry will be handled afresh
    monkeypatch.undo()
    assert CONFIRM in text(engine, STORY, key="a2").text


def test_transition_table_is_complete_and_diagram_is_current() -> None:
    flow.validate_table()
    committed = (Path(flow.__file__).parent / "dialog.mmd").read_text(encoding="utf-8")
    assert committed == flow.mermaid(), "run: python -m bot.flow --mermaid > bot/dialog.mmd"


def test_undeclared_edge_is_refused(engine: DialogEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    def jump(ctx: flow.StepContext, c: Consultation) -> flow.Step:
        return flow.Step(flow.S.FILING_CONFIRM, Outgoing.of("x"), c)

    monkeypatch.setitem(flow.HANDLERS, flow.S.ASK_STORY, jump)
    text(engine, "你好")
    out = text(engine, STORY)
    assert "稍后再试" in out.text
    assert state_of(engine) == "ask_story"


def test_deferred_late_answer_is_served_on_1(settings: Settings, kb: Knowledge) -> None:
    engine = DialogEngine(MemoryDialogStore(), settings, Services(knowledge=kb))
    engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="你好"))
    late = engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text=STORY, dedupe_key="m5"))
    engine.defer_reply(IncomingText(user_id="w", channel=Channel.WECHAT, text=STORY, dedupe_key="m5"), late)
    again = engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="1"))
    assert again.text == late.text


def test_deferred_pages_fit_the_text_limit_with_the_continue_hint(settings: Settings, kb: Knowledge) -> None:
    engine = DialogEngine(MemoryDialogStore(), settings, Services(knowledge=kb))
    engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="你好"))
    long = Outgoing(parts=tuple(f"第{i}段：" + "按您说的情况，期限目前未超过。" * 40 for i in range(4)))
    engine.defer_reply(IncomingText(user_id="w", channel=Channel.WECHAT, text="…", dedupe_key="m6"), long)
    served = [engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="1"))]
    while served[-1].quick_replies == ("1",) and len(served) < 20:
        served.append(engine.handle(IncomingText(user_id="w", channel=Channel.WECHAT, text="1")))
    assert len(served) > 2 and all(len(p.text.encode()) <= settings.wechat_text_limit_bytes for p in served)
    assert "第3段" in served[-1].text


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_step_computed_on_a_stale_snapshot_is_computed_again(
    settings: Settings, kb: Knowledge, sqlite_factory, monkeypatch: pytest.MonkeyPatch, backend: str  # type: ignore[no-untyped-def]
) -> None:
    """The step runs before the write transaction; when another message of the same person lands in between, the
    first message's step is computed again on the new state instead of overwriting it."""
    store = MemoryDialogStore() if backend == "memory" else SqlDialogStore(sqlite_factory)
    engine = DialogEngine(store, settings, Services(knowledge=kb))
    text(engine, "你好")
    assert state_of(engine) == "ask_story"
    calls: list[tuple[str, str]] = []
    real_run_step = flow.run_step

    def spy(ctx: flow.StepContext, state: flow.S, c: Consultation) -> flow.Step:
        calls.append((ctx.text, state.value))
        if ctx.text == STORY and len(calls) == 1:
            text(engine, "取消", key="b")  # lands while the story's step is being computed
        return real_run_step(ctx, state, c)

    monkeypatch.setattr(flow, "run_step", spy)
    text(engine, STORY, key="a")
    assert calls == [(STORY, "ask_story"), ("取消", "ask_story"), (STORY, "new")]
    assert state_of(engine) == "confirm_cause"  # the story taken after the cancel, as a fresh start
