"""The LLM guard, fed by langchain's fake chat models: good answers pass, hallucinations fall back."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.llm import LlmPhraser, guard

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


def test_phraser_sends_llm_text_only_when_guard_passes() -> None:
    parts = TEMPLATE.split("\n\n")
    good = TEMPLATE.replace("法院支持了原告", "原告赢了")
    assert LlmPhraser(FakeListChatModel(responses=[good])).phrase(ASSESSMENT, parts)[0].endswith("原告赢了。")
    hallucinating = TEMPLATE + "\n\n参考（2020）京0105民初1号，对方肯定要赔您10万元。"
    assert LlmPhraser(FakeListChatModel(responses=[hallucinating])).phrase(ASSESSMENT, parts) == parts
    assert LlmPhraser(FakeListChatModel(responses=[""])).phrase(ASSESSMENT, parts) == parts


def test_phraser_falls_back_when_the_model_fails() -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise TimeoutError("endpoint timed out")

    parts = TEMPLATE.split("\n\n")
    assert LlmPhraser(Broken(responses=["x"])).phrase(ASSESSMENT, parts) == parts
