"""Studied class 'where the matter goes when it is not a new suit, told in lay words' (table d, round 5;
民事诉讼法第一百二十二条第（二）项、第二百一十条、第二百三十五条第二款、第二百四十九条; 民诉解释第四百二十七条第一款
第（七）项; 民事诉讼法第一百零四条第三款; 反家庭暴力法第二十三条、第三十七条; 行政复议法第十一条第（二）项、第二十条;
劳动争议调解仲裁法第四十二条第三款、第五十一条): a caller posing as a company's service desk who empties a card through
screen sharing is a fraud for the police; a partner one lives with unmarried who beats one may be kept away by a
protection order; a vehicle held by an agency is an administrative coercive measure (60 days to reconsider); a debt
a notary made enforceable and an arbitration commission's signed mediation statement are enforced, not sued; a payment
order is barred once pre-suit preservation was applied for; a retrial between two citizens goes to the first court or
the one above it, between a company and a person to the one above. Fresh stories, none from the table."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess

TODAY = date(2026, 12, 7)
MIDDLE = "河南省焦作市中级人民法院"



def _a(knowledge: Knowledge, story: str) -> Assessment:
    return assess(knowledge, story, None, TODAY, searcher=None)


@pytest.mark.parametrize(
    "story",
    [
        "昨天有个人打电话说他是淘宝客服，说俺买的衣服有质量问题要给俺退钱，让俺开了共享屏幕，银行卡里八千块叫转走了",
        "一个男的来电话说是航空公司的，说航班取消了要赔俺钱，叫俺在手机上装了个会议软件照着他说的点，三万多就没了",
    ],
)
def test_a_caller_posing_as_a_service_desk_is_for_the_police(knowledge: Knowledge, story: str) -> None:
    assert _a(knowledge, story).routing.route == "police"


@pytest.mark.parametrize(
    "story",
    [
        "俺跟他搭伙过日子五年了，没扯证，他喝醉了就拿棍子打俺，俺想叫法院禁止他再靠近俺",
        "俺俩没登记结婚，在一块住了两年，他动不动就打俺，前天把俺胳膊打青了，俺想申请个东西让他别再打俺",
    ],
)
def test_a_partner_living_together_unmarried_gets_a_protection_order(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.routing.route == "protection_order"
    assert a.mediation.suitable is False


@pytest.mark.parametrize(
    "story",
    [
        "城管把俺摆摊的三轮车连货一块拉走扣了，俺觉得不合理，想告城管",
        "派出所把俺的面包车扣下了，说俺跑黑车，俺不服",
    ],
)
def test_a_vehicle_held_by_an_agency_is_an_administrative_act(knowledge: Knowledge, story: str) -> None:
    r = _a(knowledge, story).routing
    assert r.route == "admin_reconsideration_or_suit"
    assert r.deadline_days == 60 and r.deadline_from == "知道该行政行为之日"


@pytest.mark.parametrize(
    "story",
    [
        "俺借给他八万，俺俩去公证处做了公证，公证书上说他不还俺可以直接申请强制执行，现在到期了他一直拖着不还",
        "他给俺写的还款协议办了强制执行公证，说好9月底前还清，到现在一分也没还",
        "在劳动人事争议仲裁委员会调解的，厂里在调解书上签了字，说好11月15号前给俺补偿金两万，到今天没给",
    ],
)
def test_an_enforceable_document_other_than_a_judgment_is_enforced(knowledge: Knowledge, story: str) -> None:
    assert _a(knowledge, story).routing.route == "enforcement"


@pytest.mark.parametrize(
    "story",
    [
        "他欠俺三万货款一直不给，俺前几天申请了诉前财产保全冻结了他的账户，他住山阳区，这会儿能不能申请支付令",
        "他借俺两万到期不还，俺怕他转移房子，起诉前就先申请保全把房子查封了，他住山阳区，能不能再弄个支付令",
    ],
)
def test_no_payment_order_after_pre_suit_preservation(knowledge: Knowledge, story: str) -> None:
    r = _a(knowledge, story).routing
    assert r.route == "civil_suit"
    assert "第四百二十七条" in r.basis


def test_a_retrial_between_two_citizens_may_go_to_the_first_court(knowledge: Knowledge) -> None:
    a = _a(
        knowledge,
        "马村区法院去年判俺赔他两万，判决早就生效了，最近俺翻出来他当时写的收条，俺俩都是老百姓，俺能去哪申请再审",
    )
    assert a.routing.route == "retrial"
    assert a.jurisdiction.competent is False
    assert a.jurisdiction.court == "河南省焦作市马村区人民法院" and MIDDLE in a.jurisdiction.basis


def test_a_retrial_against_a_company_goes_to_the_court_above(knowledge: Knowledge) -> None:
    a = _a(
        knowledge,
        "解放区法院判俺给物业公司交三年物业费，判决生效半年了，俺前两天翻出来当年交过钱的收据，想申请再审",
    )
    assert a.routing.route == "retrial"
    assert (a.jurisdiction.competent, a.jurisdiction.court) == (False, MIDDLE)
