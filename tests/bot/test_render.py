from datetime import date

import pytest

import prompts
from bot.render import MAX_PART_CHARS, render_assessment
from knowledge import Knowledge
from knowledge.assessment import Assessment, assess
from retrieval.types import CauseFilter, Hit, SearchResult, cause_names

TODAY = date(2026, 11, 24)


LOAN_CAUSE = "民间借贷纠纷"


class FakeSearcher:
    """Two hits: one of the cause asked for, read like a judgment, and one of another cause (never shown)."""

    def search(self, query: str, k: int = 5, cause: CauseFilter = None) -> SearchResult:
        hits = [
            Hit(
                id="h1",
                score=0.03,
                cause=LOAN_CAUSE,
                outcome="partly",
                summary="被告出具借条借款未还",
                case_number="(2020)豫0811民初45号",
                court="山阳区人民法院",
                year=2020,
                region="焦作市",
                doc_type="判决书",
                claims="判令被告偿还借款50000元及利息",
                decision="被告于判决生效之日起十日内偿还原告借款40000元；驳回原告其他诉讼请求",
                reason="原告提交的借条和转账记录足以证明借贷关系成立，已还的一万元应予扣除",
                laws=("《合同法》第二百零六条", "《民间借贷规定》第二十九条"),
                claimed_yuan=50000,
                granted_yuan=40000,
            ),
            Hit(id="h2", score=0.02, cause="离婚纠纷", outcome="divorce_granted", summary="夫妻感情破裂"),
        ]
        if LOAN_CAUSE not in (cause_names(cause) or {LOAN_CAUSE}):
            hits = hits[1:]
        return SearchResult(query=query, hits=hits)  # h2 ignores the filter: the assessment must drop it

    def outcome_distribution(self, query: str, n: int = 20, cause: CauseFilter = None) -> dict[str, int]:
        return {"supported": 9, "partly": 4}



def _assess(knowledge: Knowledge, text: str, searcher: FakeSearcher | None = None) -> Assessment:
    return assess(knowledge, text, None, TODAY, searcher=searcher)


STORIES = [
    "俺去年三月借给同事老王5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。现在他要卖房跑路",
    "厂里欠俺四个月工资了，俺已经离职了，厂在山阳区",
    "和老公感情破裂想离婚，他住在温县",
    "楼上漏水把俺家泡了",
    "2019年1月在山阳区被车撞了，腿骨折，做了伤残鉴定，对方全责",
    "想问问法院几点上班",
]


@pytest.mark.parametrize("story", STORIES)
def test_parts_are_short_and_complete(knowledge: Knowledge, story: str) -> None:
    parts = render_assessment(_assess(knowledge, story, FakeSearcher()))
    assert 4 <= len(parts) <= 5
    assert all(0 < len(p) <= MAX_PART_CHARS for p in parts)
    assert parts[0].startswith("【您的纠纷】")
    assert "不是起诉的前提条件" in parts[-1] and "1." in parts[-1] and "3." in parts[-1]


def test_similar_cases_cite_only_what_the_searcher_returned(knowledge: Knowledge) -> None:
    parts = render_assessment(_assess(knowledge, STORIES[0], FakeSearcher()))
    shown = parts[0]
    assert "(2020)豫0811民初45号 焦作市2020年判决书" in shown
    assert "请求判令被告偿还借款50000元及利息" in shown
    assert "结果：部分支持（请求50,000元，判给40,000元）" in shown
    assert "理由：原告提交的借条和转账记录足以证明借贷关系成立" in shown and "依据：《合同法》第二百零六条" in shown
    assert "最相近的1件同类判决中：部分支持1" in shown and "同类判决只有1件" in shown  # counted from what was found
    assert "民法典施行前" in shown  # an honest note: the judgment predates the Civil Code
    assert "夫妻感情破裂" not in shown and "h1" not in shown and "h2" not in shown  # no other cause, no raw id
    none = render_assessment(_assess(knowledge, STORIES[0], None))
    assert "民初" not in none[0] and "没有类似案例" in none[0]


def test_figures_in_the_text(knowledge: Knowledge) -> None:
    parts = render_assessment(_assess(knowledge, STORIES[0]))
    text = "\n".join(parts)
    assert "1,050元" in text and "525元" in text
    assert "2028年12月31日" in text
    assert "保全费约520元" in text  # urgency (卖房跑路) → preservation fee on 50,000
    assert "本院有管辖权" in text


def test_a_dialog_assessment_renders_its_fee(knowledge: Knowledge) -> None:
    facts = {"due_date": "2025-06-01", "evidence": ["借条"]}
    data = {"story": "朋友借了我3万一直不还", "cause": "民间借贷纠纷", "facts": facts}
    parts = render_assessment(knowledge.assess_dialog(data, TODAY))
    assert len(parts) >= 4 and "550元" in "\n".join(parts)


def test_expired_wording_never_says_barred(knowledge: Knowledge) -> None:
    text = "\n".join(render_assessment(_assess(knowledge, STORIES[4])))
    assert "可能已超过" in text and "对方提出" in text


def test_templates_exist_and_render() -> None:
    for name in (
        "assessment_cause",
        "assessment_similar",
        "assessment_limitation",
        "assessment_fee",
        "assessment_risks",
        "assessment_routes",
    ):
        assert name in prompts.names()
    out = prompts.load("assessment_fee", fee="F", small_claims="S", jurisdiction="J")
    assert out == "【诉讼费】F\n【小额诉讼】S\n【管辖】J"


# -- the assessment's newer parts, as the person reads them (fresh stories, assessed by the real knowledge) --------
def _read(knowledge: Knowledge, story: str) -> tuple[list[str], str]:
    parts = render_assessment(knowledge.assess(story, None, TODAY))
    assert all(0 < len(p) <= MAX_PART_CHARS for p in parts)
    return parts, "\n".join(parts)


def test_telecom_fraud_leads_with_the_police_and_shows_no_suit(knowledge: Knowledge) -> None:
    parts, text = _read(
        knowledge, "昨天接到自称公安局的电话，说我涉嫌洗钱，让我把12万转到安全账户，转完对方就联系不上了"
    )
    assert parts[0].startswith("【先看这里】") and "110" in parts[0]
    assert "还不能判断时效" not in text and "三年诉讼时效" in text and "会让时效重新计算" not in text
    assert "【小额诉讼】" not in text and "受理费约" not in text
    assert "1. 人民调解" not in text and "请回复数字 3。" in parts[-1]


def test_appeal_shows_its_deadline_and_days_left(knowledge: Knowledge) -> None:
    parts, text = _read(knowledge, "我和邻居打官司，一审判决书5天前收到的，判我赔他两万，我不服")
    assert parts[0].startswith("【先看这里】")
    assert "【期限】15日，从判决书送达之日起算，最后一天是2026年12月4日，还剩10天。" in parts[0]
    assert "上诉状通过原审法院" in parts[0]  # the routing's notes
    assert "还不能判断时效" not in text and "【小额诉讼】" not in text and "网上立案" not in text


def test_domestic_violence_leads_with_safety_never_with_mediation(knowledge: Knowledge) -> None:
    parts, _ = _read(knowledge, "老公喝了酒就打我，上周又把我打伤了，我想离婚，他住在山阳区")
    assert parts[0].startswith("【先看这里】") and "110" in parts[0] and "人身安全保护令" in parts[0]
    assert "110" in parts[-1] and "人民调解" not in parts[-1] and "请回复数字 2 或 3" in parts[-1]


def test_guarantor_whose_period_ran_out(knowledge: Knowledge) -> None:
    _, text = _read(
        knowledge, "2024年5月借给刘强8万，约定2025年5月1日还，他表哥张伟签字做担保人，没写担保方式，到现在没还"
    )
    assert "保证人张伟：一般保证。保证期间到2025年11月1日。" in text
    assert "已经不能再要求保证人承担保证责任" in text and "民法典第六百九十三条" in text


def test_assets_being_moved_put_preservation_first(knowledge: Knowledge) -> None:
    _, text = _read(knowledge, "借给李明6万块，他现在正在偷偷卖房子转移财产，他住山阳区")
    assert "【先申请保全】" in text and "保全费约620元" in text
    assert text.index("【先申请保全】") < text.index("【诉讼费】")
    assert "如申请财产保全" not in text  # said once, as the first step


def test_act_preservation_costs_thirty_yuan(knowledge: Knowledge) -> None:
    a = knowledge.assess("借给李明6万块，他现在正在偷偷卖房子转移财产，他住山阳区", None, TODAY)
    basis = "请求法院责令或禁止对方作出一定行为（行为保全），不涉及财产数额，每件30元（诉讼费用交纳办法第十四条）。"
    fee = a.fee.model_copy(update={"preservation_fee_yuan": 30.0, "preservation_basis": basis})
    text = "\n".join(render_assessment(a.model_copy(update={"fee": fee})))
    assert "保全费约30元（请求法院责令或禁止对方作出一定行为（行为保全）" in text


def test_a_court_elsewhere_known_only_by_its_place(knowledge: Knowledge) -> None:
    a = knowledge.assess("网上买的冰箱坏了，商家在广州市，要退货退款3000元", None, TODAY)
    j = a.jurisdiction.model_copy(update={"competent": False, "court": None, "place": "广州市"})
    text = "\n".join(render_assessment(a.model_copy(update={"jurisdiction": j})))
    assert "请向广州市有管辖权的基层人民法院起诉" in text and "None" not in text


def test_support_has_no_limitation_and_no_restart_tip(knowledge: Knowledge) -> None:
    _, text = _read(knowledge, "我和前夫离婚了，孩子跟我，他一直不给抚养费，想要抚养费，他住山阳区")
    assert "这类请求目前没有诉讼时效问题" in text
    assert "还不能判断时效" not in text and "会让时效重新计算" not in text


def test_a_deadline_range_that_straddles_today(knowledge: Knowledge) -> None:
    a = knowledge.assess("借给李明6万块，他住山阳区", None, TODAY)
    rng = {"from": date(2026, 11, 1), "to": date(2026, 11, 30)}
    lim = a.limitation.model_validate({**a.limitation.model_dump(), "status": "unknown", "deadline_range": rng})
    text = "\n".join(render_assessment(a.model_copy(update={"limitation": lim})))
    assert "期限届满日在2026年11月1日到2026年11月30日之间" in text and "需要知道关键日期" not in text
