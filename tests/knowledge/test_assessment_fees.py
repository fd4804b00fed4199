"""The assessment's fee and small-claims parts follow what is claimed, whatever cause was recognised or confirmed."""

from datetime import date
from typing import Any

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess

TODAY = date(2026, 12, 1)



def run(knowledge: Knowledge, text: str, **facts: Any) -> Assessment:
    return assess(knowledge, text, facts, TODAY, searcher=None)


def test_a_large_money_claim_outside_the_list_is_a_property_case(knowledge: Knowledge) -> None:
    a = run(knowledge, "俺给开发商搞小区绿化，绿化工程款欠了八十六万一直没结", cause="其他", claim_amount_yuan=860_000)
    assert a.fee.kind == "property"
    assert (a.fee.acceptance_fee_yuan, a.fee.halved_yuan) == (12_400, 6_200)
    assert a.small_claims.mode == "not_eligible"


def test_a_small_money_claim_outside_the_list_can_be_a_small_claim(knowledge: Knowledge) -> None:
    a = run(knowledge, "俺替他垫付了三万的货款，他一直不还", cause="其他", claim_amount_yuan=30_000)
    assert a.fee.kind == "property" and a.fee.acceptance_fee_yuan == 550
    assert a.small_claims.mode == "mandatory"


def test_custody_without_money_is_never_a_small_claim(knowledge: Knowledge) -> None:
    a = run(knowledge, "俺想把闺女的抚养权要过来，他的钱俺一分都不要", cause="抚养纠纷")
    assert a.fee.kind == "other_non_property" and a.fee.range_yuan == [50, 100]
    assert not any("免交" in n for n in a.fee.notes)  # the art. 45 waiver covers support money only
    assert a.small_claims.mode == "not_eligible" and "第一百六十六条第（一）项" in a.small_claims.basis


def test_support_money_is_charged_on_the_money_with_the_waiver(knowledge: Knowledge) -> None:
    a = run(knowledge, "他每个月该给八百抚养费，一年没给了", cause="抚养纠纷", claim_amount_yuan=9_600)
    assert a.fee.kind == "property" and a.fee.acceptance_fee_yuan == 50
    assert any("免交" in n for n in a.fee.notes)
    assert a.small_claims.mode == "mandatory"


def test_a_portrait_claim_under_a_contract_cause_is_a_personality_case(knowledge: Knowledge) -> None:
    text = "美容院没经过俺同意把俺的照片做成广告贴在门口，俺要他们撤下来、赔八万"
    a = run(knowledge, text, cause="服务合同纠纷", claim_amount_yuan=80_000)
    assert a.fee.kind == "personality" and a.fee.range_yuan == [400, 800]
    assert a.fee.acceptance_fee_yuan is None  # Henan's figure inside 100–500 is not known: never invented
    assert a.small_claims.mode == "not_eligible" and "人格权" in a.small_claims.basis


def test_a_processing_fee_is_a_property_case_not_a_wage(knowledge: Knowledge) -> None:
    text = "俺在家给他的厂加工门窗配件，加工费欠俺两万六"
    a = run(knowledge, text, cause="追索劳动报酬纠纷", claim_amount_yuan=26_000)
    assert a.fee.kind == "property" and a.fee.acceptance_fee_yuan == 450
    assert a.small_claims.mode == "mandatory"


def test_wages_stay_ten_yuan(knowledge: Knowledge) -> None:
    a = run(knowledge, "厂里欠俺三个月工资一万二，俺已经离职了", cause="追索劳动报酬纠纷", claim_amount_yuan=12_000)
    assert a.fee.kind == "labour" and a.fee.acceptance_fee_yuan == 10


def test_preservation_on_the_amount_to_freeze(knowledge: Knowledge) -> None:
    text = "他欠俺六万，听说他在偷偷卖房子，俺想申请冻结他的存款三万"
    a = run(knowledge, text, cause="民间借贷纠纷", claim_amount_yuan=60_000)
    assert a.fee.preservation_fee_yuan == 320  # 30 + 29,000 × 1%
    assert a.fee.preservation_basis is not None and "第十四条" in a.fee.preservation_basis


def test_stopping_a_building_is_conduct_preservation(knowledge: Knowledge) -> None:
    text = "邻居要在俺家窗户跟前盖猪圈，下周就动工，想让法院先下个命令不准他盖"
    a = run(knowledge, text, cause="相邻关系纠纷")
    assert a.fee.kind == "other_non_property"
    assert a.fee.preservation_fee_yuan == 30


def test_no_preservation_fee_when_nothing_is_asked(knowledge: Knowledge) -> None:
    a = run(knowledge, "他欠俺六万，借条在俺这", cause="民间借贷纠纷", claim_amount_yuan=60_000)
    assert a.fee.preservation_fee_yuan is None and a.fee.preservation_basis is None


def test_a_missing_defendant_is_no_small_claim_and_no_simplified_halving(knowledge: Knowledge) -> None:
    a = run(knowledge, "借给他九千，他年前就失联了，电话停机", cause="民间借贷纠纷", claim_amount_yuan=9_000)
    assert a.small_claims.mode == "not_eligible"
    assert "不适用简易程序" in a.fee.basis


def test_the_fee_kind_is_in_the_json(knowledge: Knowledge) -> None:
    data = run(knowledge, "他欠俺六万", cause="民间借贷纠纷", claim_amount_yuan=60_000).model_dump(mode="json")
    assert data["fee"]["kind"] == "property"
