"""Dates on the story's own timeline (knowledge.dates, knowledge.timeline): dates without a year, month ends and
year ends, festivals, ranges kept as ranges, agreed terms and instalments. Fresh stories, with near misses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from knowledge.dates import find_dates, load_calendar
from knowledge.extract import extract_facts

TODAY = date(2026, 12, 7)  # a Monday


def one(text: str, today: date = TODAY) -> tuple[str, str, str | None]:
    found = find_dates(text, today)
    assert len(found) >= 1, text
    d = found[-1]
    return d.value.isoformat(), d.precision, d.latest.isoformat() if d.latest else None


def test_the_lunar_table_has_the_shape_of_the_calendar() -> None:
    lunar = load_calendar().lunar
    assert sorted(lunar) == list(range(2015, 2036))
    for year, row in lunar.items():
        assert (row.spring_festival - row.la_yue_start).days in (29, 30), year  # 腊月 has 29 or 30 days
        assert date(year, 1, 21) <= row.spring_festival <= date(year, 2, 20), year
        assert date(year, 5, 28) <= row.dragon_boat <= date(year, 6, 25), year
        assert date(year, 9, 7) <= row.mid_autumn <= date(year, 10, 8), year
        # 端午 (五月初五) and 中秋 (八月十五): about 4 and 7 lunar months after 春节, one more after a leap month
        assert 115 <= (row.dragon_boat - row.spring_festival).days <= 155, year
        assert 215 <= (row.mid_autumn - row.spring_festival).days <= 255, year


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # a date without a year takes the story's year, moving on when it would fall before the date said first
        ("2023年6月借给他，说好9月份还", "2023-09-01"),
        ("2024年10月借的，说好3月份还", "2025-03-01"),
        ("前年11月借的，说好次年5月还", "2025-05-01"),
        ("2025年3月8号借给他，说好18号还", "2025-03-18"),
        ("2025年3月28号借的，说好5号还", "2025-04-05"),
        ("上个月借了他五百，约好20号还", "2026-11-20"),
        # with nothing before it: the most recent such day
        ("说好8月份还", "2026-08-01"),
        ("约好25号给", "2026-11-25"),
    ],
)
def test_dates_without_a_year_follow_the_story(text: str, iso: str) -> None:
    assert one(text)[0] == iso


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("今年7月借的，说好月底还", "2026-07-31", "day"),
        ("2028年2月底", "2028-02-29", "day"),
        ("前年年底", "2024-12-31", "day"),
        ("上个月3号", "2026-11-03", "day"),
        ("上个月底", "2026-11-30", "day"),
        ("上周三", "2026-12-02", "day"),
        ("星期六", "2026-12-05", "day"),
        ("去年中秋节", "2025-10-06", "day"),
        ("前年端午", "2024-06-10", "day"),
        ("今年正月初六", "2026-02-22", "day"),
        ("2024年除夕", "2024-02-09", "day"),
        ("去年元宵节", "2025-02-12", "day"),
        ("今年五一", "2026-05-01", "day"),
        ("去年国庆", "2025-10-01", "day"),
    ],
)
def test_days_people_name(text: str, iso: str, precision: str) -> None:
    value, got_precision, _ = one(text)
    assert (value, got_precision) == (iso, precision)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2023年10月借的，说好过年前还", "2024-01-11", "2024-02-09"),  # 腊月初一 to 除夕
        ("说好过年前还", "2026-01-19", "2026-02-16"),
        ("去年5月", "2025-05-01", "2025-05-31"),
        ("今年3月上旬", "2026-03-01", "2026-03-10"),
        ("上周", "2026-11-30", "2026-12-06"),
    ],
)
def test_spans_stay_spans(text: str, first: str, last: str) -> None:
    value, _, latest = one(text)
    assert (value, latest) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "他家在五一路",
        "欠了三个月房租",
        "住18号楼",
        "每月15号还一千",
        "身份证号410823199002143516",
        "今年中秋都过去了",
        "借了他十一万",
        "电话13598765432",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_a_range_reaches_the_facts() -> None:
    facts = extract_facts("2025年8月借给他两万，说好过年前还", TODAY, date_role="loan_date")
    assert facts["loan_date"] == "2025-08-01" and facts["due_date"] == "2026-01-19"
    assert facts["date_precision"]["due_date"] == "range"
    assert facts["date_ranges"]["due_date"] == {"from": "2026-01-19", "to": "2026-02-16"}
    assert facts["date_ranges"]["loan_date"] == {"from": "2025-08-01", "to": "2025-08-31"}


@pytest.mark.parametrize(
    ("story", "role", "due"),
    [
        ("2024年1月31日借给他一万，借期一个月", "loan_date", "2024-02-29"),  # month end (民法典第二百零二条)
        ("去年6月1号签的合同，约定60天内付款，货款到现在没给", "due_date", "2025-07-31"),  # start day not counted
        ("前年国庆节借给他三千，说好半年还", "loan_date", "2025-04-01"),
    ],
)
def test_an_agreed_term_gives_the_due_date(story: str, role: str, due: str) -> None:
    assert extract_facts(story, TODAY, date_role=role)["due_date"] == due


def test_no_term_no_due_date() -> None:
    facts = extract_facts("2023年借给他两万，借了两年还没还", TODAY, date_role="loan_date")
    assert "due_date" not in facts


def test_instalments_give_the_last_instalment() -> None:
    story = "他借俺一万，说好每月还一千，一共10期，第一期是2025年3月5号，还了两期就不还了"
    facts = extract_facts(story, TODAY, date_role="loan_date")
    assert facts["first_instalment_date"] == "2025-03-05"
    assert facts["last_instalment_date"] == "2025-12-05"
    assert facts["instalments"] is True


def test_interruption_dates_keep_their_roles() -> None:
    story = "借他的钱2021年5月1号就该还了，2023年3月8号俺发短信找他要，2024年7月2号他又说再宽限俩月"
    facts = extract_facts(story, TODAY, date_role="loan_date")
    assert facts["due_date"] == "2021-05-01"
    assert facts["last_demand_date"] == "2023-03-08"
    assert facts["acknowledged_date"] == "2024-07-02"


def test_yearless_dates_before_any_year_use_today() -> None:
    today = date(2027, 1, 4)
    assert one("说好元旦前还", today)[0] == "2027-01-01"
    assert one("中秋节那天借的", today)[0] == (load_calendar().lunar[2026].mid_autumn).isoformat()
    lantern = load_calendar().lunar[2026].spring_festival + timedelta(days=14)
    assert one("过年的时候借的", today)[2] == lantern.isoformat()  # 过年: 除夕 to 元宵


def test_the_key_events_span_reaches_the_assessment() -> None:
    from core.settings import Settings
    from knowledge import build_knowledge
    from knowledge.assessment import assess

    knowledge = build_knowledge(Settings())
    story = "2024年9月借给表弟一万二，他说过年前一定还，到现在也没还"
    a = assess(knowledge, story, {"cause": "民间借贷纠纷"}, TODAY)
    assert a.facts["event_range"] == {"from": "2024-12-31", "to": "2025-01-28"}  # 腊月初一 to 除夕
    assert a.facts["date_ranges"]["due_date"] == a.facts["event_range"]
    # a day the person gives later replaces the story's span
    b = assess(knowledge, story, {"cause": "民间借贷纠纷", "due_date": "2025-01-20"}, TODAY)
    assert "event_range" not in b.facts


@pytest.mark.parametrize(
    ("story", "loan", "due"),
    [
        ("2024年腊月借给他三万，说好正月十五前还", "2024-12-31", "2025-02-12"),  # 农历2024年腊月, then 元宵 2025
        ("去年八月十五那天他来借了五千", "2025-10-06", None),  # 八月十五 is 中秋
        ("25年6月借他一万，说好年底前还", "2025-06-01", "2025-12-31"),
    ],
)
def test_lunar_months_and_festival_days(story: str, loan: str, due: str | None) -> None:
    facts = extract_facts(story, TODAY, date_role="loan_date")
    assert facts["loan_date"] == loan
    assert facts.get("due_date") == due
