"""The LLM phraser over real HTTP: ``make_phraser(Settings(...))`` (langchain's ``ChatOpenAI``) against an
OpenAI-compatible server on loopback (``tests/fixtures/openai_server.py``) that answers well, hallucinates,
answers slowly, trickles its answer, fails with 500, sends malformed JSON, or is not there at all."""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.llm import LlmPhraser, make_phraser
from core.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from openai_server import OpenAIServer, Reply, lead_template

CASE = "（2019）豫0811民初1234号"
ASSESSMENT: dict[str, Any] = {
    "cause": {"name": "民间借贷纠纷", "confidence": 0.93, "unsure": False, "alternatives": [], "summary": "借钱不还"},
    "facts": {"claim_amount_yuan": 50000, "other_party_name": "王某"},
    "fee": {"acceptance_fee_yuan": 1050, "halved_yuan": 525},
    "similar_cases": [
        {
            "id": "cail-1",
            "case_number": CASE,
            "court": "焦作市山阳区人民法院",
            "year": 2019,
            "outcome_label": "支持原告请求",
            "summary": "借款五万元未还",
        }
    ],
    "outcome_distribution": {"supported": 3, "partly": 1},
    "similar_note": "",
}
LEAD = (
    "【您的纠纷】初步判断属于“民间借贷纠纷”：借钱不还。\n【类似案例】和您情况相近的判决：\n"
    f"① {CASE} 焦作市山阳区人民法院 2019年：借款五万元未还（裁判结果：支持原告请求）。\n"
    "最相近的4份判决中：支持原告请求3份、部分支持1份。（案例仅供参考，每个案件以法院审理为准）"
)
PARTS = [LEAD, "【诉讼时效】按您说的情况，期限到2027年3月1日，目前未超过。", "【诉讼费】预计案件受理费约1,050元。"]
SUMMARY, SIMILAR = LEAD.split("\n", 1)
GOOD = (
    f"【您的纠纷】简单说，您遇到的是民间借贷纠纷，也就是借钱不还。和您相近的{CASE}，法院支持了原告；"
    "相近判决里有3份支持、1份部分支持。案例只供参考，以法院审理为准。"
)
TIMEOUT_S = 1.0


@pytest.fixture
def llm() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


def _phraser(server: OpenAIServer | str, timeout_s: float = TIMEOUT_S) -> LlmPhraser:
    base = server if isinstance(server, str) else server.base_url
    phraser = make_phraser(Settings(app_env="test", llm_base_url=base, llm_model="fake-model", llm_timeout_s=timeout_s))
    assert phraser is not None
    return phraser


def _timed(phraser: LlmPhraser) -> tuple[list[str], float]:
    started = time.perf_counter()
    out = phraser.phrase(ASSESSMENT, PARTS)
    return out, time.perf_counter() - started


def test_unset_means_no_phraser() -> None:
    assert make_phraser(Settings(app_env="test")) is None
    assert make_phraser(Settings(app_env="test", llm_base_url="http://127.0.0.1:9/v1")) is None  # no model named


def test_a_faithful_answer_replaces_the_summary_paragraph_only(llm: OpenAIServer) -> None:
    llm.responder = lambda body: Reply(content=GOOD)
    out, _ = _timed(_phraser(llm))
    assert out == [GOOD + "\n" + SIMILAR, *PARTS[1:]]
    [body] = llm.requests
    assert body["model"] == "fake-model" and body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system" and "不得增加任何数字" in system["content"]
    assert lead_template(body) == SUMMARY  # the template sent is the summary paragraph, nothing after it
    assert CASE in user["content"] and "王某" not in user["content"]  # the lead view: no facts, no names
    assert "五万" not in user["content"]  # no excerpt of another person's judgment
    assert "1050" not in user["content"] and "2027" not in user["content"]


def test_the_server_can_rephrase_whatever_template_it_gets(llm: OpenAIServer) -> None:
    llm.responder = lambda body: Reply(content=lead_template(body).replace("初步判断属于", "看起来属于"))
    out, _ = _timed(_phraser(llm))
    assert out[0] == LEAD.replace("初步判断属于", "看起来属于")
    assert len(llm.requests) == 1


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (GOOD + "另可参考（2021）豫0811民初999号。", "case number not retrieved"),
        (GOOD.replace(CASE, "(2021)豫0811民初1234号"), "case number not retrieved"),
        (GOOD + "对方应当还您8万元。", "amount not computed"),
        (GOOD + "对方应当还您八万块钱。", "amount not computed"),
        (GOOD + "和您一样借了五万元。", "amount not computed"),  # an excerpt's amount, the LLM was not shown it
        (GOOD + "起诉要交1050元诉讼费。", "amount not computed"),  # computed, but not part of what it was shown
        (GOOD + "请在3月1日前起诉。", "date not computed"),
        (GOOD + "依据民法典第六百七十五条。", "article not in the assessment"),
        (GOOD + "您一定能胜诉。", "promises an outcome"),
    ],
    ids=["case", "case-year", "amount", "cn-amount", "excerpt-amount", "fee", "date", "article", "promise"],
)
def test_a_hallucinating_answer_is_replaced_by_the_template(
    llm: OpenAIServer, answer: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    llm.responder = lambda body: Reply(content=answer)
    out, _ = _timed(_phraser(llm))
    assert out == PARTS
    assert len(llm.requests) == 1
    assert why in caplog.text


def test_a_slow_server_cannot_hold_the_reply(llm: OpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    llm.responder = lambda body: Reply(content=GOOD, delay_s=10)
    out, took = _timed(_phraser(llm))
    assert out == PARTS
    assert TIMEOUT_S - 0.05 <= took < TIMEOUT_S + 0.5
    assert "no LLM answer within 1.0 s" in caplog.text


def test_a_trickling_server_cannot_hold_the_reply(llm: OpenAIServer) -> None:
    """Each byte arrives well within the HTTP read timeout, so only the phraser's own deadline ends the wait."""
    llm.responder = lambda body: Reply(content=GOOD, trickle_s=0.05)
    out, took = _timed(_phraser(llm))
    assert out == PARTS
    assert took < TIMEOUT_S + 0.5


@pytest.mark.parametrize(
    "reply",
    [Reply(status=500), Reply(status=429), Reply(raw=b"{not json"), Reply(raw=b'{"choices": []}'), Reply(content="")],
    ids=["500", "429", "malformed", "no-choices", "empty"],
)
def test_a_failing_server_gives_the_template_at_once(llm: OpenAIServer, reply: Reply) -> None:
    llm.responder = lambda body: reply
    out, took = _timed(_phraser(llm))
    assert out == PARTS
    assert took < TIMEOUT_S
    assert len(llm.requests) == 1  # max_retries=0: a failing endpoint is not asked again within the reply


def test_no_server_at_all_gives_the_template() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connection refused
        out, took = _timed(_phraser(f"http://127.0.0.1:{port}/v1"))
    assert out == PARTS
    assert took < TIMEOUT_S


def test_calls_hanging_on_the_endpoint_do_not_pile_up(llm: OpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    """While four calls still hang on a trickling endpoint (each reply already sent with the template), the fifth
    reply does not wait for its deadline: the endpoint is not asked at all."""
    llm.responder = lambda body: Reply(content=GOOD, trickle_s=0.05)
    phraser = _phraser(llm, timeout_s=0.3)
    for _ in range(4):
        assert phraser.phrase(ASSESSMENT, PARTS) == PARTS
    out, took = _timed(phraser)
    assert out == PARTS and took < 0.2
    assert "LLM busy" in caplog.text
    assert len(llm.requests) == 4


def test_the_prompt_is_the_file_in_prompts(llm: OpenAIServer) -> None:
    llm.responder = lambda body: Reply(content=GOOD)
    _phraser(llm).phrase(ASSESSMENT, PARTS)
    prompts_dir = Path(__file__).resolve().parents[2] / "prompts"
    user = llm.requests[0]["messages"][1]["content"]
    head = (prompts_dir / "llm_phrase_assessment.txt").read_text("utf-8").split("$assessment_json")[0]
    assert user.startswith(head)
    view = json.loads(user.split("评估结果：\n", 1)[1].split("\n\n模板回复：", 1)[0])
    assert view["similar_cases"][0]["case_number"] == CASE
