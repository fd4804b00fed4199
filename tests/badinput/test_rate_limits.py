"""Rate limits on the real app (issue 14 §8): a flood of chat messages from one chat session gets a polite 429 and
loses nothing already said; repeated failed sign-ins lock that name (and that address) out for a while, while the
right password still works for another account."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORDS, csrf_of, make_settings


@pytest.fixture
def strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from argon2 import PasswordHasher

    import casework.staff
    from server import create_app

    monkeypatch.setattr(casework.staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    app = create_app(make_settings(tmp_path, chat_per_minute=5, login_failures_per_10min=3))
    with TestClient(app, follow_redirects=False) as client:
        with app.state.runtime.sessions() as s:
            for name in ("clerk1", "op1"):
                casework.staff.create_staff(s, name, name, "clerk", PASSWORDS[name])
            s.commit()
        yield client


def test_a_chat_flood_is_refused_politely_and_loses_nothing(strict: TestClient) -> None:
    said = [{"text": f"第{i}条：朋友借我三万不还", "message_id": f"m{i}"} for i in range(7)]
    answers = [strict.post("/api/chat", json=body) for body in said]
    assert [r.status_code for r in answers[:5]] == [200] * 5
    refused = answers[5]
    assert refused.status_code == 429 and "稍等一分钟" in refused.json()["parts"][0]
    turns = strict.get("/api/chat/history").json()["messages"]
    asked = [t["text"] for t in turns if t["who"] == "person"]
    assert [a[:3] for a in asked] == ["第0条", "第1条", "第2条", "第3条", "第4条"]  # kept; the refused ones not taken
    assert not any("稍等一分钟" in t["text"] for t in turns)
    other = TestClient(strict.app, follow_redirects=False)  # another person (another chat cookie) is not affected
    assert other.post("/api/chat", json={"text": "你好", "message_id": "x1"}).status_code == 200


def _login(client: TestClient, username: str, password: str) -> int:
    csrf = csrf_of(client.get("/workbench/login").text)
    r = client.post("/workbench/login", data={"username": username, "password": password, "csrf_token": csrf})
    return r.status_code


def test_failed_sign_ins_lock_the_name_for_a_while(strict: TestClient) -> None:
    browser = TestClient(strict.app, follow_redirects=False)
    assert [_login(browser, "clerk1", "wrong-password") for _ in range(3)] == [401, 401, 401]
    assert _login(browser, "clerk1", PASSWORDS["clerk1"]) == 429  # even the right password waits now
    page = browser.get("/workbench/login")
    assert page.status_code == 200
    assert _login(browser, "op1", PASSWORDS["op1"]) == 303  # another name from the same address still signs in
