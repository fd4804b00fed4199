"""Reading a story's limitation events — and what moves the period — from fresh stories, with the near misses.

Each story is checked twice: what ``read_story`` reads (the event, its day or range), and what the period then
is under the rule of the cause (the facts a story's date roles would give are passed explicitly, so these tests
do not depend on the extractor's roles).
"""

from datetime import date

import pytest

from knowledge.interruptions import Span, StoryReading, load_interruption_cues, read_story
from knowledge.limitation import LimitationResult, check_limitation, load_limitation_rules
from knowledge.service import Knowledge

CUES = load_interruption_cues()
RULES = load_limitation_rules()
TODAY = date(2026, 12, 7)


def read(story: str, today: date = TODAY) -> StoryReading:
    return read_story(story, today, CUES)


def kinds(story: str, today: date = TODAY) -> list[tuple[str, Span]]:
    return [(e.kind, e.when) for e in read(story, today).events]


def check(rule: str, facts: dict[str, object], story: str, today: date = TODAY) -> LimitationResult:
    return check_limitation(rule, facts, today, RULES, cues=CUES, story=read(story, today))


def day(y: int, m: int, d: int) -> Span:
    return Span.day(date(y, m, d))


# ------------------------------------------------------------------------------------------------ interruptions


@pytest.mark.parametrize(
    ("story", "channel"),
    [
        ("老赵的钱2021年9月1号就该还，2024年7月3号俺给他发短信催了一回，他没吭声", "短信"),
        ("货款约定2021年9月1号付清，2024年7月3号俺在微信上跟他要过", "微信"),
        ("2021年9月1号到期，2024年7月3号俺上门去他家要账，他躲着不见", "当面"),
        ("2021年9月1号到期，2024年7月3号俺让律师给他寄了律师函", "律师函"),
    ],
)
def test_a_dated_demand_restarts_the_period(story: str, channel: str) -> None:
    reading = read(story)
    demand = next(e for e in reading.events if e.kind == "demand")
    assert (demand.when, demand.channel) == (day(2024, 7, 3), channel)
    result = check("loan", {"due_date": "2021-09-01"}, story)
    assert (result.status, result.deadline, result.rule_tag) == ("in_time", date(2027, 7, 3), "interrupted")
    assert result.interrupted_on == date(2024, 7, 3)
    assert "2024年7月3日" in result.basis and "重新计算" in result.basis


@pytest.mark.parametrize(
    "story",
    [
        "2021年9月1号到期，这几年俺一直没催过他",  # a negated demand
        "2021年9月1号到期，2024年7月3号他还催俺赶紧把欠条找出来",  # he pressed me: not my demand
        "2021年9月1号到期，2024年7月3号俺想去法院起诉他，到现在也没去",  # an intention is no filing
        "2021年9月1号到期，2024年7月3号派出所打电话通知俺去做笔录",  # the police calling is no report
    ],
)
def test_what_is_not_an_interruption(story: str) -> None:
    assert not [k for k, _ in kinds(story) if k not in ("due", "due_day")]
    result = check("loan", {"due_date": "2021-09-01"}, story)
    assert (result.deadline, result.rule_tag, result.interrupted_on) == (date(2024, 9, 1), "general_3y", None)


def test_a_part_payment_restarts_and_a_loan_made_to_me_is_none() -> None:
    assert kinds("约定2022年3月还清，2023年8月10号他转给俺两千")[-1] == ("part_payment", day(2023, 8, 10))
    assert all(k != "part_payment" for k, _ in kinds("2023年8月10号他借给俺两千块钱"))
    result = check("loan", {"due_date": "2022-03-31"}, "约定2022年3月还清，2023年8月10号他转给俺两千")
    assert (result.deadline, result.interrupted_on) == (date(2026, 8, 10), date(2023, 8, 10))


def test_a_promise_to_pay_answering_a_demand_is_read_with_it() -> None:
    story = "钱2023年2月1号到期，2025年5月6号俺去找他要，他说年底前一定还上"
    assert [(k, w) for k, w in kinds(story) if k in ("demand", "promise")] == [
        ("demand", day(2025, 5, 6)),
        ("promise", day(2025, 5, 6)),
    ]


def test_a_day_to_pay_inside_a_promise_is_no_promise_made_that_day() -> None:
    # "他答应2024年底前还" names the day to pay, not a day on which he promised anything
    reading = read("2023年5月借给他八千，他答应2024年底前还")
    assert [e.kind for e in reading.events] == ["due_day"]


def test_the_debtors_request_for_time_within_the_period_restarts_it() -> None:
    story = "这笔钱2022年11月30号到期，2025年9月2号他发微信说再缓两个月"
    result = check("loan", {"due_date": "2022-11-30"}, story)
    assert (result.deadline, result.rule_tag, result.interrupted_on) == (
        date(2028, 9, 2),
        "interrupted",
        date(2025, 9, 2),
    )


def test_a_mediation_request_and_a_police_report_interrupt() -> None:
    assert kinds("2024年4月2号俺去司法所申请了调解")[0] == ("mediation_request", day(2024, 4, 2))
    assert kinds("2023年10月9号俺报了警")[0] == ("police_report", day(2023, 10, 9))


# ---------------------------------------------------------------------------------------------- after expiry


def test_a_demand_after_expiry_changes_nothing() -> None:
    story = "他欠俺的钱2019年3月15号到期，2023年6月俺打电话跟他要，他不接"
    result = check("loan", {"due_date": "2019-03-15"}, story)
    assert (result.status, result.deadline) == ("expired", date(2022, 3, 15))
    assert result.rule_tag == "demand_after_expiry_no_revival"
    assert "期满后再催要不能让时效重新计算" in result.basis and "第一百九十三条" in result.basis


def test_a_new_iou_after_expiry_revives_from_its_new_day_to_pay() -> None:
    story = "他2017年8月1号就该还俺三万，2025年1月6号他重新写了个欠条，写明2025年10月1号前还清"
    reading = read(story)
    iou = next(e for e in reading.events if e.kind == "acknowledgement")
    assert (iou.when, iou.new_due) == (day(2025, 1, 6), day(2025, 10, 1))
    result = check("loan", {"due_date": "2017-08-01"}, story)
    assert (result.status, result.rule_tag) == ("in_time", "revived_by_debtor_agreement")
    assert (result.start, result.deadline, result.revived_on) == (day(2025, 10, 1), date(2028, 10, 1), date(2025, 1, 6))
    assert "第一百九十二条" in result.basis


def test_the_debtors_own_call_promising_to_pay_after_expiry_revives() -> None:
    story = "钱2020年4月1号到期，俺一直没要，2025年3月8号他自己打电话来说手头紧，过了年一定还"
    result = check("loan", {"due_date": "2020-04-01"}, story)
    assert (result.status, result.rule_tag, result.revived_on) == (
        "in_time",
        "revived_by_debtor_agreement",
        date(2025, 3, 8),
    )
    assert result.deadline == date(2028, 3, 8)


def test_yearly_demands_keep_it_running() -> None:
    story = "他借的钱说好2018年底还，这些年俺年年去他家要，最近一次是2026年3月2号"
    result = check("loan", {"due_date": "2018-12-31"}, story)
    assert (result.status, result.deadline, result.interrupted_on) == ("in_time", date(2029, 3, 2), date(2026, 3, 2))
    assert "每次都要能证明" in result.basis


# ------------------------------------------------------------------------------------------------- the start


def test_the_later_day_of_learning_who_did_it_starts_a_tort() -> None:
    story = "2021年8月俺的三轮车在集上被人偷了，一直不知道是谁，2025年6月20号监控里认出来了，才知道是邻村的小李偷的"
    assert ("learned", day(2025, 6, 20)) in kinds(story)
    result = check("tort", {"incident_date": "2021-08-01"}, story)
    assert (result.start, result.deadline) == (day(2025, 6, 20), date(2028, 6, 20))
    assert result.rule_tag == "tort_knew_harm_and_tortfeasor"


def test_twenty_years_from_the_harm_end_it_whoever_is_learned_later() -> None:
    story = "2004年5月9号俺家坟地边的柏树叫人刨走了，这些年一直不知道是谁，今年8月才打听到是老孙干的"
    result = check("tort", {"incident_date": "2004-05-09"}, story)
    assert (result.status, result.deadline, result.rule_tag) == ("expired", date(2024, 5, 9), "cap_20y")
    assert "20年" in result.basis and "第一百九十三条" not in result.basis


def test_a_hit_and_run_has_not_started_but_the_cap_runs() -> None:
    story = "2025年9月在路口被一辆面包车撞了，司机跑了，交警到现在也没找到人"
    assert "who_unknown" in read(story).signs
    result = check("tort", {"incident_date": "2025-09-01"}, story)
    assert (result.status, result.deadline, result.start) == ("in_time", None, None)
    assert "还没有开始计算" in result.basis and "20年" in result.basis and "已超过20年" not in result.basis


def test_instalments_start_from_the_last_one_counted_from_the_first() -> None:
    story = "他借了俺一万八，说好分6期还，每月还三千，第一期是2024年3月20号"
    assert read(story).last_instalment == day(2024, 8, 20)
    result = check("loan", {"loan_date": "2024-02-01"}, story)
    assert (result.start, result.deadline, result.rule_tag) == (day(2024, 8, 20), date(2027, 8, 20), "instalment_last")


def test_instalments_of_a_sale_say_which_rule_applies() -> None:
    story = "去年卖给他一台收割机，车款分三期付，最后一期是2025年10月31号，他一期都没付"
    result = check("general", {"due_date": "2025-10-31"}, story)
    assert (result.start, result.rule_tag) == (day(2025, 10, 31), "instalment_last")
    assert "分期付款的买卖" in result.basis and "每笔货款从各自的付款期限起算" in result.basis


def test_no_agreed_day_to_pay_runs_from_a_refusal_at_the_first_demand() -> None:
    story = "2022年借给他六千，也没说啥时候还。2024年11月3号俺第一次问他要，他直接说不还"
    result = check("loan", {"loan_date": "2022-01-01"}, story)
    assert (result.start, result.deadline, result.rule_tag) == (day(2024, 11, 3), date(2027, 11, 3), "no_due_date")
    assert "时效规定第四条" in result.basis


def test_no_agreed_day_to_pay_and_no_refusal_gives_only_the_earliest_end() -> None:
    story = "2022年借给他六千，也没说啥时候还。2024年11月3号俺第一次问他要，他说最近手头紧"
    result = check("loan", {"loan_date": "2022-01-01"}, story)
    assert (result.status, result.deadline, result.rule_tag) == ("in_time", None, "no_due_date")
    assert "2027年11月3日" in result.basis


# ------------------------------------------------------------------------------------------------ the ranges


def test_a_demand_known_only_to_its_month_straddling_the_end_is_undecided() -> None:
    story = "钱是2022年5月20号到期的，2025年5月俺去他家要过一回，具体哪天忘了"
    result = check("loan", {"due_date": "2022-05-20"}, story, today=date(2028, 5, 10))
    assert (result.status, result.deadline) == ("unknown", None)
    assert result.deadline_range == Span(date(2025, 5, 20), date(2028, 5, 20))
    assert "现在还不能确定是否已过" in result.basis


# ----------------------------------------------------------------------------------------------------- labour


def test_an_award_received_gives_fifteen_days_and_never_the_year() -> None:
    story = "劳动仲裁的裁决书11月25号邮寄到俺家的，俺签收了，觉得赔得太少"
    assert kinds(story) == [("award", day(2026, 11, 25))]
    result = check("labour", {"known_date": "2026-11-25", "has_arbitration_award": True}, story)
    assert (result.status, result.deadline, result.rule_tag) == ("in_time", date(2026, 12, 10), "labour_award_15d")
    assert result.start == day(2026, 11, 25)
    assert "15日" in result.basis and "一年" not in result.basis and "1年" not in result.basis
    late = check("labour", {"has_arbitration_award": True}, story, today=date(2026, 12, 11))
    assert (late.status, late.deadline) == ("expired", date(2026, 12, 10))
    assert "强制执行" in late.basis


def test_wages_owed_while_still_working_have_no_period() -> None:
    story = "俺在物流公司还干着呢，公司从今年6月就开始拖工资，一直没发"
    assert "wages" in read(story).signs
    result = check("labour", {"still_employed": True}, story)
    assert (result.status, result.rule_tag) == ("not_applicable", "wages_during_employment")


# -------------------------------------------------------------------------------------- claims with no limit


def test_asking_to_remove_an_obstruction_has_no_limitation() -> None:
    story = "前院老周2016年在俺家出路上堆了一堆砖，这么多年了，想让他把砖挪走"
    result = check("general", {"incident_date": "2016-01-01"}, story)
    assert (result.status, result.rule_tag) == ("not_applicable", "no_limitation")
    assert "第一百九十六条第（一）项" in result.basis


def test_a_wall_knocked_down_is_harm_not_a_claim_to_remove_it() -> None:
    story = "2022年3月他开铲车把俺家院墙推倒了，俺想要他赔修墙的钱"
    assert "removal" not in read(story).signs
    result = check("tort", {"incident_date": "2022-03-01"}, story)
    assert result.status in ("in_time", "expired") and result.rule_tag == "tort_knew_harm_and_tortfeasor"


# ------------------------------------------------------------------------------------------- the assessment



def test_the_assessment_carries_the_limitation_fields(knowledge: Knowledge) -> None:
    story = "借给同事老刘四万，约定2022年6月1号还，到期没还，2024年12月9号俺发微信催他，他回了个好"
    out = knowledge.assess(story, {"cause": "民间借贷纠纷"}, TODAY).model_dump(mode="json")
    lim = out["limitation"]
    assert (lim["status"], lim["start"], lim["deadline"]) == ("in_time", "2022-06-01", "2027-12-09")
    assert (lim["rule_tag"], lim["interrupted_on"]) == ("interrupted", "2024-12-09")
    assert {"kind": "demand", "on": "2024-12-09", "what": "向对方催要"} in lim["events"]
    assert "[U]" not in lim["basis"] and "general_3y" not in lim["basis"]


def test_a_range_is_given_as_from_and_to(knowledge: Knowledge) -> None:
    story = "他欠俺的钱2023年12月该还，到现在一分没还"
    out = knowledge.assess(story, {"cause": "民间借贷纠纷"}, date(2026, 12, 15)).model_dump(mode="json")
    lim = out["limitation"]
    assert lim["status"] == "unknown" and lim["deadline"] is None
    assert lim["deadline_range"] == {"from": "2026-12-01", "to": "2026-12-31"}


def test_no_limitation_is_no_limitation_risk(knowledge: Knowledge) -> None:
    a = knowledge.assess("孩子他爸离婚后从2016年起就没给过抚养费", {"cause": "抚养纠纷"}, TODAY)
    assert a.limitation.status == "not_applicable"
    assert not any(r.startswith("超过诉讼时效") for r in a.risks)


# ------------------------------------------------------------------------------------------ more phrasings


@pytest.mark.parametrize(
    "story",
    [
        "2021年6月1号到期，2024年3月5号俺打电话给他让他还钱，他说再等等",
        "2021年6月1号到期，2024年3月5号俺托人捎话叫他赶紧还",
        "2021年6月1号到期，2024年3月5号俺当面跟他提了还钱的事",
    ],
)
def test_other_ways_of_asking_for_the_money(story: str) -> None:
    assert ("demand", day(2024, 3, 5)) in kinds(story)


def test_an_award_received_on_a_later_day_than_it_was_made() -> None:
    story = "仲裁委2026年11月20日作出的裁决，俺11月27号才收到，不服想起诉"
    assert kinds(story) == [("award", day(2026, 11, 27))]
    result = check("labour", {"known_date": "2026-11-20"}, story)
    assert (result.deadline, result.rule_tag) == (date(2026, 12, 12), "labour_award_15d")


def test_the_iou_written_with_the_loan_is_no_later_acknowledgement() -> None:
    story = "2019年10月他借俺三万，写了借条没写还款日期，今年3月俺找他要，他说没钱"
    reading = read(story)
    assert "no_due_date" in reading.signs
    assert [e.kind for e in reading.events] == ["demand"]
    # the month the story names is the loan's, not an agreed day to pay: the period runs after a grace period
    result = check("loan", {"due_date": "2019-10-01"}, story)
    assert (result.status, result.deadline, result.rule_tag) == ("in_time", None, "no_due_date")


@pytest.mark.parametrize(
    "story",
    [
        "他借钱时说好2025年中秋节那天还钱，到现在也没动静",  # the agreed day, not a promise made that day
        "他说好2025年年底把工程尾款给俺，元旦都过了还没给",  # a final payment is no instalment, nor a promise
        "老同学2025年说做生意周转借了我6万，约好今年六月还",  # "周转借了我6万" is the loan, not a payment back
    ],
)
def test_days_to_pay_told_with_the_debt_are_no_events(story: str) -> None:
    assert [k for k, _ in kinds(story) if k not in ("due", "due_day")] == []


def test_a_debtor_who_ran_off_is_known_and_the_period_runs() -> None:
    story = "借了我5万的人2024年3月1号就该还，人跑了大半年了，电话也关机"
    result = check("loan", {"due_date": "2024-03-01"}, story)
    assert (result.status, result.deadline) == ("in_time", date(2027, 3, 1))


def test_a_commercial_arbitration_clause_is_no_labour_award() -> None:
    story = "合同写了争议由焦作仲裁委员会仲裁，对方欠我货款，2025年5月10号到期"
    assert "labour_award" not in read(story).signs
    result = check("general", {"due_date": "2025-05-10"}, story)
    assert (result.deadline, result.rule_tag) == (date(2028, 5, 10), "general_3y")


def test_an_award_the_person_wants_to_sue_over_is_read_as_labour_with_a_caution() -> None:
    story = "裁决书是11月20号收到的，俺不服，想去法院告那个公司"
    result = check("general", {}, story)
    assert (result.deadline, result.rule_tag) == (date(2026, 12, 5), "labour_award_15d")
    assert "商事仲裁" in result.basis
