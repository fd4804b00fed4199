"""The LLM guard, fed by langchain's fake chat models: good answers pass, hallucinations fall back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.llm import LlmPhraser, guard, lead_view

ASSESSMENT: dict[str, Any] = {
    "cause": {"name": "民间借贷纠纷", "confidence": 0.93, "alternatives": []},
    "facts": {"claim_amount_yuan": 50000},
    "fee": {"acceptance_fee_yuan": 1050, "halved_yuan": 525, "basis": "诉讼费用交纳办法第十三条"},
    "limitation": {"status": "in_time", "deadline": "2027-03-01", "basis": "民法典第一百八十八条"},
    "similar_cases": [
        {
            "id": "cail-1",
            "case_number": "（2019）豫0811民初1234号",
            "score": 0.03,
            "cause": "民间借贷纠纷",
            "outcome": "supported",
            "summary": "借款五万元未还",
        }
    ],
}
TEMPLATE = (
    "类似案件：（2019）豫0811民初1234号，法院支持了原告。\n\n诉讼费约 1050 元，简易程序减半为 525 元。"
    "\n\n时效：按民法典第一百八十八条，截止到 2027-03-01。\n\n调解完全自愿、不收费，不是立案的前置条件。"
)


def test_faithful_rephrasing_passes() -> None:
    good = (
        "和您情况相近的（2019）豫0811民初1234号案件，法院支持了原告。\n\n"
        "起诉要先交诉讼费约1050元，走简易程序的话减半，是525元。\n\n"
        "按照民法典第一百八十八条，最晚在2027年3月1日前起诉。\n\n调解自愿免费，不是立案的前置条件。"
    )
    assert guard(good, ASSESSMENT, TEMPLATE).ok


def test_invented_case_number_is_refused() -> None:
    bad = TEMPLATE.replace("（2019）豫0811民初1234号", "（2021）豫0811民初999号")
    result = guard(bad, ASSESSMENT, TEMPLATE)
    assert not result.ok
    assert any("case number" in v for v in result.violations)


def test_invented_amount_date_and_article_are_refused() -> None:
    for bad, word in [
        (TEMPLATE + "\n\n另需交保全费 800 元。", "amount"),
        (TEMPLATE.replace("2027-03-01", "2028-03-01"), "date"),
        (TEMPLATE + "\n\n依据民法典第一百九十六条。", "article"),
        (TEMPLATE.replace("5万", "5万") + "\n\n您最多能要回 8万元。", "amount"),
    ]:
        result = guard(bad, ASSESSMENT, TEMPLATE)
        assert not result.ok, bad
        assert any(word in v for v in result.violations)


def test_dropping_the_mediation_sentence_is_refused() -> None:
    result = guard(TEMPLATE.replace("不是立案的前置条件", "建议先调解"), ASSESSMENT, TEMPLATE)
    assert not result.ok


LEAD = (
    "【您的纠纷】初步判断属于“民间借贷纠纷”：借钱不还。\n"
    "【类似案例】① （2019）豫0811民初1234号：借款五万元未还（裁判结果：支持原告请求）。"
)
PARTS = [LEAD, *TEMPLATE.split("\n\n")[1:]]


SUMMARY = "【您的纠纷】初步判断属于“民间借贷纠纷”：借钱不还。"


def test_phraser_rewords_the_summary_paragraph_only_and_only_when_the_guard_passes() -> None:
    good = "【您的纠纷】您这是民间借贷纠纷，也就是借钱不还。相近的（2019）豫0811民初1234号案件，法院支持了原告。"
    out = LlmPhraser(FakeListChatModel(responses=[good])).phrase(ASSESSMENT, PARTS)
    assert out == [good + LEAD.removeprefix(SUMMARY), *PARTS[1:]]  # the similar-case list and the rest: verbatim
    hallucinating = good + "参考（2020）京0105民初1号，对方肯定要赔您10万元。"
    assert LlmPhraser(FakeListChatModel(responses=[hallucinating])).phrase(ASSESSMENT, PARTS) == PARTS
    assert LlmPhraser(FakeListChatModel(responses=[""])).phrase(ASSESSMENT, PARTS) == PARTS
    # the LLM is shown no fee and no judgment excerpt: their amounts are figures it may not use
    for extra in ("诉讼费1050元。", "和那个借款五万元的案件一样。"):
        assert LlmPhraser(FakeListChatModel(responses=[good + extra])).phrase(ASSESSMENT, PARTS) == PARTS
    assert LlmPhraser(FakeListChatModel(responses=["好" * 301])).phrase(ASSESSMENT, PARTS) == PARTS
    # a first part that is not the rendered assessment: nothing is asked, nothing re-worded
    assert LlmPhraser(FakeListChatModel(responses=[good])).phrase(ASSESSMENT, PARTS[1:]) == PARTS[1:]


def test_phraser_falls_back_when_the_model_fails() -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise TimeoutError("endpoint timed out")

    assert LlmPhraser(Broken(responses=["x"])).phrase(ASSESSMENT, PARTS) == PARTS


def test_the_llm_sees_the_lead_view_only() -> None:
    view = lead_view(ASSESSMENT)
    assert set(view) == {"cause", "similar_cases", "outcome_distribution", "similar_note"}
    assert view["similar_cases"][0] == {"case_number": "（2019）豫0811民初1234号"}  # no excerpt, no score, no id
    assert "fee" not in json.dumps(view) and "facts" not in view


@pytest.mark.parametrize(
    ("answer", "word"),
    [
        (LEAD + "借款5万元。", None),  # the summary's 五万元, in digits
        (LEAD.replace("（2019）", "(2019)"), None),  # half-width brackets, same case
        (LEAD.replace("（2019）", "〔２０１９〕"), None),  # full-width digits, old-style brackets
        (LEAD + "对方要还您八万元。", "amount"),  # a Chinese-numeral amount
        (LEAD + "对方要还您八万块。", "amount"),
        (LEAD + "对方要还您 80000 元。", "amount"),
        (LEAD + "最晚3月1日前起诉。", "date"),  # a date without its year
        (LEAD + "最晚二〇二八年三月一日前起诉。", "date"),
        (LEAD + "2028年5月前要起诉。", "date"),
        (LEAD.replace("（2019）", "(2021)"), "case number"),
        (LEAD.replace("（2019）", "〔2021〕"), "case number"),
        (LEAD + "还可以参考豫0811民初999号。", "case number"),  # without its bracketed year
        (LEAD.replace("（2019）豫0811民初1234号", "一个相近的案件"), "dropped the case number"),
        (LEAD + "依据民法典第一百九十六条。", "article"),
        (LEAD + "胜诉率大约80%。", "number"),
        (LEAD + "胜诉率有百分之八十。", "number"),
        (LEAD + "您一定能胜诉。", "promises"),
        (LEAD + "您不一定能赢，要看证据。", None),
    ],
)
def test_guard_reads_figures_written_every_way(answer: str, word: str | None) -> None:
    result = guard(answer, lead_view(ASSESSMENT), LEAD)
    if word is None:
        assert result.ok, result.violations
    else:
        assert not result.ok
        assert any(word in v for v in result.violations), result.violations
