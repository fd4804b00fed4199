"""Reloading ``/chat`` resumes the conversation (issue 13, "Hand-offs that reach the person", 3): the page asks
``GET /api/chat/history`` on load (the ``chat_id`` cookie names the conversation) and shows it; only a browser with
no conversation gets the welcome. The person's own text comes back masked; another browser sees nothing of it.
"""

from __future__ import annotations

from types import SimpleNamespace

from fastapi.testclient import TestClient


def test_a_reload_gets_the_conversation_back_and_carries_on(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.ChatPerson(product)
    p.say("转人工")
    p.say("想问立案要带什么材料")
    p.say("张三 13912345678", message_id="same")
    p.say("张三 13912345678", message_id="same")  # a resend: answered and written once

    history = p.client.get("/api/chat/history").json()
    said = [m["text"] for m in history["messages"] if m["who"] == "person"]
    assert said == ["转人工", "想问立案要带什么材料", "张三 139****5678"]
    bot = [m["text"] for m in history["messages"] if m["who"] == "bot"]
    assert "诉前辅导助手" in bot[0]  # the welcome of the first visit
    assert "139****5678" in bot[-1] and "确认" in bot[-1]  # the read-back the person was looking at
    assert history["quick_replies"] == p.last["quick_replies"]
    assert "13912345678" not in str(history)

    done = p.say("确认")  # after the reload the dialog goes on where it was
    assert "RX-" in done
    assert "RX-" in p.client.get("/api/chat/history").json()["messages"][-1]["text"]


def test_another_browser_sees_none_of_it(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.ChatPerson(product)
    p.say("转人工")
    stranger = TestClient(product.app)
    assert stranger.get("/api/chat/history").json() == {"messages": [], "quick_replies": []}
    stranger.cookies.set("chat_id", "<script>")
    assert stranger.get("/api/chat/history").json()["messages"] == []


def test_the_page_asks_for_the_history_before_it_greets(product: TestClient) -> None:
    page = product.get("/chat").text
    script = page[page.index("<script>") :]
    assert "/api/chat/history" in script
    assert script.index("/api/chat/history") < script.index("event: 'open'")  # the welcome only without history
