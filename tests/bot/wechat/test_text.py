"""wechat_messages (one message per part, never re-split when it fits) and split_text: UTF-8 byte limits, gentle
boundaries, multibyte characters and emoji sequences."""

from __future__ import annotations

import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wechat.text import split_text, utf8_len, wechat_messages


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_a_page_that_fits_is_one_message_as_it_is(caplog: pytest.LogCaptureFixture) -> None:
    page = "第一段。\n\n第二段。\n\n回复 1 继续"  # paragraphs inside one page the engine sized: not cut there
    with caplog.at_level(logging.WARNING, logger="bot.wechat.text"):
        assert wechat_messages([f"  {page}\n", " ", "短的"], 60) == [page, "短的"]
    assert not caplog.records


def test_a_part_over_the_limit_is_split_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    long_part = "第一句话。" * 20  # 300 bytes
    with caplog.at_level(logging.WARNING, logger="bot.wechat.text"):
        pieces = wechat_messages([long_part], 100)
    assert pieces == split_text(long_part, 100) and len(pieces) == 4  # 90 + 90 + 90 + 30 bytes
    (record,) = caplog.records
    assert "300-byte" in record.getMessage() and "第一句" not in record.getMessage()  # never the content


def test_short_text_is_one_piece() -> None:
    assert split_text("您好", 2048) == ["您好"]


def test_blank_text_is_no_piece() -> None:
    assert split_text("", 2048) == []
    assert split_text(" \n\n\t ", 2048) == []


def test_limit_below_one_code_point_is_refused() -> None:
    with pytest.raises(ValueError):
        split_text("abc", 3)


def test_prefers_paragraph_boundaries() -> None:
    para1 = "第一段。" * 10  # 120 bytes
    para2 = "第二段。" * 10
    assert split_text(para1 + "\n\n" + para2, 200) == [para1, para2]


def test_then_sentence_boundaries() -> None:
    sentence = "借款到期后对方一直没有还钱。"  # 14 chars = 42 bytes
    pieces = split_text(sentence * 5, 100)
    assert pieces == [sentence * 2, sentence * 2, sentence]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "他说：“我下个月还。”" + "之后再也没有联系。"
    pieces = split_text(text, 40)
    assert pieces[0].endswith("。”")


def test_chinese_is_never_cut_inside_a_character() -> None:
    text = "字" * 1000  # 3000 bytes, no boundaries at all
    pieces = split_text(text, 2048)
    assert [utf8_len(p) for p in pieces] == [2046, 954]
    assert "".join(pieces) == text


@pytest.mark.parametrize(
    "cluster",
    [
        "👨\u200d👩\u200d👧\u200d👦",  # ZWJ family
        "👍🏽",  # skin tone
        "🇨🇳",  # flag (two regional indicators)
        "❤️",  # variation selector
        "1️⃣",  # keycap
    ],
)
def test_emoji_sequences_stay_whole(cluster: str) -> None:
    size = utf8_len(cluster)
    text = cluster * 20
    pieces = split_text(text, size * 3 + size // 2)
    assert all(p == cluster * (len(p) // len(cluster)) for p in pieces)
    assert "".join(pieces) == text


def test_emoji_only_text() -> None:
    pieces = split_text("😀" * 600, 2048)  # 2400 bytes
    assert [utf8_len(p) for p in pieces] == [2048, 352]


def test_every_piece_fits_the_passive_reply_limit() -> None:
    text = (
        "根据《中华人民共和国民法典》第一百八十八条，向人民法院请求保护民事权利的诉讼时效期间为三年。\n" * 60
    ).strip()
    pieces = split_text(text, 2048)
    assert len(pieces) > 1
    assert all(utf8_len(p) <= 2048 for p in pieces)
    assert all(p.endswith("。") for p in pieces)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("字词。！？，、 \n\tabc.!?😀👍🏽\u200d🇨🇳é\u0301")), max_size=400),
    limit=st.integers(min_value=4, max_value=120),
)
def test_pieces_fit_and_lose_nothing(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(p and p == p.strip() for p in pieces)
    assert all(utf8_len(p) <= limit for p in pieces)
    assert _squash("".join(pieces)) == _squash(text)
