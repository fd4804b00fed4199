"""Studied class 'limitation after expiry, and the wage rule' (民法典第一百九十二条第二款、第一百九十五条; 时效规定
第十九条; 劳动争议调解仲裁法第二十七条第四款): the debtor's own words owning the debt after the period ran out
("那钱我认") take the defence away; the creditor's demand after expiry does not; wages claimed after leaving run
one year from the end under the wage rule of 第二十七条第四款 (its tag: wages_during_employment), not under the
general rule of 第一款. Fresh stories, with the near misses."""

from datetime import date

import pytest

from knowledge import Knowledge

TODAY = date(2026, 12, 7)



@pytest.mark.parametrize(
    "story",
    [
        "这钱2019年6月1号就到期了，俺一直没催，今年3月2号他打电话跟俺说“这钱俺认，秋后给你”，到现在也没给",
        "借他的两万2018年底该还，一直没要，前年8月8号他在微信里说那两万他认，就是手头紧",
    ],
)
def test_the_debtors_own_words_after_expiry_revive(knowledge: Knowledge, story: str) -> None:
    lim = knowledge.assess(story, None, TODAY, None).limitation
    assert lim.rule_tag == "revived_by_debtor_agreement"
    assert lim.status == "in_time"


def test_a_creditors_demand_after_expiry_revives_nothing(knowledge: Knowledge) -> None:
    story = "这钱2019年6月1号就到期了，一直没要，今年3月2号俺去他家催了一回，他没吭声"
    lim = knowledge.assess(story, None, TODAY, None).limitation
    assert lim.status == "expired"
    assert lim.rule_tag == "demand_after_expiry_no_revival"


def test_i_think_is_no_acknowledgement(knowledge: Knowledge) -> None:
    story = "这钱2019年6月1号就到期了，一直没要，今年3月2号俺跟他说我认为他该还了"
    assert knowledge.assess(story, None, TODAY, None).limitation.rule_tag != "revived_by_debtor_agreement"


def test_wages_after_leaving_run_from_the_end_under_the_wage_rule(knowledge: Knowledge) -> None:
    story = "俺今年2月28号从饭店辞职的，最后一个月工资三千没给，想去仲裁"
    lim = knowledge.assess(story, None, TODAY, None).limitation
    assert (lim.status, lim.rule_tag) == ("in_time", "wages_during_employment")
    assert lim.deadline == date(2027, 2, 28)
