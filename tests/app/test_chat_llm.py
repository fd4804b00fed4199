"""The optional LLM end to end: the project's own app (``server.create_app``: real knowledge tables, SQLite, a
tiny judgment corpus ingested at start with the fake embedder) with ``LLM_BASE_URL`` pointing at an
OpenAI-compatible server on loopback, driven through ``POST /api/chat`` from the story to the assessment.

The assessment's lead part carries the LLM's phrasing when it is faithful; a hallucinated case number or amount,
a slow or failing server give the template text — byte for byte the reply of the same app without an LLM.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from server import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from openai_server import OpenAIServer, Reply, lead_template, user_prompt

STORY = "2024年3月借给朋友五万元，写了借条，约定半年还，到期一直不还，打电话也不接"
CASES = ["（2019）豫0811民初1234号", "（2020）豫0811民初2345号", "（2021）豫0811民初3456号"]
FACTS = "原告与被告系朋友关系。被告向原告借款{n}元，出具借条一份，约定到期归还，到期后经原告多次催要被告未还。"
TIMEOUT_S = 1.5
PLAIN = "说得简单些，您这是"


def _corpus(path: Path) -> Path:
    lines = [
        {
            "id": f"t-{i}",
            "text": FACTS.format(n=n)
            + "本院认为，合法的借贷关系受法律保护。判决如下：被告于判决生效之日起十日内归还原告借款。",
            "cause": "民间借贷纠纷",
            "outcome": "supported",
            "case_number": case,
            "court": "焦作市山阳区人民法院",
            "year": int(case[1:5]),
        }
        for i, (case, n) in enumerate(zip(CASES, (50000, 30000, 80000), strict=True))
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    return path


def _app(tmp: Path, corpus: Path, **llm: Any) -> TestClient:
    settings = Settings(
        app_env="test",
        database_url=f"sqlite:///{tmp / 'bot.sqlite3'}",
        chroma_path=tmp / "chroma",
        bm25_path=tmp / "bm25",
        embedding_model="fake",
        auto_ingest=True,
        corpus_path=corpus,
        **llm,
    )
    return TestClient(create_app(settings))


def _wait_for_index(client: TestClient) -> None:
    deadline = time.monotonic() + 60
    while not client.get("/healthz").json()["similar_cases"]:
        assert time.monotonic() < deadline, "the judgment index never became ready"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def llm() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory, llm: OpenAIServer) -> Iterator[tuple[TestClient, TestClient]]:
    """(the app with the LLM, the same app without it)."""
    tmp = tmp_path_factory.mktemp("llm")
    corpus = _corpus(tmp / "corpus.jsonl")
    (tmp / "with").mkdir()
    (tmp / "without").mkdir()
    with (
        _app(tmp / "with", corpus, llm_base_url=llm.base_url, llm_model="fake-model", llm_timeout_s=TIMEOUT_S) as on,
        _app(tmp / "without", corpus) as off,
    ):
        _wait_for_index(on)
        _wait_for_index(off)
        yield on, off


def _assessment(client: TestClient) -> list[str]:
    """One whole conversation (a fresh chat id) up to the assessment; returns its parts."""
    client.cookies.clear()

    def say(text: str) -> list[str]:
        out = client.post("/api/chat", json={"text": text, "message_id": uuid.uuid4().hex})
        assert out.status_code == 200, out.text
        parts: list[str] = out.json()["parts"]
        return parts

    parts = say(STORY)
    assert "民间借贷纠纷" in "".join(parts), parts
    parts = say("是")
    for _ in range(6):
        if any("请回复数字 1、2 或 3" in p for p in parts):
            return parts
        parts = say("不知道")
    raise AssertionError(f"no assessment after six answers: {parts}")


def _lead(parts: list[str]) -> tuple[int, str]:
    for i, part in enumerate(parts):
        if part.startswith("【您的纠纷】"):
            return i, part
    raise AssertionError(f"no lead part in {parts}")


def _first_case(body: dict[str, Any]) -> str:
    """The first similar judgment's case number in the JSON the bot showed the LLM."""
    view = json.loads(user_prompt(body).split("评估结果：\n", 1)[1].split("\n\n模板回复：", 1)[0])
    case: str = view["similar_cases"][0]["case_number"]
    return case


def _faithful(body: dict[str, Any]) -> Reply:
    summary = lead_template(body)
    return Reply(content=summary.replace("初步判断属于", PLAIN) + f"最相近的{_first_case(body)}，法院支持了原告。")


def _respond(llm: OpenAIServer, make: Callable[[dict[str, Any]], Reply]) -> None:
    llm.requests.clear()
    llm.responder = make


def test_the_chat_assessment_carries_the_llm_phrasing(apps: tuple[TestClient, TestClient], llm: OpenAIServer) -> None:
    on, off = apps
    _respond(llm, _faithful)
    phrased, template = _assessment(on), _assessment(off)
    i, lead = _lead(phrased)
    j, template_lead = _lead(template)
    [body] = llm.requests
    summary = lead_template(body)
    assert template_lead.startswith(summary + "\n【类似案例】")  # the bot sent the summary paragraph, nothing more
    assert any(case in user_prompt(body) for case in CASES)  # retrieval's case numbers reached the LLM
    assert PLAIN in lead and f"最相近的{_first_case(body)}，法院支持了原告。" in lead  # and came back in its words
    assert lead == _faithful(body).content + template_lead.removeprefix(summary)  # the case list stays verbatim
    assert phrased[:i] + phrased[i + 1 :] == template[:j] + template[j + 1 :]  # every other part is the template


def _altered_case(body: dict[str, Any]) -> Reply:
    case = _first_case(body)
    return Reply(content=lead_template(body) + f"最相近的{case.replace('号', '0号')}支持了原告。")


@pytest.mark.parametrize(
    "hallucinate",
    [
        lambda body: Reply(content=lead_template(body) + "另可参考（2018）豫0811民初999号。"),
        lambda body: Reply(content=lead_template(body) + "按这几个判决，对方应当还您8万元。"),
        lambda body: Reply(content=lead_template(body) + "对方应当还您五万块钱。"),
        _altered_case,
        lambda body: Reply(content=lead_template(body), delay_s=30),
        lambda body: Reply(status=500),
        lambda body: Reply(raw=b"{not json"),
    ],
    ids=["case-number", "amount", "cn-amount", "altered-case-number", "slow", "500", "malformed"],
)
def test_a_hallucinating_or_failing_llm_gives_the_template_reply(
    apps: tuple[TestClient, TestClient], llm: OpenAIServer, hallucinate: Callable[[dict[str, Any]], Reply]
) -> None:
    on, off = apps
    _respond(llm, hallucinate)
    started = time.perf_counter()
    parts = _assessment(on)
    took = time.perf_counter() - started
    assert len(llm.requests) == 1
    assert parts == _assessment(off)  # byte for byte the reply without an LLM
    assert "999号" not in "".join(parts) and "8万元" not in "".join(parts)
    assert took < TIMEOUT_S + 5  # the whole conversation, the slow LLM's deadline included


def test_unset_llm_settings_build_no_phraser(apps: tuple[TestClient, TestClient]) -> None:
    on, off = apps
    assert on.app.state.runtime.engine.services.phraser is not None  # type: ignore[attr-defined]
    assert off.app.state.runtime.engine.services.phraser is None  # type: ignore[attr-defined]
