from datetime import date
from decimal import Decimal

import pytest

from knowledge.causes import load_causes
from knowledge.mediation import assess_mediation, load_mediation_rules
from knowledge.risks import applicable_risks, load_risk_notice
from knowledge.small_claims import check_small_claims, load_small_claims_rules

TODAY = date(2026, 11, 24)
SMALL_CLAIMS = load_small_claims_rules()
MEDIATION = load_mediation_rules()
RISKS = load_risk_notice()


@pytest.mark.parametrize(
    ("amount", "eligible", "mode"),
    [
        (20_000, True, "mandatory"),
        (35_120, True, "mandatory"),
        (35_120.01, True, "by_agreement"),
        (140_478, True, "by_agreement"),
        (140_479, False, "not_eligible"),
        (None, None, "unknown"),
    ],
)
def test_thresholds(amount: float | None, eligible: bool | None, mode: str) -> None:
    result = check_small_claims(amount, {}, money_claim=True, today=TODAY, rules=SMALL_CLAIMS)
    assert (result.eligible, result.mode) == (eligible, mode)
    assert result.threshold_yuan == Decimal(35120)


def test_threshold_is_dated_and_says_it_needs_confirming() -> None:
    rules = load_small_claims_rules()
    t = rules.threshold_on(TODAY)
    assert t.effective_from == date(2022, 1, 9) and t.tag == "S"
    result = check_small_claims(1000, {}, money_claim=True, today=TODAY, rules=SMALL_CLAIMS)
    assert "2022年1月9日" in result.basis and "以法院公布为准" in result.basis
    assert "[" not in result.basis  # plain words for the litigant: no verification tags
    with pytest.raises(Exception, match="no small-claims threshold"):
        rules.threshold_on(date(2021, 12, 31))


@pytest.mark.parametrize("fact", ["needs_appraisal", "whereabouts_unknown", "counterclaim", "status_case"])
def test_exclusions(fact: str) -> None:
    result = check_small_claims(1000, {fact: True}, money_claim=True, today=TODAY, rules=SMALL_CLAIMS)
    assert result.eligible is False and "第一百六十六条" in result.basis


def test_non_money_cases_are_not_small_claims() -> None:
    assert check_small_claims(1000, {}, money_claim=False, today=TODAY, rules=SMALL_CLAIMS).eligible is False


def test_small_debt_suitable_and_never_required() -> None:
    result = assess_mediation("small_debt", {}, MEDIATION)
    assert result.suitable is True and result.required_before_filing is False
    assert "免费" in result.note and "自愿" in result.note and "不是起诉的前提条件" in result.note


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"mediation_willing": False}, "不愿意"),
        ({"urgency": True}, "保全"),
        ({"whereabouts_unknown": True}, "下落不明"),
        ({"status_confirmation": True}, "身份关系"),
    ],
)
def test_blockers(facts: dict[str, bool], words: str) -> None:
    result = assess_mediation("neighbour", facts, MEDIATION)
    assert result.suitable is False
    assert any(words in r for r in result.reasons)


def test_divorce_may_be_mediated_first_and_the_court_mediates_too() -> None:
    result = assess_mediation("divorce", {}, MEDIATION)  # 民法典第一千零七十九条: 有关组织调解, or sue directly
    assert result.route == "people_mediation" and result.suitable is True
    assert "第一千零七十九条" in result.reasons[0] and "法院也会依法调解" in result.reasons[0]


def test_labour_route() -> None:
    result = assess_mediation("labour", {}, MEDIATION)
    assert result.route == "labour_mediation_or_arbitration"
    assert "仲裁" in result.reasons[0]


def test_every_cause_class_is_known() -> None:
    for name, cause in load_causes().causes.items():
        assess_mediation(cause.mediation, {}, MEDIATION)  # raises on an unknown class
        assert name


def test_risk_items_before_filing() -> None:
    items = [
        r.item for r in applicable_risks({"limitation_risk", "evidence_gap", "money_claim", "jurisdiction_risk"}, RISKS)
    ]
    assert items == [1, 2, 4, 6, 8, 9, 13, 15, 16]
    assert [r.item for r in applicable_risks(set(), RISKS)] == [2, 6, 9, 13]
