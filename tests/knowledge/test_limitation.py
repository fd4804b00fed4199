from datetime import date

import pytest

from knowledge.limitation import add_years, check_limitation, load_limitation_rules

LIMITATION = load_limitation_rules()


def test_exactly_three_years_is_still_in_time_and_the_day_after_is_not() -> None:
    facts = {"due_date": "2021-05-01"}
    on_deadline = check_limitation("loan", facts, date(2024, 5, 1), LIMITATION)
    assert (on_deadline.status, on_deadline.deadline) == ("in_time", date(2024, 5, 1))
    assert "当天不计入" in on_deadline.basis and "节假日" in on_deadline.basis
    assert check_limitation("loan", facts, date(2024, 5, 2), LIMITATION).status == "expired"
    assert check_limitation("loan", facts, date(2024, 4, 30), LIMITATION).status == "in_time"


def test_leap_day_start_ends_on_the_last_day_of_february() -> None:
    assert add_years(date(2020, 2, 29), 3) == date(2023, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    result = check_limitation("loan", {"due_date": date(2020, 2, 29)}, date(2023, 3, 1), LIMITATION)
    assert result.deadline == date(2023, 2, 28)
    assert result.status == "expired"


def test_expired_is_a_risk_never_a_bar() -> None:
    result = check_limitation("loan", {"due_date": "2019-01-10"}, date(2026, 11, 24), LIMITATION)
    assert result.status == "expired"
    assert "第一百九十三条" in result.basis
    assert "不是不能起诉" in result.basis


def test_demand_restarts_the_period() -> None:
    result = check_limitation(
        "loan", {"due_date": "2020-03-01", "last_demand_date": "2022-06-15"}, date(2024, 1, 1), LIMITATION
    )
    assert result.status == "in_time"
    assert result.deadline == date(2025, 6, 15)
    assert result.restarted_by is not None and "催讨" in result.restarted_by


def test_demand_after_expiry_does_not_revive() -> None:
    result = check_limitation(
        "loan", {"due_date": "2018-03-01", "last_demand_date": "2022-06-15"}, date(2024, 1, 1), LIMITATION
    )
    assert result.status == "expired"


def test_acknowledgement_after_expiry_removes_the_defence() -> None:
    result = check_limitation(
        "loan", {"due_date": "2018-03-01", "acknowledged_date": "2022-06-15"}, date(2024, 1, 1), LIMITATION
    )
    assert result.status == "in_time"
    assert "第一百九十二条" in result.basis


@pytest.mark.parametrize("fact", ["mediation_request_date", "police_report_date", "acknowledged_date"])
def test_other_interruptions(fact: str) -> None:
    result = check_limitation("tort", {"incident_date": "2021-01-01", fact: "2023-12-01"}, date(2025, 1, 1), LIMITATION)
    assert result.deadline == date(2026, 12, 1)


def test_instalments_run_from_the_last_one() -> None:
    facts = {"due_date": "2020-01-01", "last_instalment_date": "2022-01-01"}
    assert check_limitation("loan", facts, date(2024, 6, 1), LIMITATION).deadline == date(2025, 1, 1)


def test_twenty_year_cap() -> None:
    facts = {"incident_date": "2004-01-01", "known_date": "2023-01-01"}
    result = check_limitation("unjust_enrichment", facts, date(2024, 6, 1), LIMITATION)
    assert result.deadline == date(2024, 1, 1)
    assert result.status == "expired"
    assert "20年" in result.basis


def test_unknown_start() -> None:
    result = check_limitation("loan", {}, date(2024, 6, 1), LIMITATION)
    assert result.status == "unknown" and result.deadline is None
    assert result.missing == ["due_date"]
    assert any("催讨" in label for label in result.interrupted_by)


def test_labour_arbitration_one_year() -> None:
    result = check_limitation("labour", {"known_date": "2024-03-10"}, date(2025, 3, 11), LIMITATION)
    assert (result.status, result.deadline) == ("expired", date(2025, 3, 10))
    assert "仲裁时效" in result.basis


def test_unpaid_wages_while_employed_have_no_time_bar() -> None:
    result = check_limitation("labour_wages", {"still_employed": True}, date(2025, 3, 11), LIMITATION)
    assert result.status == "in_time" and result.deadline is None


def test_unpaid_wages_after_leaving_one_year_from_the_end() -> None:
    result = check_limitation(
        "labour_wages", {"still_employed": False, "employment_end_date": "2024-08-31"}, date(2025, 3, 11), LIMITATION
    )
    assert (result.status, result.deadline) == ("in_time", date(2025, 8, 31))


def test_product_injury_uses_two_years() -> None:
    result = check_limitation(
        "tort", {"incident_date": "2023-05-01", "product_injury": True}, date(2025, 5, 2), LIMITATION
    )
    assert (result.status, result.deadline) == ("expired", date(2025, 5, 1))
    assert "产品质量法" in result.basis


def test_support_claims_have_no_limitation() -> None:
    result = check_limitation("support", {}, date(2025, 5, 2), LIMITATION)
    assert result.status == "in_time" and result.deadline is None
    assert "第一百九十六条" in result.basis


def test_neighbour_obstruction_has_no_limitation_but_damages_do() -> None:
    result = check_limitation("neighbour", {"incident_date": "2020-01-01"}, date(2025, 5, 2), LIMITATION)
    assert result.status == "expired"
    assert "排除妨碍" in result.basis
