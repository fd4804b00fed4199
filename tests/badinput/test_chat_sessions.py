"""``POST /api/chat`` keeps each chat session's messages to itself (issue 14 §2).

The engine's dedupe key was ``web:<message_id>`` alone: a second person (another ``chat_id`` cookie) sending the
same client-made ``message_id`` got the first person's reply, complaint link included; the other way round, the
second person's story was dropped as a "duplicate". The key is now the chat session and the message id.
"""

from __future__ import annotations

from fastapi.testclient import TestClient


def _person(product: TestClient) -> TestClient:
    client = TestClient(product.app)  # its own cookie jar: its own chat_id
    assert client.post("/api/chat", json={"event": "open"}).status_code == 200
    return client


def test_the_same_message_id_from_two_people_gives_each_their_own_answer(product: TestClient) -> None:
    alice, bob = _person(product), _person(product)
    assert alice.cookies.get("chat_id") != bob.cookies.get("chat_id")
    first = alice.post("/api/chat", json={"text": "朋友借我三万块钱一直不还，有借条", "message_id": "m-1"}).json()
    second = bob.post("/api/chat", json={"text": "邻居装修把我家的墙弄裂了", "message_id": "m-1"}).json()
    assert second["parts"] != first["parts"], "the second person got the first person's reply"
    # and each person's own resend is still answered from their own stored reply
    again = alice.post("/api/chat", json={"text": "朋友借我三万块钱一直不还，有借条", "message_id": "m-1"}).json()
    assert again == first
    bob_again = bob.post("/api/chat", json={"text": "x", "message_id": "m-1"}).json()
    assert bob_again == second


def test_a_reused_message_id_does_not_drop_the_second_persons_story(product: TestClient) -> None:
    carol, dave = _person(product), _person(product)
    carol.post("/api/chat", json={"text": "公司拖欠我三个月工资，一共一万五千元", "message_id": "shared-id"})
    reply = dave.post("/api/chat", json={"text": "房东不退我押金两千元，租房合同已经到期了", "message_id": "shared-id"})
    text = "".join(reply.json()["parts"])
    assert "工资" not in text and "劳动" not in text, text
