"""Classes of error found by studying tables a/b's holdout (2026-12-07), each with fresh stories of its own.

Money (knowledge.money, extract.yaml ``money``): a cost named by its head (拖车费, 鉴定费) or the repairer's
estimate is a cost of the claim; an agreed penalty or interest said beside the debt is claimed with it (民法典第五百
八十五条; the fee is on all the claims, 诉讼费用交纳办法第十三条); 约 inside 违约金/约定 is no "about"; savings in a
story that divides property are property to divide (办法第十三条第（二）项第1目). Fee kind (fees.yaml
``not_wages``): the price of one's own workshop's processing work or of goods sold is a property case, not a
labour case's 10 yuan, whatever cause the story was read as.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from knowledge.extract import read_amount
from knowledge.fees import load_fee_rules, read_fee_kind

TODAY = date(2026, 12, 7)
RULES = load_fee_rules()


def claim(text: str) -> Decimal | None:
    return read_amount(text, TODAY).amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # costs named by their head, or what the repairer asks
        ("电动车被他家狗撞倒了，修车花了两千，拖车费三百，他一分不认", 2300),
        ("楼上漏水泡坏了俺家吊顶，师傅报价4500，他装糊涂", 4500),
        ("他倒车把俺三轮车撞瘪了，修理铺说得900，他说等等再说", 900),
        ("追尾后车修了六千八，鉴定费一千二也是俺垫的", 8000),
    ],
)
def test_costs_named_by_their_head_are_part_of_the_claim(text: str, value: int) -> None:
    assert claim(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("他欠俺货款十二万，合同上写的违约金两万，俺都要", 140000),
        ("借给他八万，说好的逾期利息六千也一块要", 86000),
        ("公司拖着工程材料款三十五万没给，约定违约金五万，一并起诉", 400000),
    ],
)
def test_a_penalty_or_interest_said_beside_the_debt_is_claimed_with_it(text: str, value: int) -> None:
    assert claim(text) == Decimal(value)


def test_a_waived_add_on_is_not_claimed() -> None:
    assert claim("他欠俺货款九万，违约金三千不要了，本钱得还") == Decimal(90000)


def test_about_is_still_rough() -> None:
    assert claim("他大约欠俺三万") is None
    assert read_amount("他欠俺约三万", TODAY).uncertain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("想离婚，家里一套房值四十万，还有存款十五万，要分清楚", 550000),
        ("俺俩的共同财产：一辆车值八万，积蓄二十万，离婚时得分", 280000),
    ],
)
def test_savings_are_property_to_divide(text: str, value: int) -> None:
    assert claim(text) == Decimal(value)


def test_savings_outside_a_division_are_no_claim() -> None:
    # the defendant's savings to freeze are not what is claimed
    assert claim("他欠俺五万不还，他卡上存款有二十万，俺想先冻上") == Decimal(50000)


@pytest.mark.parametrize(
    "text",
    [
        "俺开了个小加工厂，帮他公司代加工门窗配件，加工款三万八拖了半年。俺不是他的员工",
        "俺是个体户，接他们厂里的活，按件算钱，加工费两万六一直不给",
        "俺公司卖给他们一批设备，设备款六十万到期不付",
    ],
)
def test_workshop_or_sale_price_is_a_property_case_under_a_labour_reading(text: str) -> None:
    assert read_fee_kind("labour", text, None, RULES).kind == "property"


def test_a_piece_worker_in_the_plant_is_still_owed_wages() -> None:
    text = "俺在他厂里上班，按件算钱，加工费三个月没发，俺是厂里的工人"
    assert read_fee_kind("labour", text, None, RULES).kind == "labour"


@pytest.mark.parametrize(
    "text",
    [
        "离婚四年了，儿子跟着他，他现在天天打孩子，俺要把抚养权要回来，抚养费俺一分不要",
        "离婚两年，想把闺女的抚养关系变更过来，生活费我一分也不要她的",
    ],
)
def test_custody_without_money_is_other_non_property(text: str) -> None:
    # 其他非财产案件 (诉讼费用交纳办法第十三条第（二）项第3目): the money waived after it is named, too
    assert read_fee_kind("divorce", text, None, RULES).kind == "other_non_property"


def test_custody_with_support_money_is_a_property_case() -> None:
    text = "离婚后孩子跟他，俺想要回抚养权，还要他每月给抚养费一千"
    assert read_fee_kind("divorce", text, None, RULES).kind == "property"
