"""Studied class 'the sum still owed, reckoned from its parts' (table c, round 3; 诉讼费用交纳办法第十三条第（一）项:
the fee is on the amount claimed; 民诉解释第二百零一条: several property claims are added): a total owed minus what
was paid of it at once (一共…当时就给了…, 总价…交了首付…) or in rounds (给过两回钱，一回…，一回…); a damaged thing
named with its price (砸坏的电视机两千三) is a head of the loss; a monthly rent times the months said unpaid after the
count (五个月房租都没交); what the other side agreed to refund (答应退俺…) is the claim, not the price paid before.
Fresh stories, with the near misses that keep the old reading."""

from datetime import date
from decimal import Decimal

import pytest

from knowledge.extract import read_amount

TODAY = date(2026, 12, 7)


def claim(text: str) -> Decimal | None:
    return read_amount(text, TODAY).amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("他在俺这拉了一车西瓜，一共四千八的瓜钱，当时就给了八百，剩下的说卖完再给", 4000),
        ("他在俺门市订了台拖拉机，总价九万二，交了首付两万，剩下的一直拖着", 72000),
        ("给他家盖房干了两个月小工，一共该给俺一万八，前后给过两回钱，一回四千，一回六千，剩下的不给了", 8000),
    ],
)
def test_what_was_paid_of_a_total_is_taken_off(text: str, value: int) -> None:
    assert claim(text) == Decimal(value)


def test_a_damaged_thing_named_with_its_price_is_part_of_the_loss() -> None:
    assert claim("他家孩子在俺家玩，砸坏的电视机两千三，弄坏的花盆一百二，俺都要他赔") == Decimal(2420)


def test_months_said_unpaid_after_the_count_times_the_rent() -> None:
    assert claim("门面租给他，一个月两千五，今年五个月房租都没交，俺要他补上") == Decimal(12500)


def test_an_agreed_refund_is_the_claim_not_the_price() -> None:
    text = "在培训班报了个课交了九千，上了两节课机构就关了，负责人答应退俺六千五，到现在也没退"
    assert claim(text) == Decimal(6500)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一共借给他三万，他一分没还", 30000),
        ("他一共欠俺两万货款，前后催过两回，一回也没给", 20000),
    ],
)
def test_a_total_with_nothing_paid_stays_the_total(text: str, value: int) -> None:
    assert claim(text) == Decimal(value)
