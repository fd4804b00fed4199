"""The replay cache binds each signed (timestamp, nonce, signature) to its body for the tolerance window."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.wechat.errors import ReplayError
from bot.wechat.replay import ReplayCache


def test_same_parameters_same_body_pass_another_body_is_refused() -> None:
    cache = ReplayCache(300)
    cache.check("1000", "n", "SIG", b"<xml>a</xml>", 1000.0)
    cache.check("1000", "n", "sig", b"<xml>a</xml>", 1005.0)  # a retry (the signature's case does not matter)
    with pytest.raises(ReplayError):
        cache.check("1000", "n", "sig", b"<xml>b</xml>", 1010.0)
    cache.check("1000", "other-nonce", "sig2", b"<xml>b</xml>", 1010.0)
    assert len(cache) == 2


def test_entries_expire_after_the_window() -> None:
    cache = ReplayCache(300)
    cache.check("1000", "n", "sig", b"a", 1000.0)
    cache.check("1250", "n", "sig", b"a", 1250.0)
    cache.check("1400", "m", "sig", b"b", 1301.0)  # the first entry has expired and is gone
    assert len(cache) == 2
    with pytest.raises(ReplayError):
        cache.check("1250", "n", "sig", b"b", 1301.0)


def test_a_full_cache_drops_its_oldest_entry() -> None:
    cache = ReplayCache(300, max_entries=2)
    for i in range(3):
        cache.check("1000", str(i), "sig", b"a", 1000.0)
    assert len(cache) == 2


def test_plain_post_parameters_cannot_carry_another_body(make_app: Any, settings: Any, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    client = TestClient(make_app(settings, engine))
    params = helpers.signed_params(nonce="77001")
    first = wx.text_xml("你好", msg_id="801")
    assert client.post("/wechat", params=params, content=first).status_code == 200
    assert client.post("/wechat", params=params, content=first).status_code == 200  # WeChat's retry
    other = wx.text_xml("查询进度", openid="o-someone-else", msg_id="802")
    assert client.post("/wechat", params=params, content=other).status_code == 403
    assert [getattr(m, "text", None) for m in engine.calls] == ["你好", "你好"]


def test_get_parameters_cannot_echo_another_string(make_app: Any, settings: Any, helpers: Any, wx: Any) -> None:
    client = TestClient(make_app(settings, helpers.FakeEngine()))
    params = helpers.signed_params(timestamp=int(time.time()), nonce="77002")
    assert client.get("/wechat", params={**params, "echostr": "123"}).text == "123"
    assert client.get("/wechat", params={**params, "echostr": "123"}).text == "123"
    resp = client.get("/wechat", params={**params, "echostr": "<script>alert(1)</script>"})
    assert resp.status_code == 403 and "script" not in resp.text
    # the parameters of a GET cannot be reused for a POST either
    assert client.post("/wechat", params=params, content=wx.text_xml("x")).status_code == 403
