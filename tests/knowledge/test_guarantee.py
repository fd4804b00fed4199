"""Guarantors: kind by the words (民法典第六百八十六至六百八十八条), the period (第六百九十二条), and whether the claim
against the guarantor is still open (第六百九十三条). Fresh stories; today is 2026-12-07."""

from datetime import date

import pytest

from knowledge.guarantee import GuaranteeResult, add_months, assess_guarantee, load_guarantee_rules

TODAY = date(2026, 12, 7)
RULES = load_guarantee_rules()


def _g(story: str, today: date = TODAY) -> GuaranteeResult:
    result = assess_guarantee(story, today, RULES)
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("story", "kind"),
    [
        ("借条下面赵亮写了“本人愿意承担连带还款责任”", "连带责任保证"),
        ("担保人孙丽签字，写的是借款人还不上时由担保人还", "一般保证"),  # the debtor first: 第六百八十七条
        ("他舅舅何军在借条上签了个担保人", "一般保证"),  # nothing agreed: 第六百八十六条第二款
        ("老乡做保人，啥也没写，就签了个名", "一般保证"),
    ],
)
def test_kind_by_the_words(story: str, kind: str) -> None:
    assert _g(story).kind == kind


def test_joint_guarantee_period_agreed_and_lapsed() -> None:
    g = _g("借给老陈20万，2026年2月28日到期，借条上张伟签字写明承担连带保证责任，保证期间为到期后六个月。没找过张伟")
    assert (g.kind, g.guarantor, g.due_date) == ("连带责任保证", "张伟", date(2026, 2, 28))
    assert g.period_end == date(2026, 8, 28)
    assert g.claim_open is False and "第六百九十三条" in g.claim_basis


def test_general_guarantee_kept_by_suing_the_debtor_in_time() -> None:
    g = _g("借款2026年4月30号到期，担保人孙丽，借条写借款人还不上由担保人还。我8月份已经起诉借款人了，判了还没执行")
    assert g.kind == "一般保证" and g.period_end == date(2026, 10, 30)
    assert g.claim_open is True


def test_general_guarantee_phoning_the_guarantor_does_not_keep_it() -> None:
    g = _g("借款2026年3月31号到期，孙丽签的担保人，别的没写。四月份我打电话让孙丽还，她不理")
    assert g.period_end == date(2026, 9, 30)
    assert g.claim_open is False  # only a suit or arbitration against the debtor within the period counts


def test_joint_guarantee_kept_by_a_demand_in_time() -> None:
    g = _g("8万块2026年5月20号到期，担保人钱峰写的承担连带责任。6月10号我发微信让钱峰还钱，有聊天记录")
    assert g.period_end == date(2026, 11, 20)
    assert g.claim_open is True and "主张" in g.claim_basis


def test_a_demand_after_the_period_is_too_late() -> None:
    g = _g("2026年1月15号到期，保证人吴刚签的连带责任保证。11月2号我才去找吴刚要钱")
    assert g.period_end == date(2026, 7, 15) and g.claim_open is False


def test_six_months_from_a_month_end_ends_on_the_month_end() -> None:  # 民法典第二百零二条
    g = _g("借款2026年8月31日到期，担保人马丽签字", today=date(2026, 9, 1))
    assert g.period_end == date(2027, 2, 28) and g.claim_open is True
    assert add_months(date(2028, 8, 31), 6) == date(2029, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_an_agreed_end_after_the_due_date_is_kept() -> None:
    g = _g("借款2026年9月1日到期，担保人陈刚，保证期间至2027年3月1日止")
    assert g.period_end == date(2027, 3, 1) and "约定" in g.period_basis


def test_an_agreed_end_before_the_due_date_counts_as_none() -> None:
    g = _g("借条写2026年10月8号还，担保人李红，担保到2026年9月30日止")
    assert g.period_end == date(2027, 4, 8) and "视为没有约定" in g.period_basis
    assert g.claim_open is True


def test_a_period_until_repaid_is_unclear_so_six_months() -> None:
    g = _g("2026年3月1日到期，保证人王刚承担连带责任，保证到借款人还清为止")
    assert g.period_end == date(2026, 9, 1) and "约定不明确" in g.period_basis


def test_a_new_due_date_without_the_guarantors_consent_does_not_move_the_period() -> None:
    g = _g("2026年2月10号到期，保证人刘强签的连带保证。到期后借款人求我，我们说好推迟到7月10号还，没跟刘强说")
    assert g.due_date == date(2026, 2, 10) and g.period_end == date(2026, 8, 10)
    assert any("第六百九十五条" in n for n in g.notes)


def test_no_due_date_the_period_has_not_started() -> None:
    g = _g("借给同村的5万，没约定啥时候还，他堂哥签了担保人")
    assert g.period_end is None and g.claim_open is True and "宽限期" in g.period_basis


def test_a_wish_is_not_an_act() -> None:
    g = _g("2025年6月30号到期，担保人高远写的连带责任保证，我一直找借款人要，现在想告高远")
    assert g.period_end == date(2025, 12, 30) and g.claim_open is False


def test_the_person_may_be_the_guarantor() -> None:
    g = _g("2026年2月1日到期的借款，我给朋友做了担保，是连带责任保证，出借人到现在也没找过我")
    assert g.claim_open is False and any("您是保证人" in n for n in g.notes)


@pytest.mark.parametrize(
    "story",
    [
        "借给朋友5万一直没还",
        "申请财产保全要提供担保吗",  # a security for preservation is not a guarantor
        "他说保证下个月还",  # a promise, not a guarantee
    ],
)
def test_no_guarantor(story: str) -> None:
    assert assess_guarantee(story, TODAY, RULES) is None
