"""GET/POST /wechat through FastAPI's TestClient: the three modes, every bad-input case, errors, retries."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.messages import EventKind, IncomingEvent, IncomingText, IncomingUnsupported, IncomingVoice, MenuKey, Outgoing
from bot.wechat.inbound import parse_fields
from core.settings import Settings

GENERIC = "系统开小差了"


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def _reply_fields(body: str) -> dict[str, str]:
    return parse_fields(body)


def _decrypt_reply(ref: Any, body: str) -> dict[str, str]:
    """Check the encrypted reply's signature and decrypt it with the independent implementation."""
    env = parse_fields(body)
    assert set(env) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert ref.signature(env["TimeStamp"], env["Nonce"], env["Encrypt"]) == env["MsgSignature"]
    plain, appid = ref.decrypt(env["Encrypt"])
    assert appid == ref.appid
    return parse_fields(plain)


# ------------------------------------------------------------------------------------ GET verification
def test_get_echoes_echostr(make_app: Any, settings: Settings, helpers: Any) -> None:
    engine = helpers.FakeEngine()
    client = _client(make_app(settings, engine))
    resp = client.get("/wechat", params={**helpers.signed_params(), "echostr": "4375120948345356249"})
    assert resp.status_code == 200
    assert resp.text == "4375120948345356249"
    assert resp.headers["content-type"].startswith("text/plain")
    assert engine.calls == []


def test_get_with_official_doc_vector(make_app: Any, vectors: list[dict[str, Any]], helpers: Any) -> None:
    v = next(v for v in vectors if v["id"] == "doc_url_verify")
    settings = helpers.make_settings(wechat_token=v["token"])
    app = make_app(settings, helpers.FakeEngine(), wechat_clock=lambda: float(v["timestamp"]))
    params = {k: v[k] for k in ("signature", "timestamp", "nonce", "echostr")}
    resp = _client(app).get("/wechat", params=params)
    assert resp.status_code == 200
    assert resp.text == v["expected_response"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: {**p, "signature": "0" * 40},
        lambda p: {k: x for k, x in p.items() if k != "signature"},
        lambda p: {k: x for k, x in p.items() if k != "timestamp"},
        lambda p: {k: x for k, x in p.items() if k != "nonce"},
        lambda p: {**p, "nonce": "other"},
    ],
)
def test_get_refuses_bad_signature(make_app: Any, settings: Settings, helpers: Any, mutate: Any) -> None:
    params = mutate({**helpers.signed_params(), "echostr": "123"})
    resp = _client(make_app(settings, helpers.FakeEngine())).get("/wechat", params=params)
    assert resp.status_code == 403
    assert "123" not in resp.text


def test_get_refuses_stale_timestamp(make_app: Any, settings: Settings, helpers: Any) -> None:
    params = {**helpers.signed_params(timestamp=int(time.time()) - 3600), "echostr": "123"}
    resp = _client(make_app(settings, helpers.FakeEngine())).get("/wechat", params=params)
    assert resp.status_code == 403


# ------------------------------------------------------------------------------------ POST plaintext
def test_plain_text_message(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    client = _client(make_app(settings, engine))
    resp = client.post("/wechat", params=helpers.signed_params(), content=wx.text_xml("借了两万块钱不还", msg_id="42"))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/xml")
    fields = _reply_fields(resp.text)
    assert fields["ToUserName"] == wx.OPENID
    assert fields["FromUserName"] == wx.ACCOUNT
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "收到：借了两万块钱不还"
    assert abs(int(fields["CreateTime"]) - time.time()) < 10
    (msg,) = engine.calls
    assert isinstance(msg, IncomingText)
    assert msg.user_id == wx.OPENID
    assert msg.dedupe_key == "MsgId=42"


def test_plain_post_with_official_doc_signature(
    make_app: Any, vectors: list[dict[str, Any]], helpers: Any, wx: Any
) -> None:
    v = next(v for v in vectors if v["id"] == "doc_plain_post")
    settings = helpers.make_settings(wechat_token=v["token"])
    engine = helpers.FakeEngine()
    app = make_app(settings, engine, wechat_clock=lambda: float(v["timestamp"]))
    params = {k: v[k] for k in ("signature", "timestamp", "nonce")}
    resp = _client(app).post("/wechat", params=params, content=wx.text_xml("你好"))
    assert resp.status_code == 200
    assert len(engine.calls) == 1


@pytest.mark.parametrize(
    ("sample", "expected_type"),
    [
        ("official/voice_with_recognition.xml", IncomingVoice),
        ("official/shortvideo.xml", IncomingUnsupported),
        ("wechatpy/parser__parse_image_message.xml", IncomingUnsupported),
        ("wechatpy/events__subscribe_event.xml", IncomingEvent),
        ("official/event_templatesendjobfinish_success.xml", IncomingEvent),
    ],
)
def test_plain_samples_reach_the_engine(
    make_app: Any, settings: Settings, helpers: Any, wx: Any, sample: str, expected_type: type
) -> None:
    engine = helpers.FakeEngine()
    body = (wx.SHARED / "xml" / sample).read_text(encoding="utf-8")
    resp = _client(make_app(settings, engine)).post("/wechat", params=helpers.signed_params(), content=body.encode())
    assert resp.status_code == 200
    (msg,) = engine.calls
    assert isinstance(msg, expected_type)


def test_menu_click_reaches_engine(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    body = wx.event_xml("CLICK", key=MenuKey.HUMAN.value)
    _client(make_app(settings, engine)).post("/wechat", params=helpers.signed_params(), content=body)
    (msg,) = engine.calls
    assert isinstance(msg, IncomingEvent)
    assert msg.event is EventKind.MENU_CLICK
    assert msg.key == MenuKey.HUMAN.value


def test_empty_answer_is_success(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine(lambda msg: Outgoing())
    body = wx.event_xml("unsubscribe")
    resp = _client(make_app(settings, engine)).post("/wechat", params=helpers.signed_params(), content=body)
    assert resp.status_code == 200
    assert resp.text == "success"


@pytest.mark.parametrize("text", ["", "字" * 10000, "😀😂🙏", "a]]>b<&"])
def test_odd_texts_are_handed_to_the_engine(
    make_app: Any, settings: Settings, helpers: Any, wx: Any, text: str
) -> None:
    engine = helpers.FakeEngine(lambda msg: Outgoing.of("请再说详细一些。"))
    cdata = "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    body = wx.text_xml("X").replace("<![CDATA[X]]>", cdata)
    resp = _client(make_app(settings, engine)).post("/wechat", params=helpers.signed_params(), content=body.encode())
    assert resp.status_code == 200
    assert _reply_fields(resp.text)["Content"] == "请再说详细一些。"
    (msg,) = engine.calls
    assert isinstance(msg, IncomingText)
    assert msg.text == text


def test_long_answer_is_cut_to_the_limit_without_push(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    long_answer = "这是一段很长的答复。" * 300  # ~9000 bytes
    engine = helpers.FakeEngine(lambda msg: Outgoing.of(long_answer))
    resp = _client(make_app(settings, engine)).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("?"))
    content = _reply_fields(resp.text)["Content"]
    assert len(content.encode()) <= settings.wechat_text_limit_bytes
    assert long_answer.startswith(content)


def test_retry_of_same_message_gets_same_reply(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    counter = iter(range(100))
    engine = helpers.FakeEngine(lambda msg: Outgoing.of(f"答复 #{next(counter)}"))
    client = _client(make_app(settings, engine))
    body = wx.text_xml("同一条消息", msg_id="9001")
    first = client.post("/wechat", params=helpers.signed_params(), content=body)
    second = client.post("/wechat", params=helpers.signed_params(nonce="777"), content=body)
    assert _reply_fields(first.text)["Content"] == _reply_fields(second.text)["Content"] == "答复 #0"
    assert len(engine.calls) == 2
    assert engine.steps == 1


# ------------------------------------------------------------------------------------ POST encrypted
def test_safe_mode_roundtrip(make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any) -> None:
    engine = helpers.FakeEngine()
    client = _client(make_app(settings, engine))
    ts, nonce = str(int(time.time())), "424242"
    body, msg_sig = ref.envelope(wx.text_xml("我要起诉", msg_id="55"), ts, nonce)
    params = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes", "msg_signature": msg_sig}
    resp = client.post("/wechat", params=params, content=body)
    assert resp.status_code == 200
    reply = _decrypt_reply(ref, resp.text)
    assert reply["Content"] == "收到：我要起诉"
    assert reply["ToUserName"] == wx.OPENID
    assert reply["FromUserName"] == wx.ACCOUNT
    (msg,) = engine.calls
    assert isinstance(msg, IncomingText)
    assert msg.dedupe_key == "MsgId=55"


def test_safe_mode_with_signature_param_too(make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any) -> None:
    engine = helpers.FakeEngine()
    params = helpers.signed_params()
    body, msg_sig = ref.envelope(wx.text_xml("hi"), params["timestamp"], params["nonce"])
    resp = _client(make_app(settings, engine)).post(
        "/wechat", params={**params, "encrypt_type": "aes", "msg_signature": msg_sig}, content=body
    )
    assert resp.status_code == 200
    bad = {**params, "signature": "f" * 40, "encrypt_type": "aes", "msg_signature": msg_sig}
    assert _client(make_app(settings, engine)).post("/wechat", params=bad, content=body).status_code == 403
    assert len(engine.calls) == 1


def test_compatible_mode_uses_the_encrypted_copy(
    make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any
) -> None:
    engine = helpers.FakeEngine()
    ts, nonce = str(int(time.time())), "99"
    real = wx.text_xml("真实内容", msg_id="77")
    encrypt = ref.encrypt(real)
    forged_plain = wx.text_xml("伪造的明文", msg_id="78")
    body = forged_plain.replace("</xml>", f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
    params = {
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": ref.signature(ts, nonce, encrypt),
    }
    resp = _client(make_app(settings, engine)).post("/wechat", params=params, content=body)
    assert resp.status_code == 200
    (msg,) = engine.calls
    assert isinstance(msg, IncomingText)
    assert msg.text == "真实内容"
    assert _decrypt_reply(ref, resp.text)["Content"] == "收到：真实内容"


def test_tencent_python_sample_through_the_router(make_app: Any, vectors: list[dict[str, Any]], helpers: Any) -> None:
    v = next(v for v in vectors if v["id"] == "python_sample_decrypt")
    settings = helpers.make_settings(
        wechat_token=v["token"], wechat_encoding_aes_key=v["encoding_aes_key"], wechat_appid=v["appid"]
    )
    engine = helpers.FakeEngine()
    app = make_app(settings, engine, wechat_clock=lambda: float(v["timestamp"]))
    params = {
        "timestamp": v["timestamp"],
        "nonce": v["nonce"],
        "encrypt_type": "aes",
        "msg_signature": v["msg_signature"],
    }
    resp = _client(app).post("/wechat", params=params, content=v["body"].encode())
    assert resp.status_code == 200
    ref = helpers.RefCrypto(v["token"], v["encoding_aes_key"], v["appid"])
    reply = _decrypt_reply(ref, resp.text)
    assert reply["Content"] == "收到：abcdteT"
    assert reply["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert reply["FromUserName"] == "gh_10f6c3c3ac5a"


# ------------------------------------------------------------------------------------ refusals
def _aes_params(ref: Any, body_plain: str, **override: str) -> tuple[dict[str, str], str]:
    ts = override.pop("timestamp", str(int(time.time())))
    nonce = "31337"
    body, sig = ref.envelope(body_plain, ts, nonce)
    params = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes", "msg_signature": sig}
    params.update(override)
    return params, body


def _post(make_app: Any, settings: Settings, engine: Any, params: dict[str, str], body: bytes | str, **kw: Any) -> Any:
    return _client(make_app(settings, engine)).post("/wechat", params=params, content=body, **kw)


@pytest.mark.parametrize("mode", ["safe", "compatible"])
def test_plaintext_is_refused_outside_plain_mode(make_app: Any, helpers: Any, wx: Any, ref: Any, mode: str) -> None:
    """A correctly signed plaintext callback gets 403 and reaches nothing: its signature does not cover the body."""
    engine = helpers.FakeEngine()
    settings = helpers.make_settings(wechat_message_mode=mode)
    for encrypt_type in ({}, {"encrypt_type": "raw"}, {"encrypt_type": "RAW"}):
        resp = _post(make_app, settings, engine, {**helpers.signed_params(), **encrypt_type}, wx.text_xml("查询进度"))
        assert resp.status_code == 403
        assert "查询进度" not in resp.text
    assert engine.calls == []
    params, body = _aes_params(ref, wx.text_xml("加密的消息"))
    assert _post(make_app, settings, engine, params, body).status_code == 200
    assert [getattr(m, "text", None) for m in engine.calls] == ["加密的消息"]


def test_safe_is_the_default_mode() -> None:
    assert Settings(app_env="test").wechat_message_mode == "safe"


def test_forged_plain_signature(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    params = helpers.signed_params(token="not-our-token")
    resp = _post(make_app, settings, engine, params, wx.text_xml("x"))
    assert resp.status_code == 403
    assert engine.calls == []


def test_missing_plain_signature(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    resp = _post(make_app, settings, engine, {"timestamp": str(int(time.time())), "nonce": "1"}, wx.text_xml("x"))
    assert resp.status_code == 403
    assert engine.calls == []


@pytest.mark.parametrize("field", ["msg_signature", "timestamp", "nonce"])
def test_safe_mode_missing_params(
    make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any, field: str
) -> None:
    engine = helpers.FakeEngine()
    params, body = _aes_params(ref, wx.text_xml("x"))
    del params[field]
    assert _post(make_app, settings, engine, params, body).status_code == 403
    assert engine.calls == []


def test_safe_mode_forged_msg_signature(make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any) -> None:
    engine = helpers.FakeEngine()
    params, body = _aes_params(ref, wx.text_xml("x"), msg_signature="a" * 40)
    assert _post(make_app, settings, engine, params, body).status_code == 403
    assert engine.calls == []


def test_safe_mode_tampered_ciphertext(make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any) -> None:
    engine = helpers.FakeEngine()
    params, body = _aes_params(ref, wx.text_xml("x"))
    tampered = body.replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[AAAA")
    assert _post(make_app, settings, engine, params, tampered).status_code == 403
    assert engine.calls == []


@pytest.mark.parametrize("age", [-3600, 3600])
def test_replayed_or_future_timestamp(
    make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any, age: int
) -> None:
    engine = helpers.FakeEngine()
    params, body = _aes_params(ref, wx.text_xml("x"), timestamp=str(int(time.time()) - age))
    assert _post(make_app, settings, engine, params, body).status_code == 403
    plain = helpers.signed_params(timestamp=int(time.time()) - age)
    assert _post(make_app, settings, engine, plain, wx.text_xml("x")).status_code == 403
    assert engine.calls == []


def test_wrong_appid_in_decrypted_body(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    other = helpers.RefCrypto(wx.TOKEN, wx.AES_KEY, "wx_someone_else_01")
    params, body = _aes_params(other, wx.text_xml("x"))
    assert _post(make_app, settings, engine, params, body).status_code == 403
    assert engine.calls == []


@pytest.mark.parametrize(
    "body",
    [
        "not xml at all",
        "<xml><ToUserName>a</ToUserName>",
        "<xml></xml>",
        "",
        "<xml><MsgType>text</MsgType><MsgType>text</MsgType></xml>",
    ],
)
def test_malformed_plain_xml(make_app: Any, settings: Settings, helpers: Any, body: str) -> None:
    engine = helpers.FakeEngine()
    resp = _post(make_app, settings, engine, helpers.signed_params(), body)
    assert resp.status_code == 400
    assert engine.calls == []
    assert "Traceback" not in resp.text


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
    "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&lol2;</Content></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&xxe;</Content></xml>"
)


@pytest.mark.parametrize("body", [BOMB, XXE])
def test_entities_refused_in_plain_mode(make_app: Any, settings: Settings, helpers: Any, body: str) -> None:
    engine = helpers.FakeEngine()
    assert _post(make_app, settings, engine, helpers.signed_params(), body).status_code == 400
    assert engine.calls == []


@pytest.mark.parametrize("inner", [BOMB, XXE])
def test_entities_refused_inside_encrypted_body(
    make_app: Any, settings: Settings, helpers: Any, ref: Any, inner: str
) -> None:
    engine = helpers.FakeEngine()
    params, body = _aes_params(ref, inner)
    assert _post(make_app, settings, engine, params, body).status_code == 400
    assert engine.calls == []


def test_doctype_refused_in_envelope(make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any) -> None:
    engine = helpers.FakeEngine()
    params, body = _aes_params(ref, wx.text_xml("x"))
    assert _post(make_app, settings, engine, params, "<!DOCTYPE xml>" + body).status_code == 400
    assert engine.calls == []


def test_missing_encrypt_element(make_app: Any, settings: Settings, helpers: Any, wx: Any, ref: Any) -> None:
    engine = helpers.FakeEngine()
    params, _ = _aes_params(ref, wx.text_xml("x"))
    assert _post(make_app, settings, engine, params, wx.text_xml("x")).status_code == 400
    assert engine.calls == []


def test_unknown_encrypt_type(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    params = {**helpers.signed_params(), "encrypt_type": "rot13"}
    assert _post(make_app, settings, engine, params, wx.text_xml("x")).status_code == 400


def test_non_utf8_body(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    engine = helpers.FakeEngine()
    body = wx.text_xml("中文内容").encode("gbk")
    assert _post(make_app, settings, engine, helpers.signed_params(), body).status_code == 400
    assert engine.calls == []


def test_body_over_limit_by_content_length(make_app: Any, helpers: Any, wx: Any) -> None:
    settings = helpers.make_settings(wechat_max_body_bytes=1024)
    engine = helpers.FakeEngine()
    body = wx.text_xml("字" * 400)  # > 1024 bytes
    assert _post(make_app, settings, engine, helpers.signed_params(), body).status_code == 413
    assert engine.calls == []


def test_body_over_limit_when_streamed_without_length(make_app: Any, helpers: Any, wx: Any) -> None:
    settings = helpers.make_settings(wechat_max_body_bytes=1024)
    engine = helpers.FakeEngine()
    payload = wx.text_xml("字" * 400).encode()

    def chunks() -> Any:
        for i in range(0, len(payload), 100):
            yield payload[i : i + 100]

    resp = _client(make_app(settings, engine)).post("/wechat", params=helpers.signed_params(), content=chunks())
    assert resp.status_code == 413
    assert engine.calls == []


def test_lying_content_length_is_still_capped(make_app: Any, helpers: Any, wx: Any) -> None:
    settings = helpers.make_settings(wechat_max_body_bytes=1024)
    engine = helpers.FakeEngine()
    payload = wx.text_xml("字" * 400).encode()

    def chunks() -> Any:
        yield payload

    resp = _client(make_app(settings, engine)).post(
        "/wechat", params=helpers.signed_params(), content=chunks(), headers={"Content-Length": "10"}
    )
    assert resp.status_code in (400, 413)
    assert engine.calls == []


# ------------------------------------------------------------------------------------ engine failures
def test_engine_exception_gets_polite_reply_and_masked_log(
    make_app: Any, settings: Settings, helpers: Any, wx: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(msg: Any) -> Outgoing:
        raise RuntimeError("cannot parse 13812345678 / 410802199001011234")

    engine = helpers.FakeEngine(boom)
    with caplog.at_level(logging.ERROR, logger="bot.wechat"):
        resp = _post(make_app, settings, engine, helpers.signed_params(), wx.text_xml("我的电话13812345678"))
    assert resp.status_code == 200
    content = _reply_fields(resp.text)["Content"]
    assert GENERIC in content and "12368" in content
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    assert "13812345678" not in logged and "410802199001011234" not in logged
    assert "138****5678" in logged


def test_missing_engine_is_503_not_500(helpers: Any, settings: Settings, wx: Any) -> None:
    from app.routes.wechat import router
    from app.runtime import Runtime

    app = FastAPI()
    app.include_router(router)
    app.state.runtime = Runtime(settings=settings)
    resp = _client(app).post("/wechat", params=helpers.signed_params(), content=wx.text_xml("x"))
    assert resp.status_code == 503


def test_edge_is_rebuilt_when_state_changes(make_app: Any, settings: Settings, helpers: Any, wx: Any) -> None:
    first, second = helpers.FakeEngine(), helpers.FakeEngine()
    app = make_app(settings, first)
    client = _client(app)
    client.post("/wechat", params=helpers.signed_params(), content=wx.text_xml("a", msg_id="1"))
    app.state.runtime.engine = second
    client.post("/wechat", params=helpers.signed_params(), content=wx.text_xml("b", msg_id="2"))
    assert [len(first.calls), len(second.calls)] == [1, 1]


def test_refusal_reasons_are_short_and_generic(make_app: Any, settings: Settings, helpers: Any) -> None:
    resp = _post(make_app, settings, helpers.FakeEngine(), {"signature": "x"}, "<xml/>")
    assert resp.status_code == 403
    assert len(resp.text) < 60
    assert json.dumps(resp.text).isascii()
