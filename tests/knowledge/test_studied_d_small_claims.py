"""Studied class 'not a simple money claim, or a party gone, told in lay words' (table d, round 5;
民事诉讼法第一百六十五条、第一百六十六条第（四）项; 民诉解释第二百五十七条): a transfer of title asked instead of money
(就要他把房子过户到俺名下; 俺不要钱) and a thing held together asked to be divided in kind (想让法院把…分了) are no
simple money payment; a debtor who left and never came back, whose phone is an empty number and whose family does
not know where he is, is a party whose whereabouts are unknown. Fresh stories, none from the table."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.assessment import assess

TODAY = date(2026, 12, 7)



@pytest.mark.parametrize(
    "story",
    [
        "俺花一万八买了他一辆旧三轮，钱早给清了，他一直拖着不去办手续，俺不要钱，就想让他去车管所把车过到俺名下",
        "俺和俺弟一人出一半钱买了辆挖掘机干活，现在他一个人开着挣钱，俺想让法院把这挖掘机给分了",
        "借给俺表哥一万二，他大前年去南方以后就再也没回来，电话是空号，他爹娘也说不知道他在哪",
        "他欠俺八千块钱货款，出去打工走了就再没回来，俺也不知道他现在在哪儿",
    ],
)
def test_not_small_claims(knowledge: Knowledge, story: str) -> None:
    a = assess(knowledge, story, None, TODAY, searcher=None)
    assert a.small_claims.mode == "not_eligible"
