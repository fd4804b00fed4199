from decimal import ROUND_HALF_UP, Decimal

import pytest

from knowledge.errors import AmountError
from knowledge.fees import estimate_fee, halved, load_fee_rules, preservation_fee, property_fee

RULES = load_fee_rules()


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (50_000, "1050"),  # worked example A
        (1_000_000, "13800"),  # worked example B
        (35_120, "678"),
        (100_000, "2300"),
        (200_000, "4300"),
        (500_000, "8800"),
        (2_000_000, "22800"),
        (5_000_000, "46800"),
        (10_000_000, "81800"),  # 0.7% + 11,800
        (20_000_000, "141800"),  # 0.6% + 21,800
        (30_000_000, "191800"),  # 0.5% + 41,800
    ],
)
def test_property_fee_worked_examples_and_band_tops(amount: int, fee: str) -> None:
    assert property_fee(amount, RULES) == Decimal(fee)


def closed_form(amount: Decimal) -> Decimal:
    """The closed-form oracle of domain-facts §1.2 (amount × rate + constant per band)."""
    table = [
        (Decimal(10_000), None, None),
        (Decimal(100_000), Decimal("0.025"), Decimal(-200)),
        (Decimal(200_000), Decimal("0.02"), Decimal(300)),
        (Decimal(500_000), Decimal("0.015"), Decimal(1300)),
        (Decimal(1_000_000), Decimal("0.01"), Decimal(3800)),
        (Decimal(2_000_000), Decimal("0.009"), Decimal(4800)),
        (Decimal(5_000_000), Decimal("0.008"), Decimal(6800)),
        (Decimal(10_000_000), Decimal("0.007"), Decimal(11800)),
        (Decimal(20_000_000), Decimal("0.006"), Decimal(21800)),
        (Decimal("1e15"), Decimal("0.005"), Decimal(41800)),
    ]
    for top, rate, const in table:
        if amount <= top:
            return (
                Decimal(50)
                if rate is None
                else (amount * rate + const).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            )
    raise AssertionError


@pytest.mark.parametrize(
    "amount",
    [
        "0",
        "1",
        "9999.99",
        "10000",
        "10000.01",
        "10001",
        "99999",
        "100000",
        "100001",
        "199999.5",
        "200000",
        "200001",
        "499999",
        "500001",
        "999999",
        "1000001",
        "1999999",
        "2000001",
        "4999999",
        "5000001",
        "9999999",
        "10000001",
        "19999999",
        "20000001",
        "123456789.12",
    ],
)
def test_property_fee_matches_closed_form_on_band_boundaries(amount: str) -> None:
    assert property_fee(amount, RULES) == closed_form(Decimal(amount))


def test_halving_applies_once() -> None:
    assert halved(property_fee(50_000, RULES)) == Decimal(525)
    assert halved(property_fee(1_000_000, RULES)) == Decimal(6900)
    est = estimate_fee("property", 50_000, RULES)
    assert est.acceptance_fee == Decimal(1050)
    assert est.halved_fee == Decimal(525)  # not 262.5, even when simplified procedure and mediation both apply


def test_zero_amount_pays_the_flat_fee() -> None:
    assert property_fee(0, RULES) == Decimal(50)


@pytest.mark.parametrize("bad", [-1, "-0.01", "abc", "nan", "inf", 10**13])
def test_bad_amounts_are_refused_politely(bad: object) -> None:
    with pytest.raises(AmountError) as info:
        property_fee(bad, RULES)  # type: ignore[arg-type]
    assert "金额" in info.value.user_message


def test_huge_but_allowed_amount_is_computed() -> None:
    assert property_fee(10**11, RULES) == Decimal(10**11) * Decimal("0.005") + 41800


@pytest.mark.parametrize(
    ("amount", "fee"),
    [(500, "30"), (1000, "30"), (50_000, "520"), (100_000, "1020"), (1_000_000, "5000"), (10**9, "5000")],
)
def test_preservation_fee(amount: int, fee: str) -> None:
    assert preservation_fee(amount, RULES) == Decimal(fee)


def test_divorce_gives_the_statutory_range_never_a_point_figure() -> None:
    est = estimate_fee("divorce", None, RULES)
    assert est.acceptance_fee is None and est.halved_fee is None
    assert (est.low, est.high) == (Decimal(50), Decimal(300))
    assert "河南" in est.basis and "以法院公布为准" in est.basis
    assert "[" not in est.basis  # plain words for the litigant: no verification tags


def test_divorce_with_property_adds_half_percent_above_200k() -> None:
    est = estimate_fee("divorce", 500_000, RULES)
    assert (est.low, est.high) == (Decimal(1550), Decimal(1800))


def test_personality_rights_damages_bands() -> None:
    est = estimate_fee("personality", 150_000, RULES)  # B + 50,000 × 1% + 50,000 × 0.5%
    assert (est.low, est.high) == (Decimal(850), Decimal(1250))


def test_labour_fee_is_ten_yuan() -> None:
    est = estimate_fee("labour", 80_000, RULES)
    assert est.acceptance_fee == Decimal(10) and est.halved_fee == Decimal(5)
    assert any("不预交" in n for n in est.notes)


def test_support_claims_are_charged_on_the_money_and_point_to_the_waiver() -> None:
    est = estimate_fee("property", 30_000, RULES, relief="support_waiver")
    assert est.acceptance_fee == Decimal(550)
    assert any("免交" in n and "第四十五条" in n for n in est.notes)


def test_unknown_amount_gives_no_figure() -> None:
    est = estimate_fee("property", None, RULES)
    assert est.acceptance_fee is None and "请求金额" in est.basis
