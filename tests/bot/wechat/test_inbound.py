"""Parsing every official and wechatpy sample, and refusing hostile or broken XML."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.messages import Channel, EventKind, IncomingEvent, IncomingText, IncomingUnsupported, IncomingVoice, MenuKey
from bot.wechat.errors import EncodingError, ForbiddenXmlError, MalformedXmlError
from bot.wechat.inbound import decode_body, parse_fields, to_incoming

UNSUPPORTED = {"image", "file", "location", "link", "video", "shortvideo"}


def _samples(wx: Any) -> list[dict[str, Any]]:
    index: list[dict[str, Any]] = json.loads((wx.SHARED / "xml" / "index.json").read_text(encoding="utf-8"))
    return [entry for entry in index if entry.get("MsgType")]


def test_every_sample_parses_to_the_indexed_type_and_dedupe_key(wx: Any) -> None:
    samples = _samples(wx)
    assert len(samples) >= 80
    for entry in samples:
        text = (wx.SHARED / entry["file"]).read_text(encoding="utf-8")
        msg = to_incoming(text).incoming
        assert msg.dedupe_key == entry["dedupe_key"], entry["file"]
        assert msg.channel is Channel.WECHAT
        msg_type, event = entry["MsgType"].lower(), (entry["Event"] or "").lower()
        if msg_type == "text":
            assert isinstance(msg, IncomingText), entry["file"]
        elif msg_type == "voice":
            assert isinstance(msg, IncomingVoice), entry["file"]
        elif msg_type == "event" or msg_type.startswith("device_event"):
            assert isinstance(msg, IncomingEvent), entry["file"]
            expected = {"subscribe": EventKind.SUBSCRIBE, "unsubscribe": EventKind.UNSUBSCRIBE}.get(
                event, EventKind.OTHER
            )
            assert msg.event is expected, entry["file"]
        elif msg_type in UNSUPPORTED or msg_type == "notsure":
            assert isinstance(msg, IncomingUnsupported), entry["file"]
            assert msg.kind == msg_type
        if not msg.dedupe_key.startswith("MsgId="):
            assert msg.dedupe_key.startswith(f"FromUserName+CreateTime={msg.user_id}+"), entry["file"]


def test_text_sample_content(wx: Any) -> None:
    msg = to_incoming((wx.SHARED / "xml/official/text_with_msgdataid.xml").read_text(encoding="utf-8")).incoming
    assert isinstance(msg, IncomingText)
    assert msg.text == "this is a test"


def test_voice_recognition_is_kept(wx: Any) -> None:
    inbound = to_incoming((wx.SHARED / "xml/official/voice_with_recognition.xml").read_text(encoding="utf-8"))
    assert isinstance(inbound.incoming, IncomingVoice)
    assert inbound.incoming.recognition == "腾讯微信团队"
    assert inbound.openid == "fromUser"
    assert inbound.account == "toUser"


def test_voice_without_recognition(wx: Any) -> None:
    msg = to_incoming((wx.SHARED / "xml/wechatpy/parser__parse_voice_message.xml").read_text(encoding="utf-8"))
    assert isinstance(msg.incoming, IncomingVoice)
    assert msg.incoming.recognition is None


def test_empty_recognition_counts_as_absent(wx: Any) -> None:
    xml = (
        wx.text_xml("x")
        .replace("<MsgType><![CDATA[text]]>", "<MsgType><![CDATA[voice]]>")
        .replace("<Content><![CDATA[x]]></Content>", "<Recognition><![CDATA[  ]]></Recognition>")
    )
    msg = to_incoming(xml).incoming
    assert isinstance(msg, IncomingVoice)
    assert msg.recognition is None


@pytest.mark.parametrize("key", list(MenuKey))
def test_menu_clicks_on_our_keys(wx: Any, key: MenuKey) -> None:
    msg = to_incoming(wx.event_xml("CLICK", key=key.value)).incoming
    assert isinstance(msg, IncomingEvent)
    assert msg.event is EventKind.MENU_CLICK
    assert msg.key == key.value
    assert msg.raw_event == "CLICK"


def test_click_on_unknown_key_is_other(wx: Any) -> None:
    msg = to_incoming(wx.event_xml("CLICK", key="SOMETHING_ELSE")).incoming
    assert isinstance(msg, IncomingEvent)
    assert msg.event is EventKind.OTHER
    assert msg.key == "SOMETHING_ELSE"


@pytest.mark.parametrize("event", ["VIEW", "SCAN", "LOCATION", "TEMPLATESENDJOBFINISH", "brand_new_event"])
def test_other_events(wx: Any, event: str) -> None:
    msg = to_incoming(wx.event_xml(event, create_time=1700000000)).incoming
    assert isinstance(msg, IncomingEvent)
    assert msg.event is EventKind.OTHER
    assert msg.raw_event == event
    assert msg.dedupe_key == f"FromUserName+CreateTime={wx.OPENID}+1700000000"


def test_file_message_is_unsupported(wx: Any) -> None:
    xml = wx.text_xml("x").replace("<MsgType><![CDATA[text]]>", "<MsgType><![CDATA[file]]>")
    msg = to_incoming(xml).incoming
    assert isinstance(msg, IncomingUnsupported)
    assert msg.kind == "file"


@pytest.mark.parametrize("text", ["", "😀😀😀", "字" * 10000, "a]]>b", "<b>&amp;</b>"])
def test_odd_texts_pass_through(wx: Any, text: str) -> None:
    body = wx.text_xml("PLACEHOLDER").replace(
        "<![CDATA[PLACEHOLDER]]>", "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    )
    msg = to_incoming(body).incoming
    assert isinstance(msg, IncomingText)
    assert msg.text == text


def test_escaped_text_without_cdata(wx: Any) -> None:
    body = wx.text_xml("X").replace("<![CDATA[X]]>", "a &lt; b &amp; c")
    msg = to_incoming(body).incoming
    assert isinstance(msg, IncomingText)
    assert msg.text == "a < b & c"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol3;</Content></xml>"""

XXE = """<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content></xml>"""


@pytest.mark.parametrize(
    "text",
    [
        BILLION_LAUGHS,
        XXE,
        "<!DOCTYPE xml><xml/>",
        "<!doctype xml><xml/>",
        '<?xml version="1.0"?>\n<! DOCTYPE xml><xml/>',
        '<xml><a>1</a></xml><!ENTITY x "y">',
    ],
)
def test_doctype_and_entities_are_refused(text: str) -> None:
    with pytest.raises(ForbiddenXmlError):
        parse_fields(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not xml",
        "<xml>",
        "<xml><a></xml>",
        "<root><a>1</a></root>",
        "<xml><MsgType>text</MsgType><MsgType>event</MsgType></xml>",
        "<xml>&undefined;</xml>",
        "<xml><a>\x01</a></xml>",
    ],
)
def test_malformed_xml_is_refused(text: str) -> None:
    with pytest.raises(MalformedXmlError):
        parse_fields(text)


@pytest.mark.parametrize("drop", ["ToUserName", "FromUserName", "CreateTime", "MsgType"])
def test_missing_required_field(wx: Any, drop: str) -> None:
    fields = parse_fields(wx.text_xml("hi"))
    body = "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items() if k != drop) + "</xml>"
    with pytest.raises(MalformedXmlError):
        to_incoming(body)


def test_non_numeric_create_time(wx: Any) -> None:
    with pytest.raises(MalformedXmlError):
        to_incoming(wx.text_xml("hi", create_time=1).replace("<CreateTime>1<", "<CreateTime>yesterday<"))


def test_body_must_be_utf8() -> None:
    assert decode_body("<xml>中</xml>".encode()) == "<xml>中</xml>"
    assert decode_body(b"\xef\xbb\xbf<xml/>") == "<xml/>"
    with pytest.raises(EncodingError):
        decode_body("<xml>中文</xml>".encode("gbk"))


def test_the_mapping_agrees_with_wechatpy_on_every_sample(wx: Any) -> None:
    """wechatpy's own parser (trusted samples only: it uses plain xmltodict) as the reference for ours."""
    from wechatpy import parse_message
    from wechatpy.events import BaseEvent, ClickEvent
    from wechatpy.messages import TextMessage, VoiceMessage

    for entry in _samples(wx):
        text = (wx.SHARED / entry["file"]).read_text(encoding="utf-8")
        ours, theirs = to_incoming(text).incoming, parse_message(text)
        if isinstance(theirs, TextMessage):
            assert isinstance(ours, IncomingText) and ours.text == (theirs.content or ""), entry["file"]
        elif isinstance(theirs, VoiceMessage):
            assert isinstance(ours, IncomingVoice), entry["file"]
            assert ours.recognition == ((theirs.recognition or "").strip() or None), entry["file"]
        elif isinstance(theirs, BaseEvent) or entry["MsgType"].lower() == "event":
            assert isinstance(ours, IncomingEvent), entry["file"]
            assert (ours.event is EventKind.MENU_CLICK) == (
                isinstance(theirs, ClickEvent) and theirs.key in {k.value for k in MenuKey}
            ), entry["file"]
        else:
            assert isinstance(ours, IncomingUnsupported), entry["file"]
        assert (ours.user_id, ours.channel) == (theirs.source, Channel.WECHAT), entry["file"]


@pytest.mark.parametrize("mode", ["raw", "aes"])
def test_each_xml_text_is_parsed_once_by_the_hardened_parser(
    monkeypatch: pytest.MonkeyPatch, wx: Any, helpers: Any, ref: Any, mode: str
) -> None:
    """Plaintext: the body, once. Safe mode: the envelope once and the decrypted message once. Never xmltodict."""
    import defusedxml.ElementTree
    import xmltodict

    from bot.wechat.edge import WeChatEdge

    parsed: list[str] = []
    real = defusedxml.ElementTree.fromstring

    def counting(text: str, **kwargs: Any) -> Any:
        parsed.append(text)
        return real(text, **kwargs)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("xmltodict must not parse inbound XML")

    monkeypatch.setattr(defusedxml.ElementTree, "fromstring", counting)
    monkeypatch.setattr(xmltodict, "parse", refused)
    edge = WeChatEdge(helpers.make_settings(), helpers.FakeEngine())
    params = helpers.signed_params()
    plain = wx.text_xml("你好", msg_id="77")
    try:
        if mode == "raw":
            opened = edge.open(params, plain.encode())
            assert parsed == [plain]
        else:
            body, msg_sig = ref.envelope(plain, params["timestamp"], params["nonce"])
            opened = edge.open({**params, "encrypt_type": "aes", "msg_signature": msg_sig}, body.encode())
            assert parsed == [body, plain]
    finally:
        edge.close()
    assert isinstance(opened.inbound.incoming, IncomingText) and opened.inbound.incoming.text == "你好"
