"""Studied class 'the day a period runs from, told in lay words' (table c, round 3; 民法典第一百八十八条第二款、第一百
九十五条第（二）项; 时效规定第十四条; 劳动争议调解仲裁法第四十八条、第五十条; 民事诉讼法第八十五条): a payment made on a
date ("那天给俺转了两千") interrupts, it is no day to pay; the day the person made out who caused the harm
("才搞清楚是楼上…") starts the period, not the day the harm showed; an award that "到我手上" that day was received
that day; a day known only as lying between two dates ("20号和22号之间送到的") is a span, so a deadline that falls
on either side of today is called neither way — by the limitation and the route alike. Fresh stories, with the
near misses that keep the old reading."""

from datetime import date

from knowledge import Knowledge
from knowledge.assessment import Assessment
from knowledge.dates import find_dates

TODAY = date(2026, 12, 7)



def _assess(knowledge: Knowledge, story: str, today: date = TODAY) -> Assessment:
    return knowledge.assess(story, None, today, None)


def test_a_dated_payment_interrupts_and_is_no_day_to_pay(knowledge: Knowledge) -> None:
    a = _assess(knowledge, "借条上写着2022年3月1号还清三万，他2024年5月6号给俺转了两千，后来再没动静")
    assert a.limitation.rule_tag == "interrupted"
    assert a.limitation.deadline == date(2027, 5, 6)
    assert a.limitation.status == "in_time"


def test_the_day_one_made_out_who_caused_the_harm_starts_the_period(knowledge: Knowledge) -> None:
    story = "俺家天花板去年夏天开始往下渗水，一直没找着原因，今年3月5号请人来看才搞清楚是楼上装修弄坏了防水，俺要他赔"
    a = _assess(knowledge, story)
    assert a.limitation.rule_tag == "tort_knew_harm_and_tortfeasor"
    assert a.limitation.deadline == date(2029, 3, 5)


def test_an_award_that_reached_ones_hands_that_day_was_received_that_day(knowledge: Knowledge) -> None:
    a = _assess(knowledge, "劳动仲裁裁决书11月30号到我手上的，裁得不公，想去法院起诉单位")
    assert a.limitation.rule_tag == "labour_award_15d"
    assert a.limitation.deadline == date(2026, 12, 15)
    assert a.routing.deadline == date(2026, 12, 15)


def test_a_receipt_day_between_two_dates_straddling_the_deadline_is_called_neither_way(knowledge: Knowledge) -> None:
    a = _assess(
        knowledge, "劳动仲裁裁决书是11月20号和22号之间送到的，具体哪天记不清了，俺不服想起诉", date(2026, 12, 6)
    )
    assert a.limitation.status == "unknown"
    span = a.limitation.deadline_range
    assert span is not None
    assert (span.first, span.last) == (date(2026, 12, 5), date(2026, 12, 7))
    assert a.routing.deadline is None and a.routing.deadline_passed is None


def test_between_two_dates_is_one_span() -> None:
    found = find_dates("裁决书是上个月3号到5号中间哪天收到的", TODAY)
    assert [(m.value, m.last) for m in found] == [(date(2026, 11, 3), date(2026, 11, 5))]


def test_from_one_month_to_another_stays_two_dates() -> None:
    found = find_dates("2025年3月到2025年6月我在他厂里干活，工钱一直没给", TODAY)
    assert len(found) == 2
