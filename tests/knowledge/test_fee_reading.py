"""What the claim is decides the fee (诉讼费用交纳办法第十三条), not the cause list; preservation (第十四条).

Fresh stories, each with the near misses that must not be read the same way.
"""

from decimal import Decimal

import pytest

from knowledge.fees import (
    FeeKind,
    estimate_fee,
    estimate_fee_between,
    estimate_preservation,
    load_fee_rules,
    read_fee_kind,
    read_preservation,
)

RULES = load_fee_rules()


def kind_of(cause_kind: FeeKind, text: str, amount: int | None = None) -> str:
    return read_fee_kind(cause_kind, text, None if amount is None else Decimal(amount), RULES).kind


# -- a money claim is a property case whatever its cause -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("俺给一个开发商搞小区绿化，绿化工程款欠了八十六万一直没结", 860_000),
        ("俺把饭店的股份转给了他，转让款三百万到现在一分没给", 3_000_000),
        ("俺替他还了银行的贷款，他说好还俺，现在不认账了", None),  # money asked in words, no figure yet
    ],
)
def test_money_claim_outside_the_list_is_a_property_case(text: str, amount: int | None) -> None:
    reading = read_fee_kind("other_non_property", text, None if amount is None else Decimal(amount), RULES)
    assert reading.kind == "property" and reading.rule == "money_claim" and reading.money_payment is True


def test_property_fee_on_a_large_claim_outside_the_list() -> None:
    est = estimate_fee("property", 860_000, RULES)
    assert est.acceptance_fee == Decimal(12_400)  # 860,000 × 1% + 3,800


def test_a_non_property_story_without_money_stays_non_property() -> None:
    assert kind_of("other_non_property", "邻居家的树枝伸到俺院里挡了光，想让他把树枝砍掉") == "other_non_property"


# -- personality rights: 13(二)2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cause_kind", "text"),
    [
        ("other_non_property", "村里有人在抖音上说俺男人是劳改犯，俺要他把视频删了、公开道歉"),
        ("property", "一家饭店拿俺的生活照印在菜单上招揽生意，俺要他们撤掉，再赔点钱"),
        ("other_non_property", "前同事把俺的病历和家庭住址发到网上，说俺有传染病，俺要他赔礼道歉、赔精神损失"),
        ("other_non_property", "他在村里大喇叭上说俺偷了集体的钱，俺要他当着全村人给俺道歉"),
    ],
)
def test_reputation_portrait_privacy_are_personality_cases(cause_kind: FeeKind, text: str) -> None:
    reading = read_fee_kind(cause_kind, text, None, RULES)
    assert reading.kind == "personality" and reading.money_payment is False


def test_personality_damages_add_their_percentages_on_the_range() -> None:
    # 100–500 + (80,000 − 50,000) × 1%
    est = estimate_fee("personality", 80_000, RULES)
    assert est.acceptance_fee is None and (est.low, est.high) == (Decimal(400), Decimal(800))
    assert "以法院公布为准" in est.basis and "[" not in est.basis
    # up to 50,000 nothing is added
    small = estimate_fee("personality", 20_000, RULES)
    assert (small.low, small.high) == (Decimal(100), Decimal(500))


@pytest.mark.parametrize(
    ("cause_kind", "text"),
    [
        # a rumour told in passing: the claim is the loan
        ("property", "他到处造谣说俺欠他钱，其实是他欠俺三万块不还"),
        # bodily injury with an apology asked: a property case (人身损害赔偿)
        ("property", "他骂俺还把俺鼻梁打断了，住院花了一万二，俺要他赔礼道歉、赔医药费"),
        # a wedding-photo contract gone wrong: money back, no infringement remedy
        ("property", "影楼给俺拍的婚纱照糊得看不清，俺要他退钱"),
    ],
)
def test_near_misses_are_not_personality_cases(cause_kind: FeeKind, text: str) -> None:
    assert kind_of(cause_kind, text, 30_000) == "property"


# -- ownership: a property case on the value (民诉解释第一百九十八条) -----------------------------------------------


def test_confirming_who_owns_a_house_is_a_property_case_not_a_flat_fee() -> None:
    reading = read_fee_kind(
        "other_non_property", "俺家老爷子的房子，哥几个都想要，俺想让法院确认房子是俺的", None, RULES
    )
    assert reading.kind == "property" and reading.rule == "ownership" and reading.money_payment is False
    est = estimate_fee(reading.kind, None, RULES, label=reading.label)
    assert "价值" in est.basis and est.acceptance_fee is None


def test_a_debtor_acknowledging_a_debt_is_not_ownership() -> None:
    reading = read_fee_kind("other_non_property", "他确认了欠俺的钱，就是不还", None, RULES)
    assert reading.rule == "money_claim"


# -- intellectual property: 13(三) --------------------------------------------------------------------------------


def test_ip_without_an_amount_is_500_to_1000() -> None:
    text = "俺设计的窗花图案被一家厂子印到布上卖，俺只要他们停止使用"
    assert kind_of("other_non_property", text) == "ip"
    est = estimate_fee("ip", None, RULES)
    assert (est.low, est.high) == (Decimal(500), Decimal(1000)) and est.acceptance_fee is None


def test_ip_with_an_amount_is_a_property_case() -> None:
    assert kind_of("other_non_property", "俺写的小说被一个网站整本转载了，俺要他们下架、赔俺两万", 20_000) == "property"


def test_a_photo_taken_as_evidence_is_not_ip() -> None:
    assert kind_of("other_non_property", "俺拍的照片能证明是他先动的手") == "other_non_property"


# -- custody, divorce: 13(二)1 and 13(二)3 --------------------------------------------------------------------------


def test_custody_after_divorce_is_another_non_property_case() -> None:
    reading = read_fee_kind("divorce", "离婚时孩子判给他了，现在他天天喝酒打孩子，俺想把孩子要回来", None, RULES)
    assert reading.kind == "other_non_property" and reading.rule == "custody"


def test_custody_in_a_divorce_suit_stays_a_divorce_case() -> None:
    assert kind_of("divorce", "俺要离婚，俺要孩子的抚养权，房子一人一半") == "divorce"


def test_custody_without_money_under_the_support_cause() -> None:
    reading = read_fee_kind("property", "俺想变更抚养关系，孩子的钱俺一分不要", None, RULES)
    assert reading.kind == "other_non_property" and reading.money_payment is False


def test_visiting_and_support_money_together_is_a_property_case() -> None:
    reading = read_fee_kind("property", "他不让俺见孩子，还欠了一年的抚养费一万二", Decimal(12_000), RULES)
    assert reading.kind == "property" and reading.rule == "custody" and reading.money_payment is False


def test_support_money_alone_is_not_custody() -> None:
    reading = read_fee_kind("property", "孩子跟俺过，他每个月该给八百抚养费，一年多没给了", Decimal(9_600), RULES)
    assert reading.kind == "property" and reading.rule is None


def test_divorce_property_over_200k_pays_half_a_percent_on_the_part_above() -> None:
    est = estimate_fee("divorce", 640_000, RULES)
    assert (est.low, est.high) == (Decimal(2_250), Decimal(2_500))


# -- labour: 13(四); a processing fee is not a wage ------------------------------------------------------------


def test_a_processing_fee_is_not_a_wage() -> None:
    reading = read_fee_kind("labour", "俺在家给他厂里加工门窗配件，加工费欠了两万六", Decimal(26_000), RULES)
    assert reading.kind == "property" and reading.money_payment is True
    assert estimate_fee("property", 26_000, RULES).acceptance_fee == Decimal(450)


def test_a_piece_worker_in_the_plant_is_still_owed_wages() -> None:
    assert kind_of("labour", "俺在服装厂上班，按件算加工费，厂里欠俺两个月工资八千", 8_000) == "labour"


# -- a range instead of a figure -------------------------------------------------------------------------------


def test_a_range_inside_one_band_gives_one_figure() -> None:
    est = estimate_fee_between("property", 5_000, 6_000, RULES)
    assert (est.acceptance_fee, est.halved_fee) == (Decimal(50), Decimal(25))


def test_a_range_across_bands_gives_a_range() -> None:
    est = estimate_fee_between("property", 30_000, 40_000, RULES)
    assert est.acceptance_fee is None and (est.low, est.high) == (Decimal(550), Decimal(800))


def test_halving_text_when_simplified_procedure_is_excluded() -> None:
    est = estimate_fee("property", 8_000, RULES, simplified_excluded=True)
    assert est.halved_fee == Decimal(25) and "不适用简易程序" in est.basis


# -- preservation: 14(二) -------------------------------------------------------------------------------------


def preserve(text: str, claim: int | None = None, urgent: bool = False) -> tuple[Decimal | None, str]:
    need = read_preservation(text, urgent=urgent, claim_amount=None if claim is None else Decimal(claim), rules=RULES)
    assert need is not None
    return estimate_preservation(need, RULES)


def test_sealing_without_a_figure_uses_the_claim() -> None:
    fee, basis = preserve("他欠俺十二万货款，听说他要把厂子卖了，俺想先查封他的厂房", 120_000)
    assert fee == Decimal(1_120) and "第十四条" in basis


def test_the_amount_actually_frozen_counts_not_the_claim() -> None:
    fee, _ = preserve("俺申请冻结他的账户，他账上只有九千块，就冻了这些", 50_000)
    assert fee == Decimal(110)  # 30 + 8,000 × 1%


def test_the_fee_asked_about_is_not_the_amount_preserved() -> None:
    fee, _ = preserve("想冻结他账户五万，保全费是不是要五百块", 50_000)
    assert fee == Decimal(520)


def test_the_cap_is_five_thousand() -> None:
    fee, basis = preserve("想把他的两套房子都查封了，值三百万", 3_000_000)
    assert fee == Decimal(5_000) and "上限" in basis


def test_stopping_an_act_is_thirty_yuan() -> None:
    fee, basis = preserve("隔壁工地天天夜里施工吵得睡不着，想让法院先下个禁令不准他们夜里干")
    assert fee == Decimal(30) and "行为" in basis


def test_urgency_alone_shows_the_fee_on_the_claim() -> None:
    fee, basis = preserve("他欠俺五万，正在偷偷卖车", 50_000, urgent=True)
    assert fee == Decimal(520) and "诉前" in basis


@pytest.mark.parametrize("text", ["他欠俺五万不还，借条在俺手里", "他欠俺五万，俺想先申请证据保全，把聊天记录固定下来"])
def test_no_preservation_when_none_is_asked_or_needed(text: str) -> None:
    assert read_preservation(text, urgent=False, claim_amount=Decimal(50_000), rules=RULES) is None
