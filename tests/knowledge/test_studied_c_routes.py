"""Studied class 'the route of a matter that is not a new civil suit' (table c, round 3).

A decision the person already holds is enforced or reopened, never sued again (民事诉讼法第一百二十七条第（五）
项): a judgment told with the year it was given (法院2023年判的) or the day it fixed (判他…前还); a case the court
closed by mediation (调解结的案 … 调解书); a mediation agreement the court confirmed (司法确认: 民事诉讼法第二百零六
条, 人民调解法第三十三条第二款); an arbitration commission's award (民事诉讼法第二百三十五条第二款、第二百四十八条) —
performed only in part is still not performed; a judgment resting on a forged signature is a retrial (第二百一十一条
第（三）项). Violence at home told by a relative of the victim (女婿把她打伤, 推搡老人) is a protection order that a
near relative may apply for (反家庭暴力法第二条、第二十三条). Money sent to somebody met online whose real name the
person does not know, who then vanished, is for the police: there is no defendant to sue (民事诉讼法第一百二十二条第
（二）项) — "不知道他真名" is not knowing it. An order of the district (区里/县里下了个决定书) is an administrative act
(行政复议法第十一条、第二十条). Fresh stories, with the near misses that keep the old reading."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.routing import RoutingResult, route_matter

TODAY = date(2026, 12, 7)



def _routed(knowledge: Knowledge, story: str) -> RoutingResult:
    return route_matter(story, {}, TODAY, knowledge.court, knowledge.routing)


@pytest.mark.parametrize(
    ("story", "here"),
    [
        ("山阳区法院2023年判的那个案子，判她2024年3月底前还俺两万，她到现在一分也没还", True),
        ("去年在解放区法院调解结的案，调解书写明他今年8月前给俺四万，他就给了一万，剩下的拖着", False),
        ("村里调解好的协议，俺俩一块去山阳区法院办了司法确认，他该在九月底前给俺一万五，现在只给了五千", True),
    ],
)
def test_a_decision_held_and_not_performed_is_enforced(knowledge: Knowledge, story: str, here: bool) -> None:
    routed = _routed(knowledge, story)
    assert routed.route == "enforcement"
    assert routed.court is not None and routed.court.competent is here


def test_an_arbitral_award_not_performed_is_enforced_where_the_debtor_or_assets_are(knowledge: Knowledge) -> None:
    story = "装修的纠纷在仲裁委仲裁完了，裁决装修公司赔俺两万八，裁决书生效半年了，公司一直拖着不给"
    routed = _routed(knowledge, story)
    assert routed.route == "enforcement"
    assert routed.court is not None and routed.court.competent is None
    assert "第二百四十八条" in routed.basis


@pytest.mark.parametrize(
    "story",
    [
        "劳动仲裁的裁决书上周收到的，裁的工资太少，俺不服想去法院告厂里",
        "俺跟他在村里调解了，想问问能不能去法院做个司法确认",
    ],
)
def test_a_labour_award_still_open_or_a_confirmation_not_yet_made_is_not_enforced(
    knowledge: Knowledge, story: str
) -> None:
    assert _routed(knowledge, story).route != "enforcement"


@pytest.mark.parametrize(
    "story",
    [
        "前年中院终审判俺赔他八万，判决早就生效了，后来才发现他拿来的那份合同上的签名是伪造的",
        "法院判俺还她三万，已经生效了，可那张借条根本不是俺签的，是她找人仿的字",
    ],
)
def test_a_judgment_resting_on_a_forged_paper_is_a_retrial(knowledge: Knowledge, story: str) -> None:
    assert _routed(knowledge, story).route == "retrial"


@pytest.mark.parametrize(
    "story",
    [
        "俺妹子她老公一喝醉酒就动手，上个月把她胳膊打骨折了，她吓得不敢说，俺这当哥的能替她申请吗",
        "俺爹七十了，俺哥喝了酒就回家推搡他，把他推倒摔伤了腿，俺们想让法院管管俺哥",
    ],
)
def test_violence_at_home_told_by_a_relative_is_a_protection_order(knowledge: Knowledge, story: str) -> None:
    assert _routed(knowledge, story).route == "protection_order"


def test_a_neighbour_who_shoves_is_no_domestic_violence(knowledge: Knowledge) -> None:
    assert _routed(knowledge, "邻居喝了酒就跟俺吵，把俺推倒了摔伤了腿，俺要他赔医药费").route == "civil_suit"


def test_money_sent_to_an_unnamed_online_acquaintance_who_vanished_is_for_the_police(knowledge: Knowledge) -> None:
    story = (
        "在网上认识一个说自己是医生的，聊了半年，他说家里出事找俺借了五万，转过去以后电话就打不通了，也不知道他真名叫啥"
    )
    routed = _routed(knowledge, story)
    assert routed.route == "police"
    assert routed.civil_claim_also is False


def test_an_online_friend_whose_home_is_known_is_sued(knowledge: Knowledge) -> None:
    story = "网上认识的朋友小刘，知道他家在解放区，借了俺两万不还，电话也不接"
    assert _routed(knowledge, story).route == "civil_suit"


def test_an_order_from_the_county_is_an_administrative_act(knowledge: Knowledge) -> None:
    routed = _routed(knowledge, "县里给俺下了个责令停产的决定书，说俺的养殖场污染，俺觉得不公，想告他们")
    assert routed.route == "admin_reconsideration_or_suit"
    assert routed.deadline_days == 60


def test_a_notice_from_the_housing_estate_is_no_administrative_act(knowledge: Knowledge) -> None:
    assert _routed(knowledge, "小区里给俺下了个通知，说物业费涨了，俺不服").route != "admin_reconsideration_or_suit"
