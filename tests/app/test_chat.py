"""The chat page and its JSON endpoint drive the same engine as WeChat."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.routes import chat as webchat
from app.runtime import Runtime
from bot.engine import DialogEngine, Services
from bot.store import MemoryDialogStore
from core.settings import Settings
from knowledge import Knowledge

STORY = "去年三月朋友借了我五万块钱，写了借条，到期一直不还"


@pytest.fixture
def client(settings: Settings, kb: Knowledge) -> TestClient:
    app = FastAPI()
    app.include_router(webchat.router)
    engine = DialogEngine(MemoryDialogStore(), settings, Services(knowledge=kb))
    app.state.runtime = Runtime(settings=settings, engine=engine)
    return TestClient(app)


def test_page_is_plain_html_with_no_external_resources(client: TestClient) -> None:
    page = client.get("/chat")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("textarea") is not None
    for tag in soup.find_all(["script", "link", "img"]):
        assert not (tag.get("src") or tag.get("href") or "").startswith("http"), "no CDN: machines are offline"


def test_open_then_story_then_same_message_id_is_answered_once(client: TestClient) -> None:
    hello = client.post("/api/chat", json={"event": "open"})
    assert hello.status_code == 200
    assert "诉前辅导助手" in hello.json()["parts"][0]
    assert "chat_id" in hello.cookies
    first = client.post("/api/chat", json={"text": STORY, "message_id": "abc123"}).json()
    again = client.post("/api/chat", json={"text": STORY, "message_id": "abc123"}).json()
    assert first == again
    assert first["quick_replies"] == ["是", "不是"]  # the recognised cause, to confirm


def test_two_browsers_have_separate_conversations(client: TestClient, settings: Settings) -> None:
    client.post("/api/chat", json={"text": STORY, "message_id": "m1"})
    other = TestClient(client.app)
    out = other.post("/api/chat", json={"text": "1", "message_id": "m1"}).json()
    assert "人民调解委员会" not in "".join(out["parts"])  # the other browser has no story yet


@pytest.mark.parametrize(
    "body", [{"text": 5}, {"text": "x", "message_id": "../../etc"}, {"event": "drop"}, {"text": "x" * 20001}]
)
def test_bad_bodies_get_422_not_500(client: TestClient, body: dict[str, object]) -> None:
    assert client.post("/api/chat", json=body).status_code == 422


def test_forged_cookie_gets_a_fresh_id(client: TestClient) -> None:
    client.cookies.set("chat_id", "<script>alert(1)</script>")
    out = client.post("/api/chat", json={"text": "帮助"})
    assert out.status_code == 200
    assert out.cookies.get("chat_id") not in (None, "<script>alert(1)</script>")
