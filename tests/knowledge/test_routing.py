"""Routing: matters that are not a civil suit here, and the procedures after a decision (knowledge.routing).

Fresh stories of each kind, and the near misses that must stay a civil suit. Through ``assess`` (the call the
chat and /api/assess make), so the fee, limitation and jurisdiction parts are checked to say what applies instead.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess
from knowledge.routing import enforcement_fee, load_routing_rules, route_matter

TODAY = date(2026, 12, 7)



def _a(knowledge: Knowledge, story: str) -> Assessment:
    return assess(knowledge, story, None, TODAY, searcher=None)


def _no_civil_suit_figures(a: Assessment) -> None:
    """Not a civil suit next: no civil acceptance fee, no 3-year limitation, no small claims, no mediation push."""
    assert a.limitation.status == "not_applicable" and "三年诉讼时效不是这里要看的期限" in a.limitation.basis
    assert a.fee.halved_yuan is None and a.fee.range_yuan is None
    assert a.small_claims.mode == "not_eligible"
    assert a.mediation.suitable is False and a.mediation.required_before_filing is False


# -- police ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "story",
    [
        "抖音上有人说带我炒虚拟币，让我下了个投资平台，充了6万进去，现在提现提不出来，客服也不回",
        "有个自称京东客服的给我打电话，说要关闭百万保障，让我把钱转到安全账户，我转了3万",
        "在网上找兼职，对方让我先垫钱做任务再返佣金，垫了两万多就被踢出群了",
        "接到电话说我涉嫌洗钱，让我把存款转到指定账户配合调查，我转了十万",
        "在闲鱼上买演唱会门票，付了两千对方就把我删了",
    ],
)
def test_online_fraud_by_strangers_goes_to_the_police(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.routing.route == "police" and a.route == "elsewhere"
    assert a.routing.civil_claim_also is False
    assert "110" in a.routing.reason and "民事诉讼法第一百二十二条" in a.routing.basis
    _no_civil_suit_figures(a)
    assert a.fee.acceptance_fee_yuan is None and "不交诉讼费" in a.fee.basis
    assert a.missing == [] and a.next_question is None  # no suit's questions to a fraud victim


def test_a_fraud_whose_author_is_known_also_notes_the_civil_claim(knowledge: Knowledge) -> None:
    a = _a(knowledge, "网上认识的男朋友说投资虚拟币稳赚，我转了8万，现在提现提不出来，我知道他的真名和老家地址")
    assert a.routing.route == "police" and a.routing.civil_claim_also is True


def test_money_lent_to_a_known_person_is_a_loan_even_if_called_fraud(knowledge: Knowledge) -> None:
    a = _a(knowledge, "同事小李去年跟我借了2万说家里急用，写了借条，后来一直拖着不还，我觉得他就是骗我")
    assert a.routing.route == "civil_suit" and a.route == "filing"
    assert any("民间借贷" in n for n in a.routing.notes)


def test_illegal_fund_raising_goes_to_the_police(knowledge: Knowledge) -> None:
    a = _a(knowledge, "村里好多人把钱放到一个合作社，说年化15%保本保息，上个月合作社负责人卷钱跑了，谁也联系不上")
    assert a.routing.route == "police" and a.routing.civil_claim_also is False
    assert "民间借贷规定第五条" in a.routing.basis
    _no_civil_suit_figures(a)


def test_interest_on_a_private_loan_is_not_fund_raising(knowledge: Knowledge) -> None:
    a = _a(knowledge, "借给表弟10万，说好月息1分，一年后还，到期他不还了")
    assert a.routing.route == "civil_suit"


# -- administrative acts ---------------------------------------------------------------------------------------
def test_a_demolition_decision_is_for_administrative_review(knowledge: Knowledge) -> None:
    a = _a(knowledge, "城管说俺家门面是违建，下了限期拆除的决定书，上周收到的，俺不服")
    r = a.routing
    assert r.route == "admin_reconsideration_or_suit" and a.route == "elsewhere"
    assert (r.deadline_days, r.deadline_from) == (60, "知道该行政行为之日")
    assert r.deadline == TODAY - timedelta(days=7) + timedelta(days=60)
    assert "6个月" in r.reason and "第二十条" in r.basis and "第四十六条" in r.basis
    _no_civil_suit_figures(a)
    assert "行政复议不收费" in a.fee.basis


def test_a_penalty_on_the_person_is_for_administrative_review(knowledge: Knowledge) -> None:
    a = _a(knowledge, "派出所因为打架给我拘留了五天还罚了500，我觉得冤")
    assert a.routing.route == "admin_reconsideration_or_suit"
    assert a.routing.deadline_from == "知道该行政行为之日"  # 行政复议法第二十条


@pytest.mark.parametrize(
    "story",
    [
        "邻居打了我，派出所把他拘留了，我想让他赔医药费",  # the penalty is the other side's: a tort claim
        "交警出了事故认定书，对方全责，可对方就是不赔钱",  # a liability finding is evidence, not an act to contest
    ],
)
def test_an_agency_in_the_story_is_not_enough(knowledge: Knowledge, story: str) -> None:
    assert _a(knowledge, story).routing.route == "civil_suit"


# -- arbitration -----------------------------------------------------------------------------------------------
def test_an_arbitration_clause_sends_the_dispute_to_arbitration(knowledge: Knowledge) -> None:
    a = _a(knowledge, "装修合同里写了发生争议提交焦作仲裁委员会仲裁，现在装修公司不退我定金8000")
    assert a.routing.route == "arbitration" and a.route == "arbitration"
    assert "民诉解释第二百一十五条" in a.routing.basis
    assert a.fee.acceptance_fee_yuan is None and "仲裁委员会" in a.fee.basis


def test_a_clause_allowing_either_arbitration_or_court_is_invalid(knowledge: Knowledge) -> None:
    a = _a(knowledge, "合同约定发生争议可以申请仲裁，或者向法院起诉，现在对方不付款")
    assert a.routing.route == "civil_suit" and "无效" in a.routing.reason


def test_a_labour_dispute_goes_to_labour_arbitration_first(knowledge: Knowledge) -> None:
    a = _a(knowledge, "在超市上班三年，老板拖了我两个月工资还把我辞退了，不给补偿")
    assert a.routing.route == "labour_arbitration_first" and a.route == "arbitration"


def test_after_a_labour_award_the_suit_is_due_within_15_days(knowledge: Knowledge) -> None:
    a = _a(knowledge, "劳动仲裁的裁决书3天前收到的，加班费那部分没支持，我不服")
    r = a.routing
    assert r.route == "civil_suit"
    assert (r.deadline_days, r.deadline_from, r.days_left) == (15, "收到仲裁裁决书之日", 12)


# -- a decision the person already has -------------------------------------------------------------------------
def test_a_judgment_received_two_days_ago_is_appealed_not_sued_again(knowledge: Knowledge) -> None:
    a = _a(knowledge, "修武县法院一审判我赔对方3万，判决书是前天拿到的，我觉得判得不公平")
    r = a.routing
    assert r.route == "appeal" and a.route == "hotline"
    assert (r.deadline_days, r.deadline_from) == (15, "判决书送达之日")
    assert r.deadline == TODAY - timedelta(days=2) + timedelta(days=15) and r.days_left == 13
    assert a.jurisdiction.court == knowledge.court.appeal_court and "河南省修武县人民法院" in a.jurisdiction.basis
    _no_civil_suit_figures(a)


def test_a_ruling_is_appealed_within_10_days(knowledge: Knowledge) -> None:
    a = _a(knowledge, "我起诉邻居，法院裁定不予受理，裁定书昨天收到的，我不服")
    r = a.routing
    assert r.route == "appeal" and (r.deadline_days, r.deadline_from, r.days_left) == (10, "裁定书送达之日", 9)


def test_an_appeal_period_that_has_passed_says_retrial(knowledge: Knowledge) -> None:
    a = _a(knowledge, "一审判决一个月前就收到了，当时没在意，现在觉得判得不对，还能上诉吗")
    r = a.routing
    assert r.route == "appeal" and r.deadline_passed is True and r.days_left is not None and r.days_left < 0
    assert "再审" in r.reason and "6个月" in r.reason


def test_a_decided_case_is_not_sued_again_but_retried(knowledge: Knowledge) -> None:
    a = _a(knowledge, "官司两年前就判完生效了，我输了，最近发现对方当时交的收条是假的，能不能重新打一次官司")
    r = a.routing
    assert r.route == "retrial" and r.period == "6个月" and "第二百一十六条" in r.basis
    assert "三年" not in a.routing.reason
    _no_civil_suit_figures(a)


def test_a_refused_divorce_may_be_sued_again_after_six_months(knowledge: Knowledge) -> None:
    a = _a(knowledge, "去年法院判不准离婚，现在又分居一年多了，还能再起诉离婚吗")
    assert a.routing.route == "civil_suit" and "六个月" in a.routing.reason


def test_an_unperformed_mediation_document_is_enforced(knowledge: Knowledge) -> None:
    a = _a(knowledge, "武陟县法院的调解书定的今年6月30号前还我5万，到现在一分没给，他在山阳区有辆车")
    r = a.routing
    assert r.route == "enforcement" and r.period == "2年"
    assert r.deadline == date(2028, 6, 30) and r.deadline_passed is False
    assert a.jurisdiction.competent is True and a.jurisdiction.court == knowledge.court.name  # the car is here
    assert a.fee.acceptance_fee_yuan is None and "约650元" in a.fee.basis  # 50 + 40,000 × 1.5%, paid afterwards
    assert a.limitation.status == "not_applicable"


def test_a_judgment_not_complied_with_is_enforced(knowledge: Knowledge) -> None:
    a = _a(knowledge, "法院判决离婚时房子归我，判决早生效了，他一直不搬走")
    assert a.routing.route == "enforcement"


def test_enforcement_without_the_court_named_asks_which(knowledge: Knowledge) -> None:
    a = _a(knowledge, "法院判他半个月内还我钱，判决早就生效了，他一直拖着不还")
    assert a.routing.route == "enforcement"
    assert a.jurisdiction.competent is None and a.jurisdiction.court is None


def test_a_failed_enforcement_with_a_guarantor_is_a_suit_against_the_guarantor(knowledge: Knowledge) -> None:
    a = _a(knowledge, "法院判借款人还我钱，可他名下没财产，执行不了，借条上有担保人王强签字，能告王强吗")
    assert a.routing.route == "civil_suit" and a.guarantee is not None


# -- payment order ---------------------------------------------------------------------------------------------
def test_a_payment_order_when_asked_and_it_fits(knowledge: Knowledge) -> None:
    a = _a(knowledge, "一家建材公司欠我货款2万，有对账单，早就过了说好的付款时间，他们也认账就是拖。我想申请支付令")
    r = a.routing
    assert r.route == "payment_order" and a.route == "hotline"
    assert a.fee.acceptance_fee_yuan == 100  # a third of the 300 a suit over 20,000 would cost (办法第十四条第（三）项)
    assert a.mediation.suitable is False and "督促程序" in a.mediation.reasons[-1]


@pytest.mark.parametrize(
    "story",
    [
        "想申请支付令，可对方说货有质量问题，不认这笔账",  # a dispute: the order would fail on objection
        "欠我钱的人跑了大半年了，电话打不通，能不能申请个支付令",  # cannot be served
    ],
)
def test_a_payment_order_that_does_not_fit_is_a_suit(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.routing.route == "civil_suit" and "支付令" in a.routing.reason


def test_a_payment_order_is_mentioned_when_it_fits(knowledge: Knowledge) -> None:
    a = _a(knowledge, "朋友借我3万打了欠条，约定今年5月底还，早就到期了，他也承认欠，就是不还")
    assert a.routing.route == "civil_suit"
    assert any("支付令" in n for n in a.routing.notes)


# -- domestic violence -----------------------------------------------------------------------------------------
def test_violence_at_home_now_is_110_and_a_protection_order(knowledge: Knowledge) -> None:
    a = _a(knowledge, "我老公喝了酒就动手打我，刚才又打了，我现在抱着孩子躲在我妈家，不敢回去")
    r = a.routing
    assert r.route == "protection_order" and a.route == "elsewhere"
    assert "110" in r.reason and "72小时" in r.reason and "24小时" in r.reason
    assert "反家庭暴力法" in r.basis and "第二十八条" in r.basis
    assert a.mediation.suitable is False and a.missing == []


def test_violence_in_a_divorce_story_is_a_suit_without_a_push_to_mediate(knowledge: Knowledge) -> None:
    a = _a(knowledge, "结婚十年，丈夫经常打我，我要离婚，孩子归我")
    assert a.routing.route == "civil_suit"
    assert any("人身安全保护令" in n for n in a.routing.notes)
    assert a.mediation.suitable is False and any("家庭暴力" in x for x in a.mediation.reasons)
    assert "mediation_willing" not in a.missing  # the bot does not ask a victim to consider mediation


@pytest.mark.parametrize(
    "story",
    [
        "同事在单位跟我吵架还推了我一把，把我胳膊打青了，要他赔医药费",
        "他欠我钱不还，打我电话也不接",
        "邻居家的狗咬了我儿子，要他赔钱",
    ],
)
def test_not_domestic_violence(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.routing.route == "civil_suit" and not any("保护令" in n for n in a.routing.notes)


# -- the civil suit stays as it was ----------------------------------------------------------------------------
def test_an_ordinary_loan_is_a_civil_suit_with_its_figures(knowledge: Knowledge) -> None:
    a = _a(knowledge, "俺去年三月借给同事老王5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。")
    assert a.routing.route == "civil_suit" and a.route == "filing"
    assert a.fee.acceptance_fee_yuan == 1050 and a.limitation.status == "in_time"
    assert a.routing.deadline_days is None and a.routing.civil_claim_also is False


def test_enforcement_fee_bands() -> None:
    rules = load_routing_rules().decisions.enforcement
    assert enforcement_fee(Decimal(8000), rules) == 50
    assert enforcement_fee(Decimal(40000), rules) == 500  # 50 + 30,000 × 1.5%
    assert enforcement_fee(Decimal(600000), rules) == 50 + Decimal(490000) * Decimal("0.015") + 1000


def test_route_matter_is_pure_and_reads_only_the_text(knowledge: Knowledge) -> None:
    r = route_matter("他打我电话不接", {}, TODAY, knowledge.court, knowledge.routing)
    assert r.route == "civil_suit" and r.matters == frozenset()
