"""Limitation from facts (the answers a person gave): counting, interruptions, revival, the cap, ranges, labour."""

from datetime import date

import pytest

from knowledge.interruptions import Span, load_interruption_cues, read_story
from knowledge.limitation import LimitationResult, add_years, check_limitation, load_limitation_rules

LIMITATION = load_limitation_rules()
CUES = load_interruption_cues()


def check(rule: str, facts: dict[str, object], today: date, story: str = "") -> LimitationResult:
    reading = read_story(story, today, CUES)
    return check_limitation(rule, facts, today, LIMITATION, cues=CUES, story=reading)


def test_exactly_three_years_is_still_in_time_and_the_day_after_is_not() -> None:
    facts = {"due_date": "2021-05-01"}
    on_deadline = check("loan", facts, date(2024, 5, 1))
    assert (on_deadline.status, on_deadline.deadline) == ("in_time", date(2024, 5, 1))
    assert on_deadline.rule_tag == "general_3y" and on_deadline.start == Span.day(date(2021, 5, 1))
    assert "当天不计入" in on_deadline.basis and "节假日" in on_deadline.basis
    assert check("loan", facts, date(2024, 5, 2)).status == "expired"
    assert check("loan", facts, date(2024, 4, 30)).status == "in_time"


def test_leap_day_start_ends_on_the_last_day_of_february() -> None:
    assert add_years(date(2020, 2, 29), 3) == date(2023, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    result = check("loan", {"due_date": "2020-02-29"}, date(2023, 3, 1))
    assert result.deadline == date(2023, 2, 28)
    assert result.status == "expired"


def test_expired_is_a_risk_never_a_bar() -> None:
    result = check("loan", {"due_date": "2019-01-10"}, date(2026, 11, 24))
    assert result.status == "expired"
    assert "第一百九十三条" in result.basis
    assert "不是不能起诉" in result.basis


def test_a_demand_the_person_answered_restarts_the_period() -> None:
    result = check("loan", {"due_date": "2020-03-01", "last_demand_date": "2022-06-15"}, date(2024, 1, 1))
    assert (result.status, result.deadline) == ("in_time", date(2025, 6, 15))
    assert (result.rule_tag, result.interrupted_on) == ("interrupted", date(2022, 6, 15))
    assert result.start == Span.day(date(2020, 3, 1))  # the period's own start stays; the restart is its own field
    assert "2022年6月15日" in result.basis and "第一百九十五条" in result.basis


def test_a_demand_after_expiry_does_not_revive() -> None:
    result = check("loan", {"due_date": "2018-03-01", "last_demand_date": "2022-06-15"}, date(2024, 1, 1))
    assert (result.status, result.deadline) == ("expired", date(2021, 3, 1))
    assert result.rule_tag == "demand_after_expiry_no_revival" and result.interrupted_on is None
    assert "只有对方同意还款才行" in result.basis


def test_the_debtors_acknowledgement_after_expiry_removes_the_defence() -> None:
    result = check("loan", {"due_date": "2018-03-01", "acknowledged_date": "2022-06-15"}, date(2024, 1, 1))
    assert (result.status, result.rule_tag, result.revived_on) == (
        "in_time",
        "revived_by_debtor_agreement",
        date(2022, 6, 15),
    )
    assert result.deadline == date(2025, 6, 15)
    assert "第一百九十二条" in result.basis


@pytest.mark.parametrize(
    "fact", ["mediation_request_date", "police_report_date", "acknowledged_date", "prior_action_date"]
)
def test_other_interruptions(fact: str) -> None:
    result = check("tort", {"incident_date": "2021-01-01", fact: "2023-12-01"}, date(2025, 1, 1))
    assert (result.deadline, result.interrupted_on) == (date(2026, 12, 1), date(2023, 12, 1))


def test_an_interruption_before_the_period_began_changes_nothing() -> None:
    result = check("loan", {"due_date": "2022-01-01", "last_demand_date": "2021-06-01"}, date(2024, 6, 1))
    assert (result.deadline, result.rule_tag, result.interrupted_on) == (date(2025, 1, 1), "general_3y", None)


def test_instalments_run_from_the_last_one() -> None:
    facts = {"due_date": "2020-01-01", "last_instalment_date": "2022-01-01"}
    result = check("loan", facts, date(2024, 6, 1))
    assert (result.deadline, result.rule_tag) == (date(2025, 1, 1), "instalment_last")
    assert "第一百八十九条" in result.basis


def test_twenty_year_cap_from_the_harm_not_from_learning_of_it() -> None:
    facts = {"incident_date": "2004-01-01", "known_date": "2023-01-01"}
    result = check("unjust_enrichment", facts, date(2024, 6, 1))
    assert (result.deadline, result.status, result.rule_tag) == (date(2024, 1, 1), "expired", "cap_20y")
    assert "20年" in result.basis


def test_knowing_later_moves_the_start_of_a_tort() -> None:
    result = check("tort", {"incident_date": "2022-03-01", "known_date": "2024-05-20"}, date(2026, 1, 1))
    assert (result.start, result.deadline) == (Span.day(date(2024, 5, 20)), date(2027, 5, 20))


def test_unknown_start_asks_for_the_due_date() -> None:
    result = check("loan", {}, date(2024, 6, 1))
    assert result.status == "unknown" and result.deadline is None and result.rule_tag is None
    assert result.missing == ["due_date"]
    assert any("催要" in label for label in result.interrupted_by)


def test_no_agreed_due_date_and_no_demand_yet_has_not_started() -> None:
    result = check("loan", {"loan_date": "2023-01-01", "none": ["due_date"]}, date(2026, 6, 1))
    assert (result.status, result.deadline, result.rule_tag) == ("in_time", None, "no_due_date")
    assert "时效规定第四条" in result.basis


def test_a_month_straddling_the_deadline_is_told_as_a_range() -> None:
    # the due day is known only to its month: the period ends some day in June 2026, and today is inside it
    facts = {"due_date": "2023-06-01", "date_precision": {"due_date": "month"}}
    story = "2023年6月该还"
    result = check("loan", facts, date(2026, 6, 10), story)
    assert (result.status, result.deadline) == ("unknown", None)
    assert result.deadline_range == Span(date(2026, 6, 1), date(2026, 6, 30))
    assert result.start == Span(date(2023, 6, 1), date(2023, 6, 30))
    assert "2026年6月1日到2026年6月30日之间" in result.basis
    # a range wholly before today is plainly expired (its latest end stated), wholly after it plainly running
    assert check("loan", facts, date(2026, 7, 1), story).status == "expired"
    running = check("loan", facts, date(2026, 5, 31), story)
    assert (running.status, running.deadline) == ("in_time", date(2026, 6, 1))


def test_labour_arbitration_one_year() -> None:
    result = check("labour", {"known_date": "2024-03-10"}, date(2025, 3, 11))
    assert (result.status, result.deadline, result.rule_tag) == ("expired", date(2025, 3, 10), "labour_arbitration_1y")
    assert "仲裁时效" in result.basis and "第二十七条第三款" in result.basis
    assert "第一百九十三条" not in result.basis  # the court's rule on pleading is not the arbitration's text


def test_unpaid_wages_while_employed_have_no_period() -> None:
    result = check("labour_wages", {"still_employed": True}, date(2025, 3, 11))
    assert (result.status, result.deadline, result.rule_tag) == ("not_applicable", None, "wages_during_employment")
    assert "第二十七条第四款" in result.basis


def test_unpaid_wages_after_leaving_one_year_from_the_end() -> None:
    facts = {"still_employed": False, "employment_end_date": "2024-08-31"}
    result = check("labour_wages", facts, date(2025, 3, 11))
    # the proviso of 第二十七条第四款, the wage rule (not 第一款's start on knowing of the infringement)
    expected = ("in_time", date(2025, 8, 31), "wages_during_employment")
    assert (result.status, result.deadline, result.rule_tag) == expected


def test_an_award_without_its_date_asks_for_it_and_never_shows_the_year() -> None:
    result = check("labour", {"has_arbitration_award": True, "known_date": "2024-01-05"}, date(2025, 3, 11))
    assert (result.status, result.rule_tag, result.deadline) == ("unknown", "labour_award_15d", None)
    assert "15日" in result.basis and "1年" not in result.basis and "一年" not in result.basis


def test_product_injury_uses_two_years() -> None:
    result = check("tort", {"incident_date": "2023-05-01", "product_injury": True}, date(2025, 5, 2))
    assert (result.status, result.deadline, result.rule_tag) == ("expired", date(2025, 5, 1), "product_injury_2y")
    assert "产品质量法" in result.basis and "[U]" not in result.basis


@pytest.mark.parametrize("rule", ["support", "status"])
def test_support_and_divorce_have_no_limitation(rule: str) -> None:
    result = check(rule, {"known_date": "2010-01-01"}, date(2025, 5, 2))
    assert (result.status, result.deadline, result.rule_tag) == ("not_applicable", None, "no_limitation")
    assert "第一百九十六条" in result.basis and "[U]" not in result.basis


def test_a_neighbours_obstruction_has_none_but_damages_alone_do() -> None:
    removal = check(
        "neighbour", {"incident_date": "2012-01-01"}, date(2025, 5, 2), "邻居2012年把路堵了，想让他把墙拆了"
    )
    assert (removal.status, removal.rule_tag) == ("not_applicable", "no_limitation")
    assert "排除妨碍" in removal.basis
    damages = check(
        "neighbour", {"incident_date": "2020-01-01"}, date(2025, 5, 2), "2020年邻居家漏水泡坏了俺的地板，要他赔"
    )
    assert (damages.status, damages.deadline) == ("expired", date(2023, 1, 1))


def test_every_cause_rule_gives_a_result() -> None:
    for key in LIMITATION.rules:
        result = check(
            key, {"due_date": "2024-01-01", "incident_date": "2024-01-01", "known_date": "2024-01-01"}, date(2025, 1, 1)
        )
        assert result.status in ("in_time", "expired", "unknown", "not_applicable")
        assert "[U]" not in result.basis and "[S]" not in result.basis
