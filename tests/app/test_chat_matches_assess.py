"""The chat and ``POST /api/assess`` give the same legal answers for the same story.

Stories of the legal regression table's dev split (``knowledge/eval/legal``), one or more per area, are carried
through a whole conversation on the chat page's API of the project's own app (the story, the cause confirmed,
every intake question answered "不知道"); the assessment the conversation stored is then compared, part by part,
with what ``POST /api/assess`` answers for the same story and the cause the person confirmed. Holdout lines are
never read here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.consultation import Consultation
from bot.store import SessionKey
from core.settings import Settings
from knowledge.causes import load_causes
from server import create_app

REPO = Path(__file__).resolve().parents[2]
TABLES = sorted((REPO / "knowledge" / "eval" / "legal").glob("*.jsonl"))
PARTS = ("fee", "limitation", "small_claims", "jurisdiction", "mediation", "routing", "guarantee", "preservation")
ROUTES = ("请回复数字 1、2 或 3", "请回复数字选择")


def _dev_stories(per_area: int = 2) -> list[dict[str, Any]]:
    """Up to ``per_area`` dev stories of each area whose cause the bot has a slot table for (a story of another
    cause is routed to the hotline without an assessment until every civil cause is covered)."""
    known = set(load_causes().names) - {"其他"}
    picked: dict[str, list[dict[str, Any]]] = {}
    for path in TABLES:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("split") != "dev" or row.get("cause") not in known:
                continue
            bucket = picked.setdefault(row["area"], [])
            if len(bucket) < per_area:
                bucket.append(row)
    return [row for rows in picked.values() for row in rows]


STORIES = _dev_stories()


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, product_settings: Callable[..., Settings]
) -> Iterator[TestClient]:
    settings = product_settings(tmp_path_factory.mktemp("same"))
    with TestClient(create_app(settings)) as c:
        yield c


def _say(client: TestClient, text: str, n: list[int]) -> str:
    n[0] += 1
    res = client.post("/api/chat", json={"text": text, "message_id": f"m{n[0]}"})
    assert res.status_code == 200, res.text
    return "\n".join(res.json()["parts"])


def test_the_table_covers_every_area() -> None:
    assert len({row["area"] for row in STORIES}) >= 10


@pytest.mark.parametrize("row", STORIES, ids=lambda r: r["id"])
def test_chat_and_api_agree(client: TestClient, row: dict[str, Any]) -> None:
    client.cookies.clear()
    n = [0]
    reply = _say(client, row["story"], n)
    if "请回复编号" in reply:
        reply = _say(client, "1", n)  # the closest cause, as the API takes it
    elif re.search(r"【[^】]+】", reply) and "是" in reply:
        reply = _say(client, "是", n)
    for _ in range(12):
        if any(r in reply for r in ROUTES):
            break
        reply = _say(client, "不知道", n)
    chat_id = client.cookies.get("chat_id")
    assert chat_id
    record = client.app.state.runtime.engine.store.get(SessionKey("web", f"web-{chat_id}"))  # type: ignore[attr-defined]
    assert record is not None
    consultation = Consultation.load(record.data)
    stored = consultation.assessment
    today = date.today().isoformat()
    if stored is None:  # the chat read no cause it has questions for and offered the hotline: so must the API
        assert consultation.cause == "其他", f"{row['id']}: no assessment and no 其他: {reply[-200:]!r}"
        api = client.post("/api/assess", json={"text": row["story"], "today": today})
        assert api.status_code == 200 and api.json()["cause"]["name"] == "其他", row["id"]
        return
    api = client.post(
        "/api/assess",
        json={"text": row["story"], "facts": {"cause": stored["cause"]["name"]}, "today": today},
    )
    assert api.status_code == 200, api.text
    answer = api.json()
    for part in PARTS:
        assert stored.get(part) == answer.get(part), f"{row['id']}: {part} differs between the chat and /api/assess"
    assert stored["facts"].get("claim_amount_yuan") == answer["facts"].get("claim_amount_yuan")
