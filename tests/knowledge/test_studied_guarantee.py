"""Studied class 'guarantee period read from lay words' (民法典第六百八十六条、第六百九十二条、第六百九十三条): a due
date named before the date ("到期日是…"), a guarantor whose given name is a festival (孙国庆 is no 1 October),
and a creditor's threat to sue ("突然说要告我") that is no suit against the debtor within the period.
Fresh stories; today is 2026-12-07."""

from datetime import date

import pytest

from knowledge.dates import find_dates
from knowledge.guarantee import assess_guarantee, load_guarantee_rules

TODAY = date(2026, 12, 7)
RULES = load_guarantee_rules()


@pytest.mark.parametrize(
    ("story", "due", "end"),
    [
        ("借给老同学三万，刘端午签了担保人，还款日期是2026年3月5日，之后俺一直没告", "2026-03-05", "2026-09-05"),
        ("表哥借俺五万，担保人写的是他朋友，到期日为2025年12月20日，俺只打过电话，没起诉", "2025-12-20", "2026-06-20"),
    ],
)
def test_due_date_named_before_the_date(story: str, due: str, end: str) -> None:
    g = assess_guarantee(story, TODAY, RULES)
    assert g is not None
    assert g.due_date == date.fromisoformat(due)
    assert g.period_end == date.fromisoformat(end)
    assert g.claim_open is False  # 一般保证: no suit against the debtor within the period (第六百九十三条第一款)


@pytest.mark.parametrize("name", ["孙国庆", "王中秋", "李元旦"])
def test_a_festival_in_a_given_name_is_no_date(name: str) -> None:
    assert find_dates(f"{name}给俺写了个条", TODAY) == []


def test_the_festival_itself_is_still_a_date() -> None:
    assert [d.value for d in find_dates("今年国庆借给他的", TODAY)] == [date(2026, 10, 1)]


@pytest.mark.parametrize(
    "story",
    [
        "我给邻居当保证人借了两万，约定2026年1月10日还，出借人一直只找邻居要，没告过，前几天扬言要告我",
        "俺是担保人，欠条写2026年3月1号前还，债主没起诉过借钱的人，昨天打电话说要起诉俺",
    ],
)
def test_a_threat_to_sue_the_guarantor_is_no_suit(story: str) -> None:
    g = assess_guarantee(story, TODAY, RULES)
    assert g is not None and g.kind == "一般保证"
    assert g.claim_open is False
