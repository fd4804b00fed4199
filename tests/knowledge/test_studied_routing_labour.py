"""Studied class 'routing that the labour reading must not override' (劳动争议解释（一）第二条第（一）项; 行政复议法
第十一条、第二十条; 民事诉讼法第一百二十七条第（二）项、第二百二十八条; 民法典第九百八十五条): money taken to fix a job
that never comes is a matter for the police (and a claim back), not labour; a social-insurance agency's decision
on a pension is an administrative act; a sale contract's arbitration clause decides where no employment is told;
a payment order the debtor objected to lapses and a suit follows; a penalty's deadline runs from knowing of the
act, in 行政复议法第二十条's words. Fresh stories, with the near misses."""

from datetime import date

from knowledge import Knowledge
from knowledge.routing import route_matter

TODAY = date(2026, 12, 7)



def _route(knowledge: Knowledge, story: str, *, labour: bool = False) -> tuple[str, int | None, str | None]:
    r = route_matter(story, {}, TODAY, knowledge.court, knowledge.routing, labour=labour, arbitration_first=labour)
    return r.route, r.deadline_days, r.deadline_from


def test_money_taken_to_fix_a_job_is_for_the_police(knowledge: Knowledge) -> None:
    story = "邻村的王某说能托关系把俺闺女安排进医院上班，收了俺三万块好处费，两年了也没办成，现在电话也不接，钱也不退"
    assert _route(knowledge, story, labour=True)[0] == "police"


def test_a_pension_cut_by_the_social_insurance_agency_is_administrative(knowledge: Knowledge) -> None:
    story = "社保中心给俺核养老金，说俺前几年的工龄不算，每个月少发三百，俺不服想告他们"
    assert _route(knowledge, story, labour=True) == ("admin_reconsideration_or_suit", 60, "知道该行政行为之日")


def test_a_sales_arbitration_clause_decides_when_no_employment_is_told(knowledge: Knowledge) -> None:
    story = "买了一家厂的机器，合同里写着发生争议提交焦作仲裁委员会仲裁，机器老坏，想退货"
    assert _route(knowledge, story, labour=True)[0] == "arbitration"


def test_an_employment_keeps_the_labour_commission(knowledge: Knowledge) -> None:
    story = "俺在厂里上班，劳动合同里写着发生争议提交仲裁委员会仲裁，厂里欠俺两个月工资"
    assert _route(knowledge, story, labour=True)[0] == "labour_arbitration_first"


def test_an_objected_payment_order_leads_to_a_suit(knowledge: Knowledge) -> None:
    story = "货款的事俺申请了支付令，他提出了书面异议，支付令失效了，俺该咋办"
    assert _route(knowledge, story)[0] == "civil_suit"


def test_a_payment_order_asked_for_stays_one(knowledge: Knowledge) -> None:
    assert _route(knowledge, "他写了欠条，到期不还，数也没争议，俺想申请支付令")[0] == "payment_order"


def test_a_penalty_runs_from_knowing_of_the_act(knowledge: Knowledge) -> None:
    story = "市场监管局罚了俺店五千块，处罚决定书前天送来的，俺觉得不该罚"
    assert _route(knowledge, story)[1:] == (60, "知道该行政行为之日")
