"""Studied classes of table e (round 6), each with fresh stories: the fee follows the claim (a camera aimed at one's
door is a privacy claim, 办法第十三条第（二）项第2目; an IP claim with an amount pays as a property case, 第（三）项);
guarantees told plainly (保三个月; 叫保证人替他还 is a demand; 没去法院告过 is no suit; 民法典第六百九十二条、
第六百九十三条);
a registered vehicle asked back has no limitation (民法典第一百九十六条第（二）项); a demand passed on by somebody else
leaves the limitation uncertain when it decides it (时效规定第八条); assets carted away at night call for preservation
first (民事诉讼法第一百零三条、第一百零四条); a special procedure is not mediated (民诉解释第一百四十三条)."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess

TODAY = date(2026, 12, 7)


def _a(knowledge: Knowledge, story: str) -> Assessment:
    return assess(knowledge, story, None, TODAY, searcher=None)


def test_a_camera_aimed_at_ones_door_is_a_privacy_claim(knowledge: Knowledge) -> None:
    story = "后邻在他墙上装了个监控探头，正对着俺家院子，俺媳妇在院里洗澡晾衣服都录得清清楚楚，俺就要他把探头挪走"
    fee = _a(knowledge, story).fee
    assert fee.kind == "personality" and fee.range_yuan == [100, 500]


def test_an_ip_claim_with_an_amount_pays_as_property(knowledge: Knowledge) -> None:
    story = "俺画的一幅太行山水画，叫一家茶叶公司印在他们茶叶盒上卖了，没问过俺，俺要他赔三万"
    fee = _a(knowledge, story).fee
    assert fee.kind == "property" and fee.acceptance_fee_yuan == 550


@pytest.mark.parametrize(
    ("story", "end", "open_"),
    [
        (
            "借给老孟六万，他表哥魏长胜在借条上写着承担连带责任，只保一年，2025年10月8号到期，老孟一直没还，俺今年没找过魏长胜",
            "2026-10-08",
            False,
        ),
        (
            "借给小谷五万，借条上他二舅吕德旺写着承担连带保证责任，2026年7月1号到期，俺10月20号发微信叫吕德旺替他还钱",
            "2027-01-01",
            True,
        ),
    ],
)
def test_guarantees_told_plainly(knowledge: Knowledge, story: str, end: str, open_: bool) -> None:
    g = _a(knowledge, story).guarantee
    assert g is not None and g.kind == "连带责任保证"
    assert g.period_end == date.fromisoformat(end) and g.claim_open is open_


def test_no_suit_against_the_debtor_releases_a_general_guarantor(knowledge: Knowledge) -> None:
    story = "借给老常四万，借条下面签了个保证人柴树林，2026年1月20号到期，老常没还，俺打电话催过老常几回，没去法院告过"
    g = _a(knowledge, story).guarantee
    assert g is not None and g.kind == "一般保证" and g.period_end == date(2026, 7, 20) and g.claim_open is False
    assert g.guarantor == "柴树林"


def test_a_registered_vehicle_asked_back_has_no_limitation(knowledge: Knowledge) -> None:
    story = "俺名下有辆小货车，登记证在俺手里，2018年借给俺表弟跑运输，到现在都不还给俺，这么多年了还能要回来不"
    assert _a(knowledge, story).limitation.status == "not_applicable"


def test_a_demand_passed_on_by_somebody_else_leaves_it_open(knowledge: Knowledge) -> None:
    story = "他欠俺两万，2023年3月1号就该还，前年年底俺托村长给他捎过话让他还钱，俺自己一直没找过他"
    lim = _a(knowledge, story).limitation
    assert lim.status == "unknown" and "捎" in lim.basis


def test_a_demand_made_oneself_still_interrupts(knowledge: Knowledge) -> None:
    story = "他欠俺两万，2023年3月1号就该还，2025年12月20号俺发微信跟他要过钱，他说再宽限宽限"
    assert _a(knowledge, story).limitation.status == "in_time"


def test_assets_carted_away_at_night_call_for_preservation_first(knowledge: Knowledge) -> None:
    story = "他欠俺十五万工程款不给，听说他这几天连夜往外运仓库里的钢材，俺想先叫法院把他的东西封住，再去告他"
    a = _a(knowledge, story)
    assert a.preservation.first is True and a.fee.preservation_fee_yuan == 1270


def test_a_special_procedure_is_not_mediated(knowledge: Knowledge) -> None:
    story = "老赵借俺十万，拿他的小轿车给俺办了抵押，到期不还，俺想直接申请法院把抵押的车拍卖了，这要先调解吗"
    m = _a(knowledge, story).mediation
    assert m.suitable is False and m.required_before_filing is False


# table f studied (round 7): fresh stories for each class


def test_learning_who_did_it_later_starts_the_period_then(knowledge: Knowledge) -> None:
    story = "2024年5月俺的三轮车停在门口叫人砸了，一直不知道是谁。今年6月10号派出所调监控才查着，是隔壁村的小宋"
    lim = _a(knowledge, story).limitation
    assert lim.status == "in_time" and lim.start == date(2026, 6, 10)


def test_the_twenty_year_cap(knowledge: Knowledge) -> None:
    story = "2005年8月3号俺家的果树叫人砍了一大片，一直不知道是谁干的。今年9月村里老会计才跟俺说，是后街老封找人砍的"
    lim = _a(knowledge, story).limitation
    # known in 2026, but more than 20 years after the harm (民法典第一百八十八条第二款): the cap decides
    assert lim.status == "expired" and lim.rule_tag == "cap_20y"


def test_a_bank_deposit_has_no_limitation_defence(knowledge: Knowledge) -> None:
    story = "俺爹1998年在信用社存了一张五年的定期存单，三千块，一直压在柜子里，今年俺拿去取，银行说过了时效不给取"
    assert _a(knowledge, story).limitation.status == "not_applicable"  # 时效规定第一条第（一）项


def test_a_guarantor_who_signed_the_extension_guarantees_the_new_day(knowledge: Knowledge) -> None:
    story = (
        "借给老房八万，2026年2月10号到期，担保人魏振东签的连带责任保证，没写保证期间。到期还不上，"
        "俺跟老房签了个延期协议改到8月10号还，魏振东也在延期协议上签了字"
    )
    g = _a(knowledge, story).guarantee
    assert g is not None and g.period_end == date(2027, 2, 10) and g.claim_open is True


@pytest.mark.parametrize(
    ("reply", "want"),
    [("那就请村里的老支书给俺俩说道说道", "yes"), ("万一调不成，还能去法院告不？", "unclear")],
)
def test_replies_about_a_local_go_between(knowledge: Knowledge, reply: str, want: str) -> None:
    assert knowledge.read_consent(reply) == want


def test_a_shop_being_sold_off_calls_for_preservation(knowledge: Knowledge) -> None:
    story = "他欠俺八万货款，听说他正把他那个超市往外盘，俺想先叫法院把他值八万的东西扣住"
    assert _a(knowledge, story).preservation.first is True


def test_a_stated_wish_to_divorce_is_a_divorce(knowledge: Knowledge) -> None:
    story = "俺想跟俺男人离婚，孩子三岁一直跟着俺，俺就要孩子，他每月给八百抚养费就中，俺俩没啥财产"
    a = _a(knowledge, story)
    assert a.cause.name == "离婚纠纷" and a.fee.kind == "divorce"


@pytest.mark.parametrize(
    ("story", "start"),
    [
        (
            "卖给他一台磨面机两万四，说好分四个月还，每月5号给六千，头一回是2025年6月5号，他给了一回就不给了",
            date(2025, 9, 5),
        ),
        ("借给他一万二，讲好分成三期还，每个月20号还四千，第一期是2026年1月20号，一期也没还", date(2026, 3, 20)),
    ],
)
def test_instalments_run_from_the_last_one(knowledge: Knowledge, story: str, start: date) -> None:
    lim = _a(knowledge, story).limitation  # 民法典第一百八十九条
    assert lim.rule_tag == "instalment_last" and lim.start == start


def test_a_grace_given_at_a_demand_starts_the_period_when_it_ends(knowledge: Knowledge) -> None:
    story = "前年借给他六千，没说啥时候还。2025年5月8号俺去要，跟他说给他半个月时间，到日子还是没给"
    lim = _a(knowledge, story).limitation  # 时效规定第四条
    assert lim.start == date(2025, 5, 23) and lim.status == "in_time"


def test_a_name_used_to_sell_goods_is_a_personality_claim(knowledge: Knowledge) -> None:
    story = "有个卖茶叶的打着俺的名号在抖音上卖货，还说俺是他们的代言人，俺不要钱，就要他们别再用俺的名字、把视频删了"
    fee = _a(knowledge, story).fee
    assert fee.kind == "personality"


def test_ones_own_photo_used_in_an_advert_is_copyright(knowledge: Knowledge) -> None:
    story = "俺拍的一组荷花照片叫一家饭店拿去印在菜单上了，没问过俺，俺就要他们停止使用、赔礼道歉，钱不要"
    fee = _a(knowledge, story).fee
    assert fee.kind == "ip" and fee.range_yuan == [500, 1000]  # 办法第十三条第（三）项


def test_an_acknowledgement_nobody_can_show_leaves_it_open(knowledge: Knowledge) -> None:
    story = "2022年9月1号该还俺的八千，去年春节他当面跟俺说钱他认，过段时间就还，没录音也没人听见，后来俺再没找过他"
    lim = _a(knowledge, story).limitation  # 时效规定第八条: it interrupts only if it can be shown
    assert lim.status == "unknown" and "证明" in lim.basis


def test_a_grace_said_with_lia(knowledge: Knowledge) -> None:
    story = "老姚前年借俺一万，没说啥时候还，今年3月10号俺找他要，跟他说给他俩月时间，到日子还是没还"
    assert _a(knowledge, story).limitation.start == date(2026, 5, 10)
