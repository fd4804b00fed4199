"""The passive text reply XML."""

from __future__ import annotations

from bot.wechat.inbound import parse_fields
from bot.wechat.reply import cdata, render_text_reply, xml_safe


def test_reply_swaps_users_and_round_trips() -> None:
    xml = render_text_reply(
        to_user="oUser", from_user="gh_court", content="您好，\n请描述纠纷。", create_time=1700000000
    )
    assert parse_fields(xml) == {
        "ToUserName": "oUser",
        "FromUserName": "gh_court",
        "CreateTime": "1700000000",
        "MsgType": "text",
        "Content": "您好，\n请描述纠纷。",
    }


def test_cdata_terminator_in_content_cannot_break_out() -> None:
    evil = "a]]><MsgType>image</MsgType><![CDATA[b"
    fields = parse_fields(render_text_reply(to_user="u", from_user="g", content=evil, create_time=1))
    assert fields["Content"] == evil
    assert fields["MsgType"] == "text"


def test_characters_xml_cannot_carry_are_dropped() -> None:
    assert xml_safe("a\x00b\x07c\td\ne\ufffe") == "abc\td\ne"
    fields = parse_fields(render_text_reply(to_user="u", from_user="g", content="x\x01y😀", create_time=1))
    assert fields["Content"] == "xy😀"


def test_cdata_of_empty_string() -> None:
    assert cdata("") == "<![CDATA[]]>"
