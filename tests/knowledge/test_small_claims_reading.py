"""Small claims (民事诉讼法第一百六十五条、第一百六十六条) read from the story: fresh stories and their near misses."""

from datetime import date
from decimal import Decimal

import pytest

from knowledge.small_claims import SmallClaimsRules, Threshold, check_small_claims, load_small_claims_rules

TODAY = date(2026, 12, 1)
RULES = load_small_claims_rules()


def check(text: str, amount: int | None, **facts: bool) -> tuple[str, str, bool]:
    r = check_small_claims(
        None if amount is None else Decimal(amount), facts, money_claim=True, today=TODAY, rules=RULES, text=text
    )
    return r.mode, r.basis, r.simplified_excluded


@pytest.mark.parametrize(
    ("text", "amount", "article"),
    [
        ("借给他八千，他年前就失联了，家里人也找不到他", 8_000, "第一百六十六条第（四）项"),
        ("俺把门面租给一个韩国人，他欠了四个月房租九千六", 9_600, "第一百六十六条第（二）项"),
        ("俺的车被他追尾了，修车厂说要三千，他不认，说得去做个评估", 3_000, "第一百六十六条第（三）项"),
        ("保险公司定损两千八，俺不认这个定损，修车花了五千", 5_000, "第一百六十六条第（三）项"),
        ("宅基地是俺爹留下的，俺想让法院确认这块地归俺，他还占着俺家五千块的树", 5_000, "第一百六十六条第（一）项"),
        ("他欠俺一万，俺一告他，他说就反诉俺", 10_000, "第一百六十六条第（五）项"),
    ],
)
def test_exclusions_read_from_the_story(text: str, amount: int, article: str) -> None:
    mode, basis, _ = check(text, amount)
    assert mode == "not_eligible" and article in basis


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("他去深圳打工了，电话能打通，就是不还那六千", 6_000),  # away but reachable: not missing
        ("他在日本打工，欠俺一万，微信能联系上", 10_000),  # abroad for work is not a foreign party
        ("修车花了三千，有发票，不用鉴定", 3_000),  # a bill fixes the loss: no appraisal
        ("他确认了欠款是俺借给他的，写了欠条，两万", 20_000),  # acknowledging a debt is not 确权
        ("他说他不会反诉，就是没钱", 9_000),
        ("俺的钱包不见了，是他捡走的，里面有两千", 2_000),  # a purse missing, not a person
    ],
)
def test_near_misses_stay_small_claims(text: str, amount: int) -> None:
    mode, _, _ = check(text, amount)
    assert mode == "mandatory"


def test_missing_defendant_excludes_simplified_procedure_too() -> None:
    _, basis, no_simplified = check("他去年就不见了，电话停机，欠俺九千", 9_000)
    assert no_simplified and "第二百五十七条" in basis


def test_a_claim_to_return_a_thing_is_not_a_money_payment_case() -> None:
    mode, basis, _ = check("俺的手机借给他用，半年了也不还，想让他把手机还回来", None)
    assert mode == "not_eligible" and "第一百六十五条" in basis


def test_asking_for_the_money_back_is_a_money_payment_case() -> None:
    mode, _, _ = check("让他把欠的五千还回来", 5_000)
    assert mode == "mandatory"


def test_a_flag_from_the_conversation_counts_too() -> None:
    mode, _, _ = check("他欠俺五千", 5_000, whereabouts_unknown=True)
    assert mode == "not_eligible"


def test_non_money_reason_is_said_plainly() -> None:
    r = check_small_claims(
        30_000,
        {},
        money_claim=False,
        today=TODAY,
        rules=RULES,
        non_money_reason="名誉、肖像、隐私等人格权纠纷",
    )
    assert r.mode == "not_eligible" and "人格权" in r.basis


@pytest.mark.parametrize(
    ("low", "high", "mode"),
    [(5_000, 6_000, "mandatory"), (30_000, 40_000, "unknown"), (50_000, 60_000, "by_agreement")],
)
def test_a_range_is_decided_only_when_both_ends_agree(low: int, high: int, mode: str) -> None:
    r = check_small_claims(
        None, {}, money_claim=True, today=TODAY, rules=RULES, amount_range=(Decimal(low), Decimal(high))
    )
    assert r.mode == mode


def test_agreement_limit_must_be_four_times_the_mandatory_one() -> None:
    good = RULES.thresholds[0]
    data = good.model_dump() | {"agreement_max": good.mandatory_max * 3}
    with pytest.raises(ValueError, match="4 × mandatory_max"):
        Threshold.model_validate(data)
    assert isinstance(RULES, SmallClaimsRules)
