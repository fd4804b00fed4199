"""Studied class 'the fee follows what is claimed, not the cause it was read as' (table c, round 3; 诉讼费用交纳办法
第十三条第（一）项、第（二）项第1目至第3目; 民法典第一千零九十二条、第一千一百一十五条; 民诉解释第二百零一条): a
family member's picture used by a business, or a surveillance video posted to a chat group, is a personality-rights
case (100–500 yuan, more on damages above 50,000); dividing property after a divorce, or getting a betrothal gift
back when no marriage followed, is a property case on the amount — not a divorce case's 50–300; dissolving an
adoption is a status case (其他非财产案件) unless money is asked too. Fresh stories, with the near misses that keep
the old reading."""

from decimal import Decimal

import pytest

from knowledge.fees import FeeKind, load_fee_rules, read_fee_kind

RULES = load_fee_rules()


def kind(cause_kind: FeeKind, text: str, amount: int | None = None) -> str:
    return read_fee_kind(cause_kind, text, None if amount is None else Decimal(amount), RULES).kind


@pytest.mark.parametrize(
    ("cause_kind", "text"),
    [
        ("other_non_property", "县城一家影楼把俺儿子的照片挂在橱窗里当招牌，俺要他们撤掉、道歉"),
        ("property", "小区保安把俺在电梯里摔倒的监控录像发到了业主群里，俺要他删了赔礼道歉"),
    ],
)
def test_a_picture_or_video_of_one_used_or_posted_is_a_personality_case(cause_kind: FeeKind, text: str) -> None:
    assert kind(cause_kind, text) == "personality"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("离婚三年了，才发现前夫当年把俺俩的一辆车偷偷过户给了他弟弟，俺要分回一半车钱四万", 40000),
        ("跟他家定亲时给了八万八彩礼，后来他闺女跟别人好了，亲事黄了，俺要他们退彩礼", 88000),
    ],
)
def test_property_after_a_divorce_or_a_gift_back_is_a_property_case(text: str, amount: int) -> None:
    assert kind("divorce", text, amount) == "property"


@pytest.mark.parametrize(
    "text",
    [
        "俺要跟他离婚，家里有套房子和二十万存款要分",
        "结婚两年了要离婚，还要他家把彩礼还给俺",
    ],
)
def test_a_divorce_with_property_to_divide_stays_a_divorce_case(text: str) -> None:
    assert kind("divorce", text) == "divorce"


def test_dissolving_an_adoption_is_a_status_case() -> None:
    assert kind("property", "二十年前收养的儿子现在成年了，天天跟俺吵，俺想解除收养关系") == "other_non_property"


def test_dissolving_an_adoption_with_money_asked_is_a_property_case() -> None:
    text = "二十年前收养的儿子现在成年了，天天跟俺吵，俺想解除收养关系，还要他赔俺这些年的抚养费五万"
    assert kind("property", text, 50000) == "property"
