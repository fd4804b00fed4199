"""WeChatGateway against an in-process fake of the WeChat API (httpx.MockTransport)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from bot.wechat.errors import GatewayError, TransportError, WeChatApiError
from bot.wechat.gateway import REFRESH_MARGIN_S, WeChatGateway
from core.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _gateway(settings: Settings, handler: Any, clock: Any = None) -> WeChatGateway:
    client = httpx.Client(base_url=settings.wechat_api_base_url, transport=httpx.MockTransport(handler))
    return WeChatGateway(settings, client=client, clock=clock or Clock())


def test_send_text_payload(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    gateway.send_text(wx.OPENID, "您的案件已转人民调解委员会。")
    (sent,) = fake_api.sent
    assert sent == {"touser": wx.OPENID, "msgtype": "text", "text": {"content": "您的案件已转人民调解委员会。"}}
    send_request = fake_api.requests[-1]
    assert send_request.method == "POST"
    assert "您的案件".encode() in send_request.content  # UTF-8, not \\u escapes
    assert send_request.headers["content-type"].startswith("application/json")


def test_token_is_fetched_once_and_cached(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    for i in range(3):
        gateway.send_text(wx.OPENID, f"第{i}条")
    assert fake_api.tokens_issued == 1
    token_request = fake_api.requests[0]
    assert token_request.url.params["appid"] == wx.APPID
    assert token_request.url.params["secret"] == "test-secret"


def test_token_refreshed_before_expiry(settings: Settings, fake_api: Any, wx: Any) -> None:
    clock = Clock()
    gw = _gateway(settings, fake_api.handler, clock)
    gw.send_text(wx.OPENID, "a")
    clock.t += 7200 - REFRESH_MARGIN_S - 1
    gw.send_text(wx.OPENID, "b")
    assert fake_api.tokens_issued == 1
    clock.t += 2
    gw.send_text(wx.OPENID, "c")
    assert fake_api.tokens_issued == 2


@pytest.mark.parametrize("errcode", [40001, 42001, 40014])
def test_token_errors_refresh_and_retry_once(settings: Settings, wx: Any, errcode: int) -> None:
    calls: list[str] = []
    issued = iter(["OLD", "NEW"])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cgi-bin/token":
            calls.append("token")
            return httpx.Response(200, json={"access_token": next(issued), "expires_in": 7200})
        calls.append(request.url.params["access_token"])
        if request.url.params["access_token"] == "OLD":
            return httpx.Response(200, json={"errcode": errcode, "errmsg": "expired"})
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    _gateway(settings, handler).send_text(wx.OPENID, "hi")
    assert calls == ["token", "OLD", "token", "NEW"]


def test_token_error_twice_is_retryable_failure(settings: Settings, wx: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cgi-bin/token":
            return httpx.Response(200, json={"access_token": "T", "expires_in": 7200})
        return httpx.Response(200, json={"errcode": 40001, "errmsg": "invalid credential"})

    with pytest.raises(WeChatApiError) as info:
        _gateway(settings, handler).send_text(wx.OPENID, "hi")
    assert info.value.errcode == 40001
    assert info.value.retryable


def test_expired_tokens_on_the_fake_server(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    gateway.send_text(wx.OPENID, "a")
    fake_api.expire_all_tokens()
    gateway.send_text(wx.OPENID, "b")
    assert fake_api.tokens_issued == 2
    assert fake_api.texts == ["a", "b"]


@pytest.mark.parametrize(
    ("errcode", "retryable"),
    [(-1, True), (45009, True), (45011, True), (45047, True), (45015, False), (43004, False), (40003, False)],
)
def test_errcode_classification(gateway: WeChatGateway, fake_api: Any, wx: Any, errcode: int, retryable: bool) -> None:
    fake_api.send_errors.append(errcode)
    with pytest.raises(WeChatApiError) as info:
        gateway.send_text(wx.OPENID, "x")
    assert info.value.errcode == errcode
    assert info.value.retryable is retryable
    assert fake_api.sent == []


@pytest.mark.parametrize(("status", "retryable"), [(503, True), (429, True), (500, True), (404, False)])
def test_http_errors(gateway: WeChatGateway, fake_api: Any, wx: Any, status: int, retryable: bool) -> None:
    fake_api.send_errors.append(f"http:{status}")
    with pytest.raises(TransportError) as info:
        gateway.send_text(wx.OPENID, "x")
    assert info.value.retryable is retryable


def test_network_error_is_retryable(settings: Settings, wx: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(TransportError) as info:
        _gateway(settings, handler).send_text(wx.OPENID, "x")
    assert info.value.retryable


@pytest.mark.parametrize("body", [b"<html>busy</html>", b"[1, 2]"])
def test_non_json_answer(settings: Settings, wx: Any, body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    with pytest.raises(TransportError):
        _gateway(settings, handler).send_text(wx.OPENID, "x")


def test_token_refusal_keeps_messages_retryable(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    fake_api.token_errors.append(40164)  # IP not in the whitelist
    with pytest.raises(WeChatApiError) as info:
        gateway.send_text(wx.OPENID, "x")
    assert info.value.retryable


def test_too_long_or_empty_text_is_not_sent(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    for text in ["字" * 683, "", "   "]:  # 683 × 3 = 2049 bytes > 2048
        with pytest.raises(GatewayError) as info:
            gateway.send_text(wx.OPENID, text)
        assert not info.value.retryable
    gateway.send_text(wx.OPENID, "字" * 682)  # 2046 bytes fit
    assert len(fake_api.sent) == 1


def test_secrets_never_reach_the_logs(
    gateway: WeChatGateway, fake_api: Any, wx: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        gateway.send_text(wx.OPENID, "x")
        fake_api.expire_all_tokens()
        gateway.send_text(wx.OPENID, "y")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in logged  # httpx did log the URLs…
    assert "test-secret" not in logged  # …with the secret
    assert "TOKEN1" not in logged and "TOKEN2" not in logged  # …and the tokens redacted
    assert "secret=***" in logged


def test_placeholder_secret_disables_the_gateway(helpers: Any) -> None:
    gw = WeChatGateway(helpers.make_settings(wechat_appsecret="change-me"))
    try:
        assert not gw.enabled
    finally:
        gw.close()
    gw = WeChatGateway(helpers.make_settings())
    try:
        assert gw.enabled
    finally:
        gw.close()


def test_recorded_45015_answer_is_permanent(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    fake_api.send_errors.append(45015)
    with pytest.raises(WeChatApiError) as info:
        gateway.send_text(wx.OPENID, "x")
    assert not info.value.retryable
    assert info.value.errmsg.startswith("response out of time limit")


def test_recorded_token_refusal(gateway: WeChatGateway, fake_api: Any, wx: Any) -> None:
    fake_api.token_errors.append(40013)
    with pytest.raises(WeChatApiError) as info:
        gateway.send_text(wx.OPENID, "x")
    assert info.value.errcode == 40013
    assert info.value.errmsg == "invalid appid"
