"""Studied class 'the procedure that follows, told in lay words' (table e, round 6).

- a first-instance judgment told as "一审叫俺赔" and "往上告" is an appeal (民事诉讼法第一百七十一条);
- a ruling told as "下了个驳回起诉的裁定" is appealed in 10 days;
- a court's mediation document signed under pressure is reopened by retrial within six months of taking effect
  (民事诉讼法第二百一十二条; 民诉解释第三百八十二条);
- a payment order is not for a debtor abroad (民诉解释第四百二十七条第一款第（四）项);
- any bureau's penalty is an administrative act (行政复议法第十一条、第二十条);
- a pensioner's work and a case the labour arbitration commission refused go straight to court
  (劳动争议解释（一）第三十二条; 劳动争议调解仲裁法第二十九条);
- a child beaten at home is domestic violence a grandparent may seek a protection order for
  (反家庭暴力法第二条、第二十三条第二款).

Fresh stories, none from the table."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess

TODAY = date(2026, 12, 7)  # a Monday


def _a(knowledge: Knowledge, story: str) -> Assessment:
    return assess(knowledge, story, None, TODAY, searcher=None)


@pytest.mark.parametrize(
    ("story", "last_day"),
    [
        ("解放区法院一审叫俺还人家货款四万二，这判法俺不认，判决书是12月2号寄到俺家的，俺想往上告", date(2026, 12, 17)),
        ("修武县法院一审判俺赔人家医药费，俺咽不下这口气，判决是上周五送到俺手里的，能往上找不", date(2026, 12, 19)),
    ],
)
def test_a_judgment_told_in_lay_words_is_appealed(knowledge: Knowledge, story: str, last_day: date) -> None:
    r = _a(knowledge, story).routing
    assert r.route == "appeal" and r.deadline_days == 15
    assert r.deadline == last_day


def test_a_ruling_told_in_lay_words_is_appealed_in_ten_days(knowledge: Knowledge) -> None:
    story = "博爱县法院说俺告错人了，下了个驳回起诉的裁定，昨天送到俺家，俺觉得是法院搞错了，还能往上找不"
    r = _a(knowledge, story).routing
    assert r.route == "appeal" and r.deadline_days == 10 and r.deadline_from == "裁定书送达之日"


def test_a_mediation_document_signed_under_pressure_is_a_retrial(knowledge: Knowledge) -> None:
    story = "在中站区法院签的那份调解书，当时他们家来了一帮人围着俺，俺是被逼着签的，调解书上个月就生效了，还能翻过来不"
    r = _a(knowledge, story).routing
    assert r.route == "retrial"
    assert "二百一十二" in (r.basis or "") and "调解书发生法律效力" in (r.deadline_from or "")


@pytest.mark.parametrize("where", ["去日本打工了", "跟着劳务队出国了，在国外干活", "跑到柬埔寨去了"])
def test_no_payment_order_against_a_debtor_abroad(knowledge: Knowledge, where: str) -> None:
    story = f"老乡借俺两万块打了欠条，说好今年三月还，到期没还，他现在{where}，俺想申请支付令"
    r = _a(knowledge, story).routing
    assert r.route == "civil_suit" and "四百二十七" in (r.basis or "")


def test_a_debtor_at_home_can_still_get_a_payment_order(knowledge: Knowledge) -> None:
    story = "老乡借俺两万块打了欠条，说好今年三月还，到期没还，他人就在村里，也不说不欠，俺想申请支付令"
    assert _a(knowledge, story).routing.route == "payment_order"


@pytest.mark.parametrize(
    "story",
    [
        "俺拉沙子的货车叫路政的人查了，说超载罚了俺五千，决定书上礼拜给的，俺不服想告他们",
        "俺在景区门口摆摊卖水，文旅局的执法人员说俺无证经营罚了两千，俺觉得冤",
    ],
)
def test_any_bureaus_penalty_is_administrative(knowledge: Knowledge, story: str) -> None:
    r = _a(knowledge, story).routing
    assert r.route == "admin_reconsideration_or_suit" and r.deadline_days == 60


@pytest.mark.parametrize(
    "story",
    [
        "俺都退休三年了，拿着退休金，今年叫一个小区物业请去当保洁，说好一月一千八，干了五个月最后俩月没给钱",
        "老伴领着养老金，厂里返聘他回去看仓库，最后半年的钱拖着不给，得先去劳动仲裁吗",
    ],
)
def test_a_pensioners_pay_is_a_civil_suit(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.routing.route == "civil_suit" and "第三十二条" in (a.routing.basis or "")
    assert a.jurisdiction.arbitration_first is False


def test_a_case_the_arbitration_commission_refused_goes_to_court(knowledge: Knowledge) -> None:
    story = "俺给一个包工头干活摔伤了腰，去劳动仲裁要赔偿，仲裁委说俺跟他不是劳动关系，给了个不予受理通知书，这咋办"
    a = _a(knowledge, story)
    assert a.routing.route == "civil_suit" and "第二十九条" in (a.routing.basis or "")


def test_a_worker_still_goes_to_arbitration_first(knowledge: Knowledge) -> None:
    a = _a(knowledge, "俺在厂里上了三年班，上个月厂里把俺辞退了，经济补偿一分没给")
    assert a.routing.route == "labour_arbitration_first"


@pytest.mark.parametrize(
    "story",
    [
        "俺闺女离婚后孩子跟着她前夫，前夫喝了酒就拿擀面杖打孩子，孩子身上全是伤，俺当姥姥的能申请法院不让他再打孩子不",
        "儿子天天打孙女，拿鞋底抽，孩子青一块紫一块的，俺想让法院管管，不让他再打",
    ],
)
def test_a_child_beaten_at_home_is_domestic_violence(knowledge: Knowledge, story: str) -> None:
    a = _a(knowledge, story)
    assert a.routing.route == "protection_order"
    assert a.mediation.suitable is False
    assert not any("适宜调解" in r for r in a.mediation.reasons)


@pytest.mark.parametrize(
    ("reply", "want"),
    [
        ("那您给安排个日子，俺随时都有空", "yes"),
        ("定个时间吧，礼拜几都行", "yes"),
        ("甭费劲调了，居委会都给说和过了，他不认账", "no"),
        ("社区已经给调过一回了，没用，俺要起诉", "no"),
        ("想找村里调委会给说和说和", "yes"),
    ],
)
def test_replies_to_the_mediation_question(knowledge: Knowledge, reply: str, want: str) -> None:
    assert knowledge.read_consent(reply) == want


@pytest.mark.parametrize(
    ("reply", "want"),
    [
        ("没什么不同意的，都是一个村的", "yes"),
        ("那就麻烦恁给安排一下，俺都听恁的", "yes"),
        ("调啥解啊，他就是赖账", "no"),
        ("俺不想跟他见面，免谈", "no"),
    ],
)
def test_more_replies_to_the_mediation_question(knowledge: Knowledge, reply: str, want: str) -> None:
    assert knowledge.read_consent(reply) == want


# table f studied (round 7): fresh stories for each class


def test_a_hit_and_run_goes_to_the_traffic_police_first(knowledge: Knowledge) -> None:
    story = "昨天傍晚俺在路边走，叫一辆面包车刮倒了，腿上缝了八针，那车一溜烟开走了，车牌号也没看清"
    r = _a(knowledge, story).routing
    assert r.route == "police" and r.civil_claim_also is True


def test_a_threat_to_spread_a_video_is_for_the_police(knowledge: Knowledge) -> None:
    story = "网上认识个人，跟俺视频的时候偷偷录下来了，现在说不给他打三万就把录像发到俺家族群里，也不知道他到底是谁"
    assert _a(knowledge, story).routing.route == "police"


def test_withdrawn_social_assistance_is_administrative(knowledge: Knowledge) -> None:
    story = "俺是五保户，上个月镇政府说俺侄子能养俺，把俺的五保给停了，俺不服，想讨个说法"
    r = _a(knowledge, story).routing
    assert r.route == "admin_reconsideration_or_suit" and r.deadline_days == 60


def test_restitution_ordered_in_a_criminal_judgment_is_enforced(knowledge: Knowledge) -> None:
    story = "那个骗子前年被法院判了刑，判决书上写着让他退赔俺四万二，这都两年了俺一分钱都没拿到"
    assert _a(knowledge, story).routing.route == "enforcement"


def test_a_judgment_upheld_on_appeal_is_enforced_by_the_first_court(knowledge: Knowledge) -> None:
    story = "山阳区法院一审判他还俺六万，他不服上诉，中院十月份驳回上诉维持原判了，他还是不给钱，俺去哪申请执行"
    a = _a(knowledge, story)
    assert a.routing.route == "enforcement" and a.jurisdiction.competent is True


def test_a_payment_order_needs_a_settled_sum(knowledge: Knowledge) -> None:
    story = "俺跟他合伙开了三年饭店，散伙时账没算清，估计他还欠俺五六万，能不能给他下个支付令"
    assert _a(knowledge, story).routing.route == "civil_suit"


def test_a_judgment_served_by_notice_that_missed_a_repayment_is_a_retrial(knowledge: Knowledge) -> None:
    story = (
        "俺在外地打工，回来才知道解放区法院前年判俺还老孔三万，说是公告送达的，俺根本不知道这个官司，"
        "判决早就生效了，可这钱俺早就还清了，有银行转账记录"
    )
    a = _a(knowledge, story)
    assert a.routing.route == "retrial"
    # two citizens: the first court too, or the one above (民诉法210)
    assert a.jurisdiction.court == "河南省焦作市解放区人民法院" and "中级人民法院" in a.jurisdiction.basis
