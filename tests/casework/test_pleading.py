"""The complaint's words (casework.pleading): sums in figures and capitals, the articles it cites, the agreed rate,
and claims and facts composed from a real assessment — never from the person's chat text."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from casework.pleading import (
    AgreedRate,
    addressee,
    cn_ordinal,
    compose,
    read_rate,
    wants_interest,
    words,
    yuan_in_figures,
    yuan_in_words,
)
from core.settings import REPO_ROOT
from knowledge import Knowledge
from knowledge.causes import load_causes, load_evidence_vocabulary

ARTICLES = REPO_ROOT.parent / "shared" / "data" / "laws" / "articles.jsonl"
TODAY = date(2026, 11, 24)
THIS_COURT = "河南省焦作市山阳区人民法院"


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("50000", "伍万元整"),
        ("10500", "壹万零伍佰元整"),
        ("100000", "壹拾万元整"),
        ("101000", "壹拾万壹仟元整"),
        ("1010", "壹仟零壹拾元整"),
        ("20001", "贰万零壹元整"),
        ("1000000", "壹佰万元整"),
        ("200000008", "贰亿零捌元整"),
        ("1234.5", "壹仟贰佰叁拾肆元伍角"),
        ("3.05", "叁元零伍分"),
        ("0.35", "叁角伍分"),
        ("40000.07", "肆万元零柒分"),
    ],
)
def test_sums_in_capitals_as_courts_and_banks_write_them(amount: str, capitals: str) -> None:
    assert yuan_in_words(Decimal(amount)) == capitals


def test_sums_in_figures_group_thousands_and_show_cents_only_when_there_are_any() -> None:
    assert yuan_in_figures(Decimal(50000)) == "50,000元"
    assert yuan_in_figures(Decimal("1234.5")) == "1,234.50元"


@pytest.mark.parametrize(("n", "text"), [(15, "十五"), (28, "二十八"), (667, "六百六十七"), (1079, "一千零七十九"),
                                         (1208, "一千二百零八"), (110, "一百一十")])
def test_article_numbers_as_statutes_write_them(n: int, text: str) -> None:
    assert cn_ordinal(n) == text


def test_every_article_the_complaint_cites_exists_in_the_statutes() -> None:
    if not ARTICLES.is_file():
        pytest.skip(f"{ARTICLES} is not here")
    known = set()
    for line in ARTICLES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        known.add((row["law"], int(row["article"])))
    data = words()
    cited = {a for cause in data.causes.values() for a in (*cause.articles, *cause.interest_articles)}
    assert cited and cited <= known, sorted(cited - known)


def test_every_cause_and_every_piece_of_evidence_the_bot_knows_has_its_words() -> None:
    """A cause the bot recognises gets its own sentences, and asks for a sum of money whenever the cause table says
    it is a money claim (wages are asked as a sum too, though their fee and procedure differ); every evidence word
    the extractor writes has the name a court lists it by."""
    data = words()
    for name, spec in load_causes().causes.items():
        if name == "其他":
            continue
        assert name in data.causes, name
        assert bool(data.causes[name].pay) or not spec.money_claim, name
    vocabulary = load_evidence_vocabulary().items
    assert set(vocabulary) == set(data.evidence)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("约定月息1分，年底还", AgreedRate(monthly=Decimal(1))),
        ("说好2分利", AgreedRate(monthly=Decimal(2))),
        ("月利率1.5%", AgreedRate(monthly=Decimal("1.5"))),
        ("月息八厘", AgreedRate(monthly=Decimal("0.8"))),
        ("年利率6%，一年后还", AgreedRate(annual=Decimal(6))),
        ("没约定利息", None),
        ("借了5万，说好年底还", None),
        ("2024年3月1分钱没还", None),
    ],
)
def test_the_agreed_rate_is_read_from_the_persons_words(text: str, rate: AgreedRate | None) -> None:
    assert read_rate(text) == rate


def test_interest_is_claimed_only_when_the_person_asks_for_it() -> None:
    assert wants_interest("归还借款5万元及利息，承担诉讼费")
    assert not wants_interest("只要本金，利息不要了")
    assert not wants_interest("归还借款5万元")


def _assessed(knowledge: Knowledge, story: str, cause: str) -> dict[str, object]:
    return knowledge.assess_dialog({"story": story, "cause": cause, "facts": {}}, TODAY).model_dump(mode="json")


LOAN = (
    "2023年5月10日俺借给张三8万元，约定月息1分，2024年5月10日前还清。2024年6月他还了2万，"
    "2025年1月俺微信催他，他说没钱，到现在还欠6万。有借条和转账记录"
)


def test_a_loan_partly_repaid_reads_as_a_complaint(knowledge: Knowledge) -> None:
    a = _assessed(knowledge, LOAN, "民间借贷纠纷")
    p = compose(cause="民间借贷纠纷", facts=a["facts"], assessment=a, claims_text="还钱和利息", story=LOAN,  # type: ignore[arg-type]
                defendants=["张三"])
    assert p.claims == [
        "判令被告张三归还原告借款本金人民币60,000元（大写：陆万元整）。",
        "判令被告张三以60,000元为基数，自2023年5月10日起按照月利率1%（年利率12%）向原告支付利息至实际清偿之日止。",
        "本案诉讼费用由被告承担。",
    ]
    facts = p.facts_and_reasons
    # who, when, what was agreed, paid out, repaid, demanded, owed — in the order it happened
    order = ["2023年5月10日，被告张三向原告借款", "约定于2024年5月10日前归还", "约定月利率1%",
             "原告已通过转账方式将借款交付被告", "2024年6月（待补充：具体日期），被告归还了部分款项",
             "2025年1月（待补充：具体日期），原告向被告催要", "尚欠原告借款本金人民币60,000元（大写：陆万元整）",
             "《中华人民共和国民法典》第六百六十七条、第六百七十五条、第六百七十六条",
             "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第二十五条、第二十八条"]
    at = [facts.index(piece) for piece in order]
    assert at == sorted(at), facts
    # the sum lent is not the sum owed after a repayment: it is asked for, not made up
    assert "借款人民币（待补充：借款的金额）元" in facts
    for chat in ("俺", "微信催他", "他说没钱", "还钱和利息"):
        assert chat not in facts and all(chat not in c for c in p.claims)
    assert [e.name for e in p.evidence] == ["借条", "银行转账凭证或微信、支付宝转账记录"]
    assert any("四倍" in n for n in p.notes) and any("分段计算" in n for n in p.notes)


def test_interest_at_the_lpr_runs_from_the_day_after_the_due_date(knowledge: Knowledge) -> None:
    story = "2024年1月5日借给李明3万元，说好2024年12月31日还，有借条，到期不还，也没说利息"
    a = _assessed(knowledge, story, "民间借贷纠纷")
    p = compose(cause="民间借贷纠纷", facts=a["facts"], assessment=a, claims_text="要他还3万和利息", story=story,  # type: ignore[arg-type]
                defendants=["李明"])
    assert "自2025年1月1日起按照同期全国银行间同业拆借中心公布的一年期贷款市场报价利率（LPR）" in p.claims[1]
    assert p.claims[1].endswith("支付逾期利息至实际清偿之日止。")
    assert p.notes == []


def test_several_defendants_and_a_sum_never_told_get_placeholders(knowledge: Knowledge) -> None:
    story = "邻居两口子去年找我借钱一直没还，我催了好多次"
    a = _assessed(knowledge, story, "民间借贷纠纷")
    facts = {k: v for k, v in a["facts"].items() if k != "claim_amount_yuan"}  # type: ignore[union-attr]
    p = compose(cause="民间借贷纠纷", facts=facts, assessment=a, claims_text="还钱", story=story,  # type: ignore[arg-type]
                defendants=["王五", "赵六"])
    assert p.claims[0] == "判令被告王五、被告赵六归还原告借款本金（待补充：金额）元。"
    assert "各被告分别应当承担的责任" in p.claims[1]
    assert "（待补充：尚欠的金额）" in p.facts_and_reasons and "邻居" not in p.facts_and_reasons


def test_a_claim_that_is_no_sum_keeps_the_persons_request_as_a_claim(knowledge: Knowledge) -> None:
    story = "2015年结婚，老婆天天打麻将不顾家，孩子8岁，我想离婚"
    a = _assessed(knowledge, story, "离婚纠纷")
    p = compose(cause="离婚纠纷", facts=a["facts"], assessment=a, claims_text="我要离婚，孩子归我", story=story,  # type: ignore[arg-type]
                defendants=["王芳"])
    assert p.claims == ["判令原告与被告离婚。", "判令孩子归原告。", "本案诉讼费用由被告承担。"]
    assert "《中华人民共和国民法典》第一千零七十九条" in p.facts_and_reasons and "打麻将" not in p.facts_and_reasons


def test_the_complaint_is_addressed_to_the_court_the_assessment_found_competent(knowledge: Knowledge) -> None:
    here = _assessed(knowledge, LOAN + "。俺住山阳区", "民间借贷纠纷")
    assert addressee(here, THIS_COURT).court == THIS_COURT and not addressee(here, THIS_COURT).elsewhere
    story = "我家在解放区的房子租给了张三，他欠了一年房租12000块不给，有租赁合同"
    lease = _assessed(knowledge, story, "房屋租赁合同纠纷")
    to = addressee(lease, THIS_COURT)
    assert to.elsewhere and to.court == "河南省焦作市解放区人民法院"
