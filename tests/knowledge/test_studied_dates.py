"""Studied class 'dates read with their roles and precision' (民法典第一百八十八条、第二百零一条、第二百零二条): a
year written in Chinese digits (二〇二四年); a due date said as 于…前归还; a day of the story's own month (当月
20号); two months said as alternatives (X还是Y) kept as one span; a cue said with a negation (不认账) is no event;
a loan told only by its month reports that month as the key event's span. Fresh stories, with near misses."""

from datetime import date

from knowledge import Knowledge
from knowledge.dates import find_dates
from knowledge.extract import extract_dates

TODAY = date(2026, 12, 7)



def test_a_year_in_chinese_digits_is_that_year() -> None:
    found = find_dates("借条是二零二四年三月八日打的", TODAY)
    assert [(m.value, m.precision) for m in found] == [(date(2024, 3, 8), "day")]
    assert found[0].text == "二零二四年三月八日"


def test_due_before_a_date_is_the_due_date() -> None:
    d = extract_dates("借条写着借款人应于二〇二五年九月十日前偿还，他一直拖着", TODAY, "loan_date")
    assert d.dates.get("due_date") == "2025-09-10"


def test_a_day_of_the_same_month_takes_the_storys_month() -> None:
    d = extract_dates("2023年7月借给他六千，讲好同月25号还，一直没还", TODAY, "loan_date")
    assert d.dates.get("due_date") == "2023-07-25"
    assert d.precision.get("due_date") == "day"


def test_two_months_said_as_alternatives_are_one_span() -> None:
    d = extract_dates("想不起来是前年十月还是十一月到期的", TODAY, "due_date")
    assert d.ranges.get("due_date") == {"from": "2024-10-01", "to": "2024-11-30"}
    assert d.precision.get("due_date") == "range"


def test_two_dates_of_two_events_stay_apart() -> None:
    d = extract_dates("2024年3月借给他，2024年9月到期", TODAY, "loan_date")
    assert d.dates.get("loan_date") == "2024-03-01"
    assert d.dates.get("due_date") == "2024-09-01"


def test_a_negated_cue_is_no_event() -> None:
    d = extract_dates("八月份借给他两千，是八月没错，他现在不认账了", TODAY, "loan_date")
    assert "acknowledged_date" not in d.dates


def test_a_loan_told_by_its_month_reports_the_month(knowledge: Knowledge) -> None:
    a = knowledge.assess("去年九月借给老乡五千块，哪天借的忘了，他到现在不还", None, TODAY, None)
    assert a.facts.get("event_range") == {"from": "2025-09-01", "to": "2025-09-30"}


def test_a_range_straddling_the_deadline_is_not_called_either_way(knowledge: Knowledge) -> None:
    a = knowledge.assess("借给他的钱记不清是2023年11月还是12月到期的，一直没要过", None, date(2026, 11, 20), None)
    assert a.limitation.status == "unknown"
    span = a.limitation.deadline_range
    assert span is not None
    assert (span.first, span.last) == (date(2026, 11, 1), date(2026, 12, 31))
