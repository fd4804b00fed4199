"""Studied class 'the sum still owed, reckoned from lay parts' (table d, round 5; 诉讼费用交纳办法第十三条第（一）项;
民诉解释第二百零一条; 民法典第五百四十三条): a price per unit (一只八百) is never the claim, and the price of all the
units (五只四千) is the total, less what was paid of it; a per-unit price times the units told elsewhere (拉了六车,
一车七百) is the claim, a range when either is one; a contract price with work added at the buyer's request, less
what he paid (他给了…定金); a daily wage times the days worked (干了三十天), less what was paid (给过俺…); a price
in instalments less the rounds paid (给了两回); "一年多" says how long, not a yearly rate. Fresh stories, none from
the table."""

from datetime import date
from decimal import Decimal

import pytest

from knowledge.extract import read_amount

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("story", "owed"),
    [
        # the total of all the units, less what was paid at once
        ("他从俺家拉走五只羊，一只八百，五只四千，当时给了一千五，剩下的说卖了再给，到现在没给", 2500),
        # no total said: the units told elsewhere times the price of one
        ("俺给他工地拉了六车砖，一车七百，他一直没结", 4200),
        ("他从俺家拉走三头猪，一头两千四，当时给了三千，剩下的拖着", 4200),
        # the contract's price plus what he had added, less his deposit
        (
            "给他家装修厨房，合同上写的三万二，后来他又加了个吊顶四千五，开工前他给了八千定金，完工了剩下的一直拖着",
            28500,
        ),
        # a daily wage times the days worked, less what was paid in between
        ("俺给他家修院墙当小工，说好一天一百八，俺干了三十天，他中间给过俺两千，剩下的不给", 3400),
        # a price paid in monthly instalments, less the rounds paid
        ("卖给他一台旋耕机两万四，说好分六个月还，每月给四千，他给了两回就不给了", 16000),
        # how long the debt ran is no yearly rate
        ("他开超市，一年多来赊俺面粉一万八千六百五，账本上他签了字，一直不结", 18650),
    ],
)
def test_the_sum_owed_from_its_parts(story: str, owed: int) -> None:
    r = read_amount(story, TODAY)
    assert (r.amount, r.uncertain) == (Decimal(owed), False)


def test_units_and_price_both_ranges_give_a_range() -> None:
    r = read_amount("给他送了四五车沙子，一车五六百，他说年底算，到现在也没算", TODAY)
    assert r.amount is None and r.uncertain
    assert r.range == (Decimal(2000), Decimal(3000))
