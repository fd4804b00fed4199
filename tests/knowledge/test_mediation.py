"""Mediation offered where it suits, never pushed and never a condition of filing (knowledge.mediation), read from
fresh stories through ``assess``; and preservation before mediation when assets are being moved."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess
from knowledge.mediation import assess_mediation, load_mediation_rules, preservation_first, story_matters

TODAY = date(2026, 12, 7)
RULES = load_mediation_rules()



def _a(knowledge: Knowledge, story: str) -> Assessment:
    return assess(knowledge, story, None, TODAY, searcher=None)


@pytest.mark.parametrize(
    "story",
    [
        "楼上邻居家卫生间漏水，把俺家天花板泡坏了，找他几次都推，想找个人说和说和",
        "老大老二都不出俺娘的生活费，俺不想跟亲兄弟打官司，能不能找人调解",
        "跟老公分居两年了，想好聚好散，孩子和房子的事想先找人调解一下，谈不拢再起诉离婚",
        "小区物业收了停车费却不管车位被占，我不交了，他们说要告我，能不能有人给调调",
    ],
)
def test_offered_where_it_suits(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.mediation.suitable is True
    assert a.mediation.required_before_filing is False and "不是起诉的前提条件" in a.mediation.note


def test_a_story_that_accepts_mediation_answers_the_question(knowledge: Knowledge) -> None:
    a = _a(knowledge, "邻居盖房占了俺家半米宅基地，想找村里调委会给调一调")
    assert a.facts["mediation_willing"] is True and "mediation_willing" not in a.missing


@pytest.mark.parametrize(
    ("story", "reason"),
    [
        ("跟前夫的婚是他瞒着病结的，我想确认婚姻无效，他家里人说可以找人调一调", "身份关系"),
        ("孩子他爹不认这个孩子，我想做亲子鉴定，确认亲子关系", "身份关系"),
        ("电动车停在楼下被人把电瓶偷了，不知道是谁偷的", "不知道对方是谁"),
        ("欠我两万的老乡跑了，电话一直关机，家里也说不知道去哪了", "下落不明"),
        ("在社区调解过一回了，他还是不给钱，不想再调了，直接起诉", "不愿意调解"),
        ("丈夫经常喝酒打我，我想离婚", "家庭暴力"),
    ],
)
def test_not_offered(knowledge: Knowledge, story: str, reason: str) -> None:
    a = _a(knowledge, story)
    assert a.mediation.suitable is False
    assert any(reason in r for r in a.mediation.reasons)
    assert a.mediation.required_before_filing is False
    assert "mediation_willing" not in a.missing or reason == "不愿意调解"


def test_assets_being_moved_put_preservation_first(knowledge: Knowledge) -> None:
    a = _a(knowledge, "老周欠我20万不还，听说他这两天正在卖房子，还把存款往外转，他家住山阳区定和街道")
    assert a.preservation.first is True and "诉前保全" in a.preservation.reason
    assert "第一百零四条" in a.preservation.basis
    assert a.mediation.suitable is False and any("保全" in r for r in a.mediation.reasons)


@pytest.mark.parametrize(
    "story",
    [
        "我把钱转给他了，他说下个月还，到现在没还",  # the person's own transfer
        "房东把房子卖了，新房东让我搬走，押金不退",  # a sale that hides nothing from the creditor
    ],
)
def test_no_preservation_without_assets_being_moved(knowledge: Knowledge, story: str) -> None:
    assert _a(knowledge, story).preservation.first is False


def test_never_a_condition_of_filing(knowledge: Knowledge) -> None:
    for story in [
        "借给同事3万没还",
        "网上刷单被骗了5万",
        "交警罚了我200",
        "法院判决书3天前收到，不服",
        "他刚才拿刀要砍我",
        "借款到期没还，担保人王强签的字",
    ]:
        assert _a(knowledge, story).mediation.required_before_filing is False


def test_routes_that_are_not_a_civil_suit_are_not_offered_mediation() -> None:
    for route in ("police", "admin_reconsideration_or_suit", "protection_order", "payment_order", "appeal"):
        result = assess_mediation("small_debt", {}, RULES, route)
        assert result.suitable is False and "route" in result.blocked_by
    assert assess_mediation("small_debt", {}, RULES, "civil_suit").suitable is True


def test_divorce_may_be_mediated_first_but_status_never() -> None:
    assert assess_mediation("divorce", {}, RULES).suitable is True
    assert assess_mediation("divorce", {"status_confirmation": True}, RULES).suitable is False
    assert story_matters("想确认婚姻无效", RULES) == {"status_confirmation": True}
    assert story_matters("想离婚，孩子归我", RULES) == {}


def test_preservation_advice() -> None:
    assert preservation_first({"urgency": True}, RULES).first is True
    assert preservation_first({}, RULES).first is False
