"""The parts of a judgment a litigant reads: claims, decision, reason, cited articles, region (real snippets)."""

import pytest

from retrieval.judgment import cited_laws, claims_of, decision_of, law_name, reason_of, region_of, shorten

DIVORCE_TEXT = (
    "原告苗某的诉讼请求：1.依法解除原被告之间的婚姻关系。2.婚生的长子闫某某，次子闫某某由被告抚养，原告承担抚养费。"
    "3.分割夫妻共同财产16万元。4.诉讼费由被告承担。事实与理由：2009年11月份原被告经人介绍相识订婚，2010年8月6日举行婚礼。"
)
DIVORCE_REASONING = (
    "本院认为，离婚与否应以夫妻感情是否破裂为裁判的法定条件。本案中，原、被告双方系自愿结婚，共同生活时间较长，"
    "且婚后生育二子，现双方虽然产生家庭矛盾，并不必然导致夫妻感情的破裂。庭审中原告苗某未提供充分证据证实其主张的感情破裂的"
    "事实和理由。故对原告苗某提起的离婚之诉，本院不予支持。被告闫某经本院合法传唤无正当理由拒不到庭参加诉讼，视为放弃质证和"
    "答辩的权利。依照《中华人民共和国婚姻法》第三十二条，《中华人民共和国民事诉讼法》第一百四十四条之规定，判决如下"
)
DIVORCE_RESULT = (
    "不准予原告苗某与被告闫某离婚；\n案件受理费150元，由原告苗某承担。\n如不服本判决，可在判决书送达之日起十五日内，"
    "向本院递交上诉状，并按对方当事人的人数提出副本，上诉至濮阳市中级人民法院"
)


def test_claims_are_the_request_up_to_the_facts() -> None:
    assert claims_of(DIVORCE_TEXT).startswith("1.依法解除原被告之间的婚姻关系。")
    assert claims_of(DIVORCE_TEXT).endswith("4.诉讼费由被告承担")
    lay = (
        "原告诉称：被告拖欠物业服务费一直未交，故诉至法院，要求被告支付我公司2005年至2013年的物业费8694.68元。"
        "\n被告未答辩。"
    )
    assert claims_of(lay) == "被告支付我公司2005年至2013年的物业费8694.68元"
    ordered = "吵闹，夫妻感情确已破裂。请求判令：1、离婚；2、原告抚养儿子张某丙。\n被告张某乙书面答辩称，不同意离婚。"
    assert claims_of(ordered) == "1、离婚；2、原告抚养儿子张某丙"
    assert claims_of("经审理查明，双方系邻居关系。") == ""


def test_decision_drops_the_fee_interest_and_appeal_notices() -> None:
    assert decision_of(DIVORCE_RESULT) == "不准予原告苗某与被告闫某离婚。"
    result = (
        "被告黄海于本判决生效后五日内退还原告张风报名费16000元。\n如果未按本判决指定的期间履行给付金钱的义务，应当依照"
        "《中华人民共和国民事诉讼法》第二百五十三条的规定，加倍支付迟延履行期间的债务利息。\n本案受理费200元，由被告黄海承担。"
    )
    assert decision_of(result) == "被告黄海于本判决生效后五日内退还原告张风报名费16000元。"
    # an operative item that names another case's fee stays
    inner = (
        "被告蔡某于本判决生效之日起十日内在（2013）佛三法塘民初字第398号判决确定的债务（案件受理费675元）"
        "范围内承担连带清偿责任。"
    )
    assert decision_of(inner) == inner
    split_fee = "一、被告偿还借款5万元；二、驳回原告其他诉讼请求。案件受理费1275元，减半收取637.5元\n由被告陈某负担。"
    assert decision_of(split_fee) == "一、被告偿还借款5万元；二、驳回原告其他诉讼请求。"


def test_reason_is_the_sentence_that_decided() -> None:
    assert reason_of(DIVORCE_REASONING) == "故对原告苗某提起的离婚之诉，本院不予支持。"
    summed = (
        "本院认为，当事人应当按照约定全面履行自己的义务。被告未按约还款构成违约。"
        "综上所述，原告的诉讼请求，本院予以支持。"
    )
    assert reason_of(summed) == "综上所述，原告的诉讼请求，本院予以支持。"
    procedural = (
        "本院经审查认为，被告主体不明确，不符合起诉的法定条件。\n"
        "依照《中华人民共和国民事诉讼法》第一百一十九条规定，裁定如下"
    )
    assert reason_of(procedural) == "本院经审查认为，被告主体不明确，不符合起诉的法定条件。"
    duty = "本院认为，保证人承担保证责任后，有权向债务人追偿。依照《中华人民共和国担保法》第三十一条之规定，判决如下"
    assert reason_of(duty) == "本院认为，保证人承担保证责任后，有权向债务人追偿。"
    assert reason_of("依照《中华人民共和国合同法》第二百零五条之规定，判决如下") == ""


def test_cited_laws_are_distinct_articles_substance_first_names_as_cited() -> None:
    laws = [
        {"terms": "第三十二条第一款", "law": "《中华人民共和国婚姻法（2001年）》"},
        {"terms": "第三十二条第三款第一项", "law": "《中华人民共和国婚姻法（2001年）》"},
        {"terms": "第一百四十四条", "law": "《中华人民共和国民事诉讼法》"},
        {"terms": "第八十七条", "law": "《中华人民共和国民法通则（2009修正）》"},
        {"terms": "第十八条第二款", "law": "《中华人民共和国担保法》"},
    ]
    assert cited_laws(laws) == ("《婚姻法》第三十二条", "《民法通则》第八十七条", "《担保法》第十八条")
    as_literal = "[{'terms': '第二百零六条', 'law': '《中华人民共和国合同法》'}]"
    assert cited_laws(as_literal) == ("《合同法》第二百零六条",)
    assert cited_laws("《民法典》第六百七十五条；《民法典》第六百七十六条") == (
        "《民法典》第六百七十五条", "《民法典》第六百七十六条",
    )
    interpretation = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
    assert law_name(interpretation) == "《最高人民法院关于适用〈民事诉讼法〉的解释》"
    assert cited_laws([]) == () and cited_laws(None) == ()


@pytest.mark.parametrize(
    ("courts", "region"),
    [
        (("濮阳市中级人民法院",), "濮阳市"),
        ((None, "浙江省杭州市中级人民法院"), "浙江省杭州市"),
        (("None", "广西壮族自治区高级人民法院"), "广西壮族自治区"),
        (("河北省大名县人民法院", "河北省邯郸市中级人民法院"), "河北省大名县"),
        (("重庆市第一中级人民法院",), "重庆市"),
        (("河南省焦作市山阳区人民法院",), "河南省焦作市"),
        (("新疆维吾尔自治区伊犁哈萨克自治州中级人民法院",), "新疆维吾尔自治区伊犁哈萨克自治州"),
        ((None, None), None),
    ],
)
def test_region_is_read_from_the_court_or_the_appeal_court(courts: tuple[str | None, ...], region: str | None) -> None:
    assert region_of(*courts) == region


def test_shorten_cuts_at_a_clause_and_keeps_a_sentence_end() -> None:
    assert shorten("本院予以支持。", 20) == "本院予以支持。"
    long = "原告主张被告偿还借款，" * 10
    cut = shorten(long, 40)
    assert len(cut) <= 41 and cut.endswith("…") and "，…" not in cut
