"""The outcome extractor (retrieval.outcomes) on result snippets written the way the courts write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.outcomes import (
    OUTCOME_CODES,
    OutcomeReading,
    legacy_code,
    parse_chinese_number,
    read_claimed,
    read_granted,
    read_outcome,
    request_text,
    sum_fixed_amounts,
)
from retrieval.text import OUTCOMES

FEE = "案件受理费减半收取1805元，财产保全费1350元，由被告负担。"
APPEAL = (
    "如不服本判决，可在判决书送达之日起十五日内，向本院递交上诉状，并按对方当事人的人数提出副本，上诉于某某市中级人"
    "民法院。"
)
LATE = (
    "如果未按本判决指定的期间履行给付金钱义务，应当依照《中华人民共和国民事诉讼法》第二百五十三条之规定，加倍支付迟"
    "延履行期间的债务利息。"
)


def result(*items: str) -> str:
    return "\n".join([*items, LATE, FEE, APPEAL])


# --- codes -------------------------------------------------------------------------------------------


def test_codes_are_the_eleven_of_the_interface() -> None:
    assert OUTCOME_CODES == (
        "supported", "partly", "rejected", "divorce_granted", "divorce_refused", "dismissed",
        "not_accepted", "transferred", "withdrawn", "mediated", "other",
    )


def test_payment_of_everything_asked_is_supported_with_both_sums() -> None:
    claims = (
        "原告贵州某贸易有限公司起诉至本院请求判令：一、被告向原告支付所欠货款127290元；二、被告向原告支付违约金3818"
            "7元；"
        "三、本案诉讼费由被告承担。\n事实与理由：原告与被告于2019年7月2日签订《购销合同》一份，合同总价为146577元。"
    )
    got = read_outcome(
        result("被告某通风管道加工有限公司于本判决生效之日起十日内支付原告某贸易有限公司货款127290元及违约金38187元。"),
        claims,
        "判决书",
    )
    assert got == OutcomeReading(code="supported", claimed_yuan=165477, granted_yuan=165477)


def test_grant_then_rejection_of_the_rest_is_partly() -> None:
    claims = "原告诉讼请求：1.判令被告赔偿原告经济损失1000元；2.判令被告承担本案的诉讼费用。\n（二）事实及理由：……"
    got = read_outcome(
        result(
            "一、被告重庆某文化传媒有限公司于本判决生效之日起五日内赔偿原告重庆某音乐文化传播有限公司经济损失500元；",
            "二、驳回原告重庆某音乐文化传播有限公司的其他诉讼请求。",
        ),
        claims,
    )
    assert got == OutcomeReading(code="partly", claimed_yuan=1000, granted_yuan=500)


def test_rejection_aimed_at_a_co_defendant_after_a_grant_is_partly() -> None:
    got = read_outcome(
        result(
            "一、被告邱某于本判决生效后十日内清偿原告刘某借款本金20000元及利息（利息自2011年11月20日起按月利率2%计"
                "算）；",
            "二、驳回原告刘某对被告张某的诉讼请求。",
        )
    )
    assert got.code == "partly"
    assert got.granted_yuan == 20000


def test_less_money_than_asked_without_a_rejection_sentence_is_partly() -> None:
    claims = (
        "原告向本院提出诉讼请求：1、依法判令被告偿还原告借款26万元整，支付利息124800元，合计：384800元；2、本案诉讼"
        "费由被告全部承担。"
    )
    got = read_outcome(
        result("被告周某于本判决生效后十日内偿还原告宿某借款本金245000元，并按年利率6%支付自2018年4月24日起至本判决"
            "确定给付之日期间的利息。"),
        claims,
    )
    assert got == OutcomeReading(code="partly", claimed_yuan=384800, granted_yuan=245000)


def test_interest_asked_but_not_ordered_is_partly() -> None:
    claims = "原告向本院提出诉讼请求：1、判令被告支付原告欠款71200元及逾期付款利息；2.本案诉讼费由被告负担。"
    got = read_outcome(result("被告蒲某于本判决生效后十五日内向原告邓某支付欠付租赁款71200元。"), claims)
    assert got == OutcomeReading(code="partly", claimed_yuan=71200, granted_yuan=71200)


def test_interest_at_a_lower_rate_than_asked_is_partly_and_the_same_rate_is_not() -> None:
    claims = "原告诉讼请求：被告返还原告保证金39000元及利息（按年利率6%计算自2019年8月11日至实际支付之日）。"
    lower = (
        "被告李某于本判决生效后10日内返还原告江某保证金39000元及利息（自2019年11月1日起至实际还款之日止，按年利率3%"
        "计算）。"
    )
    same = (
        "被告李某于本判决生效后10日内返还原告江某保证金39000元及利息（自2019年8月11日起至实际还款之日止，按年利率6%"
        "计算）。"
    )
    assert read_outcome(result(lower), claims).code == "partly"
    assert read_outcome(result(same), claims).code == "supported"


@pytest.mark.parametrize(
    "operative",
    ["驳回原告王某的诉讼请求。", "驳回原告黄某的全部诉讼请求。", "驳回关某要求何某分配款工程款11182元之诉请。"],
)
def test_nothing_granted_and_claims_rejected_is_rejected_with_nothing_granted(operative: str) -> None:
    claims = "原告向本院提出诉讼请求：1.判令被告支付工程款11182元；2.本案诉讼费由被告承担。"
    assert read_outcome(result(operative), claims) == OutcomeReading("rejected", 11182, 0)


def test_rejection_with_no_money_asked_has_no_granted_figure() -> None:
    claims = "原告向本院提出诉讼请求：要求判令浙D×××××号大众轿车为原告所有，由被告协助办理该车辆过户手续。"
    assert read_outcome(result("驳回原告楼某的诉讼请求。"), claims) == OutcomeReading("rejected", None, None)


@pytest.mark.parametrize(
    "operative",
    [
        "不准予原告苗某与被告闫某离婚；",
        "不准原告王某1与被告王某2离婚。",
        "朱某与闫某离婚，不予准许。",
        "驳回原告袁某要求与被告黄某1离婚的诉讼请求。",
    ],
)
def test_divorce_refused(operative: str) -> None:
    assert read_outcome(result(operative), "原告诉讼请求：1.判令原、被告离婚；2.诉讼费由被告承担。"
        "").code == "divorce_refused"


def test_plain_rejection_of_a_divorce_suit_is_divorce_refused() -> None:
    claims = "原告朱某甲向本院提出诉讼请求：1、判令原被告离婚；2、儿子朱某乙由原告抚养。"
    assert read_outcome(result("驳回朱某甲的诉讼请求。"), claims).code == "divorce_refused"
    # the same words in a support suit stay a rejection
    support = "原告向本院提出诉讼请求：要求长子李某甲判由原告抚养，被告承担部分孩子抚养费。"
    assert read_outcome(result("驳回原告樊某某的诉讼请求。"), support).code == "rejected"


def test_divorce_granted_with_property_division_counts_no_payment_by_the_plaintiff() -> None:
    claims = (
        "原告诉讼请求：1、离婚；2、女儿牛某2由原告抚养，被告承担抚养费直至女儿18周岁；3、共同财产合理分配；4、本案"
        "诉讼费由原告承担。"
    )
    got = read_outcome(
        result(
            "一、准予原告张某与被告牛某1离婚；",
            "二、女儿牛某2由被告牛某1抚养，原告张某不支付抚养费；",
            "三、位于召陵区某小区1号楼4单元407号的房产归原告张某所有，原告张某于本判决生效之日起二十日内支付给被告"
                "牛某1125000元房款；",
            "四、北京现代轿车一辆归被告所有，该车贷款由被告承担；",
            "五、驳回原告张某与被告牛某1其他诉讼请求。",
        ),
        claims,
    )
    assert got == OutcomeReading(code="divorce_granted", claimed_yuan=None, granted_yuan=None)


def test_divorce_granted_with_damages_to_the_plaintiff() -> None:
    claims = "原告诉讼请求：1、请求与被告离婚；2、请求判令被告支付精神损害赔偿金30000元；3、诉讼费由被告承担。"
    got = read_outcome(
        result("一、准予原告赵某与被告杨某离婚。", "二、被告杨某于本判决生效后十日内给付原告赵某精神损害抚慰金3000."
            "00元。"),
        claims,
    )
    assert got == OutcomeReading(code="divorce_granted", claimed_yuan=30000, granted_yuan=3000)


@pytest.mark.parametrize("doc_type", ["裁定书", "判决书"])
def test_ruling_dismissing_the_suit_is_dismissed_whatever_the_title(doc_type: str) -> None:
    ruling = (
        "驳回原告济南某信息科技有限公司的起诉。\n案件受理费199元,退还原告。\n"
        "如不服本裁定，可在裁定书送达之日起十日内，向本院递交上诉状，上诉于山东省济南市中级人民法院"
    )
    claims = (
        "某公司向本院提出诉讼请求：1.判令张某偿还借款人民币111000元及利息（以111000元为基数，按年利率24%计算）；2."
        "判令张某承担本案的律师费14000元；3.判令张某承担本案诉讼费用。"
    )
    assert read_outcome(ruling, claims, doc_type) == OutcomeReading("dismissed", 125000, None)


def test_dismissal_that_hands_the_matter_to_the_police_is_dismissed() -> None:
    got = read_outcome("一、驳回蔡某的起诉。\n二、本案全案移送公安机关侦查。\n如不服本裁定，可以在十日内上诉。")
    assert got.code == "dismissed"


def test_not_accepted() -> None:
    ruling = "对张某某的起诉，本院不予受理。\n如不服本裁定，可以在裁定书送达之日起十日内上诉。"
    assert read_outcome(ruling).code == "not_accepted"


@pytest.mark.parametrize(
    "ruling",
    [
        "本案移送福建省闽侯县人民法院处理。\n本裁定一经作出即生效",
        "一、驳回原告王某对被告北京某信息技术有限公司的起诉；\n二、本案移送江苏省苏州市吴中区人民法院处理。"
        "\n如不服本裁定，可在裁定书送达之日起十日内上诉。",
    ],
)
def test_transferred(ruling: str) -> None:
    assert read_outcome(ruling, doc_type="裁定书").code == "transferred"


@pytest.mark.parametrize("ruling", ["准许原告刘某撤回起诉。\n案件受理费减半收取25元。", "本案按原告刘某撤诉处理。"])
def test_withdrawn(ruling: str) -> None:
    assert read_outcome(ruling, doc_type="裁定书") == OutcomeReading("withdrawn", None, None)


def test_an_appeal_notice_about_withdrawing_an_appeal_is_not_a_withdrawal() -> None:
    text = result("驳回原告王某1的诉讼请求。") + "如在上诉期满后七日内未交纳上诉案件受理费的，按自动撤回上诉处理"
    assert read_outcome(text).code == "rejected"


def test_mediation_agreement_is_mediated_and_its_payment_is_granted() -> None:
    got = read_outcome(
        "经本院主持调解，双方当事人自愿达成如下协议：\n一、被告于2020年1月31日前分期支付原告3万元；\n二、案件受理费减半收取由被告负担。",
        "原告诉讼请求：判令被告偿还借款50000元。",
    )
    assert got == OutcomeReading("mediated", 50000, 30000)


def test_ruling_on_a_jurisdiction_objection_is_other() -> None:
    assert read_outcome("驳回被告张某对管辖权提出的异议。\n管辖异议案件受理费80元，由被告张某承担。").code == "other"


def test_no_result_text_reads_no_code_but_still_the_claim() -> None:
    got = read_outcome("  ", "原告诉讼请求：被告偿还原告借款5万元。")
    assert got == OutcomeReading(code=None, claimed_yuan=50000, granted_yuan=None)


def test_non_money_judgment_is_supported_without_figures() -> None:
    claims = "原告向本院提出诉讼请求：确认原告与被告在2009年5月4日至2015年7月10日期间存在劳动关系。"
    got = read_outcome(result("确认原告侯某与被告重庆某培训学校在2009年5月4日至2015年7月10日期间存在劳动关系。"
        ""), claims)
    assert got == OutcomeReading("supported", None, None)


# --- amounts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("支付货款127290元", "127290"),
        ("偿还借款12.5万元", "125000"),
        ("返还人民币伍万元整", "50000"),
        ("支付50,000元", "50000"),
        ("支付补偿款二百万元及利息二十四万一千六百六十六元", "2241666"),
        ("支付装修材料款人民币壹万陆千叁佰元整", "16300"),
        ("偿还利息三千一百七十六元六角七分", "3176.67"),
        ("赔偿损失共计9.822595万元", "98225.95"),
    ],
)
def test_amounts_are_read_in_every_notation(text: str, yuan: str) -> None:
    assert str(sum_fixed_amounts(text)) == yuan or float(sum_fixed_amounts(text) or 0) == float(yuan)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("伍万", 50000), ("二十四万一千六百六十六", 241666), ("十二", 12), ("一亿零五十万", 100500000), ("万", None)],
)
def test_chinese_numbers(text: str, expected: int | None) -> None:
    assert parse_chinese_number(text) == expected


def test_fee_sentences_with_yuan_do_not_count() -> None:
    text = result(
        "被告石某向原告汤某支付工资款4812元，被告梁某承担连带清偿责任，于本判决生效之日起七日内付清；"
    ) + "\n本案原告请求金额5000元，核定给付金额4812元，案件受理费50元，公告费560元，由被告负担。"
    assert read_granted(text) == 4812


def test_costs_in_a_claim_do_not_count() -> None:
    claims = "原告向本院提出诉讼请求：1.判令被告给付工程款3000000元；2.诉讼费、保全费5000元由被告承担。"
    assert read_claimed(claims) == 3000000


def test_rate_interest_and_its_base_do_not_count() -> None:
    text = (
        "被告金某立即向原告杨某支付剩余工程款4万元及利息（4万元为基数，自2018年8月1日起按中国人民银行同期同类贷款利"
        "率计息）"
    )
    assert read_granted(text) == 40000
    claims = (
        "原告诉讼请求：被告支付货款17600.00元;2.被告以货款17600.00元为基数，按同期银行贷款利率计算向原告支付资金占"
        "用损失"
    )
    assert read_claimed(claims) == 17600


def test_interest_figure_to_the_filing_date_counts() -> None:
    claims = (
        "原告诉讼请求：1.被告偿还信用卡本金6000元及至实际清偿之日止的利息、逾期还款违约金（暂计至2019年9月17日，尚"
            "欠利息828.93元、"
        "逾期还款违约金346.78元，此后的利息以欠款本金为基数按日万分之五计算至清偿之日止）；2.本案诉讼费用由被告承担。"
    )
    assert read_claimed(claims) == 7176


def test_periodic_support_counts_as_no_fixed_sum() -> None:
    claims = (
        "原告诉讼请求：1.判令原、被告非婚生女高某抚养权归原告；2.被告支付每月抚养费1000元；3.被告承担本案的诉讼费。"
        ""
    )
    got = read_outcome(
        result(
            "一、原告王某与被告高某的非婚生女高某归原告王某抚养，被告高某每月月底前给付高某抚养费800元，自2017年8月"
                "起给付至高某18周岁之日止。",
            "二、驳回原告王某其他诉讼请求。",
        ),
        claims,
    )
    assert got == OutcomeReading("partly", None, None)


def test_arrears_of_support_are_fixed_while_the_monthly_sum_is_not() -> None:
    text = (
        "一、被告孙某1给付原告孙某自2012年8月16日至2018年10月16日的抚养费74000元；"
        "二、被告孙某1自2018年10月17日起每月给付原告孙某抚养费1000元直至原告孙某十八周岁为止。"
    )
    assert read_granted(result(text)) == 74000


def test_a_total_is_not_added_to_its_items() -> None:
    assert read_claimed("原告诉讼请求：1.判令三被告连带返还保证金50000元及利息5000元，合计55000元；2.被告承担本案的"
        "诉讼费用。") == 55000
    text = result(
        "一、被告罗某归还原告某银行欠款本金59676.97元；",
        "二、被告罗某支付原告某银行利息16207.06元（截至2020年6月6日）；",
        "三、驳回原告某银行要求被告罗某支付违约金2075.39元的诉讼请求。",
        "以上被告应给付原告款项共计75884.03元，由被告于本判决生效后立即付清。",
    )
    assert read_granted(text) == 75884


def test_a_total_of_unpriced_items_is_added() -> None:
    claims = (
        "原告诉讼请求：2.判令被告赔偿原告经济损失1700元；3.判令被告承担为维权支出的合理费用（律师费、公证费）合计30"
        "0元；4.被告承担诉讼费用。"
    )
    assert read_claimed(claims) == 2000


def test_share_after_a_total_replaces_it() -> None:
    text = "被告赵某立即赔偿原告洪某医疗费34887.17元、误工费30066元、交通费300元共计65253.17元的70%即45677.22元"
    assert read_granted(text) == 45677


def test_several_plaintiffs_and_items_are_summed_once() -> None:
    text = result(
        "一、被告某公司于本判决生效后十日内返还原告蔡某、袁某所交购房款人民币15万元。",
        "二、被告某公司于本判决生效后十日内支付原告蔡某、袁某违约金2万元。",
        "三、被告张某对上述第一项债务承担连带清偿责任。",
    )
    assert read_granted(text) == 170000


def test_a_waived_claim_is_left_out() -> None:
    claims = (
        "原告诉讼请求：被告立即支付原告股权转让款20000元、天然气押金1250元。在庭审中，原告放弃天然气押金1250元部分"
        "的诉讼请求。"
    )
    assert read_claimed(claims) == 20000


def test_a_claim_restated_in_court_replaces_the_item() -> None:
    claims = (
        "原告向本院提出诉讼请求：1.判令被告归还原告借款本金18000元及利息；2.由被告承担诉讼费。"
        "诉讼过程中，郑某变更第1项诉讼请求为：判令被告归还原告借款本金16000元及利息。\n被告未答辩。"
    )
    assert read_claimed(claims) == 16000


def test_request_is_found_in_a_claimed_paragraph_and_ends_before_the_facts() -> None:
    claims = (
        "原告蒋某诉称，2000年7月被告因经营需要向原告借款合计60万元，至原告起诉前被告仅偿还利息约65万元。"
        "综上，原告故起诉至法院，请求判决被告偿还借款本金60万元及利息20万元。\n被告王某未答辩。"
    )
    assert "偿还借款本金60万元及利息20万元" in request_text(claims)
    assert "65万元" not in request_text(claims)
    assert read_claimed(claims) == 800000


def test_text_without_a_request_reads_no_claim() -> None:
    assert read_claimed("本院经审理认定，2014年原告与被告签订合同，约定转让价格为800000元。") is None


def test_a_claim_given_up_later_in_the_text_is_left_out() -> None:
    claims = (
        "原告某电信公司向本院提出诉讼请求：1、判令被告支付拖欠的电信费5642.69元；2、判令被告支付逾期付款违约金3774.10元。"
        "事实与理由：被告欠费至今未付。庭审中，原告自愿放弃逾期付款违约金的诉请。\n被告未作答辩。"
    )
    got = read_outcome(result("被告某公司于本判决生效之日起十日内支付原告某电信公司电信服务费5642.69元。"), claims)
    assert got == OutcomeReading("supported", 5643, 5643)
    item = (
        "原告向本院提出诉讼请求：1、依法解除土地流转承包合同；2、判令被告支付承包费5000元；3、本案的诉讼费用由被告承担。"
        "事实与理由：……\n另查明，庭审中，原告放弃了第2项诉讼请求。"
    )
    ended = result("解除原告宛某与被告安某签订的土地流转承包合同。")
    assert read_outcome(ended, item) == OutcomeReading("supported", None, None)


def test_interest_given_up_is_not_an_unanswered_claim() -> None:
    claims = "原告诉讼请求：1、判令被告立即归还欠款11000元及利息；诉讼费用由被告承担。\n庭审中原告明确放弃利息的请求。"
    paid = result("由被告张某返还原告王某11000元，于本判决生效之日起十日内付清。")
    assert read_outcome(paid, claims).code == "supported"


def test_lower_periodic_support_than_asked_is_partly() -> None:
    claims = "原告诉讼请求：1、请求依法判令被告给付原告抚养费每月1000元；2、本案诉讼费由被告承担。"
    lower = "被告段某给付原告徐某抚养费每月300元，每年的12月31日前一次性付清当年抚养费。"
    same = "被告段某给付原告徐某抚养费每月1000元，每年的12月31日前一次性付清当年抚养费。"
    assert read_outcome(result(lower), claims) == OutcomeReading("partly", None, None)
    assert read_outcome(result(same), claims) == OutcomeReading("supported", None, None)


def test_a_payment_asked_and_nothing_handed_over_is_partly() -> None:
    claims = "原告诉讼请求：被告张某返还侵占我的0.875亩耕地并赔偿损失1750元。"
    got = read_outcome(result("被告张某自本判决生效后十日内返还原告梁某0.875亩土地使用权。"), claims)
    assert got == OutcomeReading("partly", 1750, 0)


def test_a_breakdown_after_a_total_is_not_added() -> None:
    bracket = (
        "原告诉讼请求：1、判令被告立即支付信用卡欠款本息及费用共计68690.02元（截至2022年2月16日，欠款本金为41015.80元，"
        "利息23700.41元、违约金2973.81元、年费1000元）。2、判令被告承担全部诉讼费用。"
    )
    assert read_claimed(bracket) == 68690
    total_first = (
        "原告诉讼请求：由被告付给原告叁万叁仟壹佰捌拾元人民币。1.一季度房费7200元；2.一年物业费720元；"
        "3.违约金23760元；4.主卧室地板:1500元；5.诉讼费由被告承担。"
    )
    assert read_claimed(total_first) == 33180
    assert read_claimed("原告诉讼请求：被告赔偿原告医药费4600元、护理费1207.4元、交通费100元，计5907.4元。") == 5907


# --- the five stored outcomes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "legacy"),
    [
        ("supported", "supported"), ("partly", "partly"), ("rejected", "rejected"), ("withdrawn", "withdrawn"),
        ("mediated", "mediated"), ("divorce_granted", "supported"), ("divorce_refused", "rejected"),
        ("dismissed", None), ("not_accepted", None), ("transferred", None), ("other", None), (None, None),
    ],
)
def test_legacy_code_maps_onto_the_stored_five(code: str | None, legacy: str | None) -> None:
    assert legacy_code(code) == legacy  # type: ignore[arg-type]
    assert legacy is None or legacy in OUTCOMES


@pytest.mark.parametrize(
    ("snippet", "old"),
    [  # the examples the five-code extractor of retrieval.text was tested with, and its answers
        ("本院认为……判决如下：一、被告张某于本判决生效之日起十日内偿还原告李某借款50000元。", "supported"),
        ("判决如下：一、被告偿还原告借款2万元；二、驳回原告的其他诉讼请求。", "partly"),
        ("判决如下：驳回原告王某的全部诉讼请求。案件受理费由原告负担。", "rejected"),
        ("判决如下：\n驳回原告王某的诉讼请求。", "rejected"),
        ("裁定如下：准许原告刘某撤回起诉。", "withdrawn"),
        ("裁定如下：准许原告撤诉。案件受理费减半收取。", "withdrawn"),
        ("经本院主持调解，双方当事人自愿达成如下协议：被告于2020年1月前分期支付原告3万元。", "mediated"),
        ("判决如下：确认双方于本院达成的调解协议有效。", "mediated"),
        ("判决如下：被告赔偿原告医疗费等各项损失12000元。", "supported"),
    ],
)
def test_reading_keeps_the_five_code_answers_through_legacy_code(snippet: str, old: str) -> None:
    assert legacy_code(read_outcome(snippet).code) == old


# --- the evaluation ------------------------------------------------------------------------------------


def test_eval_counts_agreement_per_split_and_lists_disagreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evals.outcomes import main

    corpus = tmp_path / "judgments.jsonl"
    docs = [
        {"id": "a", "doc_type": "判决书", "text": "原告诉讼请求：被告偿还借款5万元。", "result": "被告偿还原告5万元。"},
        {"id": "b", "doc_type": "裁定书", "text": "", "result": "驳回原告的起诉。"},
        {"id": "c", "doc_type": "判决书", "text": "原告诉讼请求：被告偿还5万元。", "result": "驳回原告的诉讼请求。"},
    ]
    corpus.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs), encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    rows = [
        {"id": "a", "split": "dev", "outcome": "supported", "claimed_yuan": 50000, "granted_yuan": 50000, "note": ""},
        {"id": "b", "split": "dev", "outcome": "transferred", "claimed_yuan": None, "granted_yuan": None, "note": "x"},
        {"id": "c", "split": "holdout", "outcome": "rejected", "claimed_yuan": 50000, "granted_yuan": 0, "note": ""},
    ]
    labels.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert main(["--labels", str(labels), "--corpus", str(corpus), "--split", "dev", "-v"]) == 0
    text = capsys.readouterr().out
    assert "outcome code   1/2 (50.0%)" in text
    assert "claimed_yuan   1/1 (100.0%)" in text
    assert "b  code transferred ≠ dismissed" in text
    assert "holdout" not in text
