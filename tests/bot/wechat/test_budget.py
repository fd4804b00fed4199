"""The reply budget: a slow engine gets a holding reply at once and its answer is pushed later."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.messages import Outgoing
from bot.wechat.edge import HOLDING_NO_PUSH, HOLDING_WITH_PUSH
from bot.wechat.gateway import WeChatGateway
from bot.wechat.inbound import parse_fields
from bot.wechat.outbox import OutboxMessage, OutboxStatus, drain_outbox
from core.db import utcnow

BUDGET = 0.1


def _wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _content(resp: Any) -> str:
    return parse_fields(resp.text)["Content"]


def _statuses(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_slow_answer_is_held_then_pushed(
    make_app: Any,
    helpers: Any,
    wx: Any,
    gateway: WeChatGateway,
    fake_api: Any,
    session_factory: sessionmaker[Session],
) -> None:
    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    engine = helpers.FakeEngine(lambda msg: Outgoing.of("相似案例共 3 件，均支持原告诉请。"), delay_s=0.8)
    app = make_app(settings, engine, gateway=gateway, session_factory=session_factory)
    started = time.monotonic()
    resp = TestClient(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("查一下类似案例"))
    elapsed = time.monotonic() - started
    assert resp.status_code == 200
    assert _content(resp) == HOLDING_WITH_PUSH
    assert elapsed < 0.7  # answered before the engine finished
    assert fake_api.sent == []
    assert _wait_until(lambda: bool(fake_api.sent))
    (sent,) = fake_api.sent
    assert sent["touser"] == wx.OPENID
    assert sent["text"]["content"] == "相似案例共 3 件，均支持原告诉请。"
    assert _wait_until(lambda: _statuses(session_factory) == [OutboxStatus.SENT.value])


def test_slow_answer_in_safe_mode_holding_reply_is_encrypted(
    make_app: Any,
    helpers: Any,
    wx: Any,
    ref: Any,
    gateway: WeChatGateway,
    fake_api: Any,
    session_factory: sessionmaker[Session],
) -> None:
    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    engine = helpers.FakeEngine(delay_s=0.4)
    app = make_app(settings, engine, gateway=gateway, session_factory=session_factory)
    ts, nonce = str(int(time.time())), "5"
    body, sig = ref.envelope(wx.text_xml("慢"), ts, nonce)
    params = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes", "msg_signature": sig}
    resp = TestClient(app).post("/wechat", params=params, content=body)
    env = parse_fields(resp.text)
    plain, _ = ref.decrypt(env["Encrypt"])
    assert parse_fields(plain)["Content"] == HOLDING_WITH_PUSH
    assert _wait_until(lambda: fake_api.texts == ["收到：慢"])


def test_slow_answer_without_gateway_points_to_pagination(
    make_app: Any, helpers: Any, wx: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    engine = helpers.FakeEngine(delay_s=0.3)
    app = make_app(settings, engine)
    with caplog.at_level(logging.INFO, logger="bot.wechat"):
        resp = TestClient(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("慢"))
        assert _content(resp) == HOLDING_NO_PUSH
        assert _wait_until(lambda: engine.steps == 1)
        assert _wait_until(lambda: any("pagination" in r.getMessage() for r in caplog.records))
        assert _wait_until(lambda: len(engine.deferred) == 1)  # the engine keeps it for "1"
        assert engine.deferred[0][1].parts == ("收到：慢",)


def test_placeholder_gateway_counts_as_no_gateway(
    make_app: Any, helpers: Any, wx: Any, session_factory: sessionmaker[Session]
) -> None:
    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    gw = WeChatGateway(helpers.make_settings(wechat_appsecret="change-me"))
    try:
        app = make_app(settings, helpers.FakeEngine(delay_s=0.3), gateway=gw, session_factory=session_factory)
        resp = TestClient(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("慢"))
        assert _content(resp) == HOLDING_NO_PUSH
    finally:
        gw.close()


def test_gateway_without_database_disables_pushes(
    make_app: Any, helpers: Any, wx: Any, gateway: WeChatGateway, fake_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    app = make_app(settings, helpers.FakeEngine(delay_s=0.2), gateway=gateway)
    with caplog.at_level(logging.ERROR, logger="bot.wechat"):
        resp = TestClient(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("慢"))
    assert _content(resp) == HOLDING_NO_PUSH
    assert any("session factory" in r.getMessage() for r in caplog.records)
    time.sleep(0.3)
    assert fake_api.sent == []


def test_slow_engine_failure_pushes_the_polite_error(
    make_app: Any,
    helpers: Any,
    wx: Any,
    gateway: WeChatGateway,
    fake_api: Any,
    session_factory: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def slow_boom(msg: Any) -> Outgoing:
        time.sleep(0.3)
        raise ValueError("bad data from 13912345678")

    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    app = make_app(settings, helpers.FakeEngine(slow_boom), gateway=gateway, session_factory=session_factory)
    with caplog.at_level(logging.ERROR, logger="bot.wechat"):
        resp = TestClient(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("慢"))
        assert _content(resp) == HOLDING_WITH_PUSH
        assert _wait_until(lambda: bool(fake_api.sent))
    assert "12368" in fake_api.texts[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and "13912345678" not in logged


def test_a_retried_slow_message_is_pushed_once(
    make_app: Any,
    helpers: Any,
    wx: Any,
    gateway: WeChatGateway,
    fake_api: Any,
    session_factory: sessionmaker[Session],
) -> None:
    settings = helpers.make_settings(wechat_reply_budget_s=BUDGET)
    engine = helpers.FakeEngine(lambda msg: Outgoing.of("同一个答复"), delay_s=0.3)
    client = TestClient(make_app(settings, engine, gateway=gateway, session_factory=session_factory))
    body = wx.text_xml("慢", msg_id="31")
    for nonce in ("1", "2"):  # WeChat's retry of the same MsgId
        assert _content(client.post("/wechat", params=helpers.signed_params(nonce=nonce), content=body)) == (
            HOLDING_WITH_PUSH
        )
    assert _wait_until(lambda: len(engine.calls) == 2 and _statuses(session_factory) == [OutboxStatus.SENT.value])
    time.sleep(0.4)  # both late answers have landed by now
    assert fake_api.texts == ["同一个答复"]


def test_extra_parts_are_pushed_after_the_passive_reply(
    make_app: Any,
    helpers: Any,
    wx: Any,
    gateway: WeChatGateway,
    fake_api: Any,
    session_factory: sessionmaker[Session],
) -> None:
    settings = helpers.make_settings()
    engine = helpers.FakeEngine(lambda msg: Outgoing.of("第一部分", "第二部分", "第三部分"))
    app = make_app(settings, engine, gateway=gateway, session_factory=session_factory)
    resp = TestClient(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("多段"))
    assert _content(resp) == "第一部分"
    assert fake_api.sent == []  # held back so the passive reply arrives first
    report = drain_outbox(session_factory, gateway, now=lambda: utcnow() + timedelta(seconds=2))
    assert report.sent == 2
    assert fake_api.texts == ["第二部分", "第三部分"]


def test_extra_parts_without_push_are_joined_while_they_fit(make_app: Any, helpers: Any, wx: Any) -> None:
    settings = helpers.make_settings(wechat_text_limit_bytes=40)
    engine = helpers.FakeEngine(lambda msg: Outgoing.of("一二三四五", "六七八", "九十十一十二十三"))  # 15, 9, 24 bytes
    resp = TestClient(make_app(settings, engine)).post(
        "/wechat", params=helpers.signed_params(), content=wx.text_xml("x")
    )
    assert _content(resp) == "一二三四五\n\n六七八"
