"""WeChat's retries reproduced: the same message delivered 3-4 times must give one reply content and one record.

WeChat waits 5 s for the passive reply and retries the same message (same MsgId) up to three times, at about
0 s, 5 s and 10 s; with several workers behind a load balancer the retries may reach different processes, and
a slow first delivery may still be running when the retry arrives. We reproduce:

* in process, with the edge's clock injected (``app.state.runtime.clock``): deliveries at 0, 5, 10 and 15 s of
  an ordinary message and of the one that creates the filing hand-off, each re-signed with its own timestamp;
* two real server processes on one database (SQLite file, PostgreSQL), the hand-off message delivered four
  times at once, two to each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bench.drive import send, talk_until
from bench.server import ProductServer
from bench.wxclient import WeChatClient, next_msg_id
from core.settings import Settings
from server import create_app

CONFIRM = "请核对起诉状"


@pytest.fixture
def app_client(tmp_path: Path, fx: SimpleNamespace) -> Iterator[tuple[TestClient, dict[str, float]]]:
    env = fx.server_env(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    settings = Settings(**{k.lower(): v for k, v in env.items()})
    app = create_app(settings)
    clock = {"now": time.time()}
    with TestClient(app) as client:
        app.state.runtime.clock = lambda: clock["now"]
        yield client, clock


def test_retries_at_0_5_10_15_seconds_give_one_reply_and_one_record(
    app_client: tuple[TestClient, dict[str, float]], wxc: WeChatClient, fx: SimpleNamespace
) -> None:
    client, clock = app_client
    factory = client.app.state.runtime.sessions  # type: ignore[attr-defined]
    user = fx.filing_user("o-retry-0001")
    t0 = int(clock["now"])

    # an ordinary message retried: the story is taken once (one step), the same question comes back each time
    send(client, wxc, user.openid, None)
    story_id = next_msg_id()
    replies = []
    for delay in (0, 5, 10):
        clock["now"] = t0 + delay
        ex = send(client, wxc, user.openid, fx.STORY, msg_id=story_id, create_time=t0, timestamp=t0 + delay)
        assert ex.status == 200
        replies.append(ex.reply)
    assert len(set(replies)) == 1 and replies[0]
    before = fx.counts(factory, user.openid)
    assert before["state"] == "confirm_cause" and before["processed"] == 2  # subscribe + story, once each

    # on to the read-back of the complaint, then "确认" delivered four times
    clock["now"] = t0 + 20
    reply = _until(client, wxc, user, user.next_message(replies[0]))
    assert CONFIRM in reply
    confirm_id = next_msg_id()
    t1 = t0 + 60
    answers = []
    for delay in (0, 5, 10, 15):
        clock["now"] = t1 + delay
        ex = send(client, wxc, user.openid, "确认", msg_id=confirm_id, create_time=t1, timestamp=t1 + delay)
        assert ex.status == 200
        answers.append(ex.reply)
    assert len(set(answers)) == 1, answers
    assert "编号LA-" in answers[0]
    after = fx.counts(factory, user.openid)
    assert after["records"] == 1
    assert after["state"] == "done"
    assert after["half_written"] == 0


def _until(client: Any, wxc: WeChatClient, user: Any, nxt: tuple[str, str] | None) -> str:
    """Answer as ``user`` from ``nxt`` on until the complaint read-back."""
    while nxt is not None:
        ex = send(client, wxc, user.openid, nxt[1])
        assert ex.status == 200 and ex.reply, ex
        if CONFIRM in ex.reply:
            return ex.reply
        nxt = user.next_message(ex.reply)
    raise AssertionError("the conversation ended before the read-back")


# ---------------------------------------------------------------------------------- two server processes


def _two_servers(tmp_path: Path, fx: SimpleNamespace, url: str) -> list[ProductServer]:
    env = fx.server_env(tmp_path, url, DB_AUTO_MIGRATE="false")
    servers = [ProductServer(env, tmp_path / f"server-{i}.log") for i in (1, 2)]
    try:
        for s in servers:
            s.wait_ready(similar_cases=False, timeout=180)
    except Exception:
        for s in servers:
            s.stop()
        raise
    return servers


def _deliver_concurrently(servers: list[ProductServer], wxc: WeChatClient, openid: str) -> list[httpx.Response]:
    """The same "确认" (one MsgId) to both servers twice each, all at once."""
    msg_id = next_msg_id()
    now = int(time.time())
    barrier = threading.Barrier(4)
    results: list[httpx.Response | None] = [None] * 4

    def one(i: int) -> None:
        req = wxc.text(openid, "确认", "aes" if i % 2 else "plain", msg_id=msg_id, create_time=now)
        with httpx.Client(base_url=servers[i % 2].base, timeout=30) as http:
            barrier.wait()
            results[i] = http.post("/wechat", params=req.params, content=req.body)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def _run_two_workers(tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient, url: str) -> None:
    factory = fx.migrated_factory(url)
    servers = _two_servers(tmp_path, fx, url)
    try:
        user = fx.filing_user(f"o-two-{int(time.time() * 1000) % 10**9}")
        with httpx.Client(base_url=servers[0].base, timeout=30) as http:
            reply = talk_until(http, wxc, user, lambda r: CONFIRM in r)
        assert CONFIRM in reply
        responses = _deliver_concurrently(servers, wxc, user.openid)
        assert [r.status_code for r in responses] == [200] * 4
        texts = [wxc.read_reply(r.text, "aes" if i % 2 else "plain", user.openid) for i, r in enumerate(responses)]
        assert len(set(texts)) == 1, texts
        assert "编号LA-" in texts[0]
        state = fx.counts(factory, user.openid)
        assert state["records"] == 1
        assert state["state"] == "done"
        assert state["half_written"] == 0
    finally:
        outputs = [s.output() for s in servers]
        for s in servers:
            s.stop()
        factory.kw["bind"].dispose()
    for out in outputs:
        assert "Traceback" not in out, out[-3000:]


@pytest.mark.server
def test_two_server_processes_on_one_sqlite_file(tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient) -> None:
    _run_two_workers(tmp_path, fx, wxc, f"sqlite:///{tmp_path / 'shared.sqlite3'}")


@pytest.mark.server
@pytest.mark.postgres
def test_two_server_processes_on_one_postgresql(
    tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient, pg_url: str, pg_factory: Any
) -> None:
    _run_two_workers(tmp_path, fx, wxc, pg_url)
