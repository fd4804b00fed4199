"""The customer-service push API failing or rate-limited: retried with backoff, never lost, never sent twice.

Two layers:

* two real server processes on one database, both running their outbox loop, push their late answers (the
  reply budget is set to 1 ms, so every answer goes out through the customer-service API) to a fake WeChat
  API over real HTTP that fails every message's first two attempts (HTTP 503, then errcode -1 "system busy");
  a WeChat retry of a late message reaches the other process. Every push must arrive exactly once, after
  exactly two failures, with the exponential backoff between attempts;
* in process, with the outbox clock injected, the rate-limit codes (45009 daily quota, 45047 push quota) and a
  permanent one (43004 not subscribed), drained by two threads at once: a rate-limited message waits at
  least the floor (60 s) before its next attempt, a permanent failure is never retried and never sent.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy import select

from bench.drive import send
from bench.server import ProductServer
from bench.wxclient import WeChatClient, next_msg_id
from bot.wechat.edge import HOLDING_WITH_PUSH
from bot.wechat.gateway import WeChatGateway
from bot.wechat.outbox import OutboxMessage, RetryPolicy, drain_outbox, enqueue_texts
from core.settings import Settings

FAILURES_BEFORE_SUCCESS = 2


class FlakyApi:
    """The two WeChat API endpoints, failing each distinct push ``fail_first`` times before accepting it."""

    def __init__(self, fail_first: int = FAILURES_BEFORE_SUCCESS) -> None:
        self.fail_first = fail_first
        self.attempts: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.delivered: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = (body["touser"], body["text"]["content"])
        with self.lock:
            self.attempts[key].append(time.monotonic())
            n = len(self.attempts[key])
            if n == 1:
                return 503, {}
            if n <= self.fail_first:
                return 200, {"errcode": -1, "errmsg": "system error"}
            self.delivered.append(key)
        return 200, {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def flaky_api() -> Iterator[tuple[FlakyApi, str]]:
    api = FlakyApi()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if urlparse(self.path).path == "/cgi-bin/token":
                self._answer(200, {"access_token": "FAULT-TOKEN", "expires_in": 7200})
            else:
                self._answer(404, {"errcode": 404})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            query = parse_qs(urlparse(self.path).query)
            if urlparse(self.path).path != "/cgi-bin/message/custom/send" or query.get("access_token") != [
                "FAULT-TOKEN"
            ]:
                self._answer(200, {"errcode": 40001, "errmsg": "invalid credential"})
                return
            self._answer(*api.send(body))

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the test reads api.attempts instead

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.server
def test_late_answers_pushed_through_a_failing_api_exactly_once(
    tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient, flaky_api: tuple[FlakyApi, str]
) -> None:
    api, base_url = flaky_api
    url = f"sqlite:///{tmp_path / 'push.sqlite3'}"
    factory = fx.migrated_factory(url)
    env = fx.server_env(tmp_path, url, DB_AUTO_MIGRATE="false", WECHAT_APPSECRET="fault-secret",
                        WECHAT_API_BASE_URL=base_url, WECHAT_REPLY_BUDGET_S="0")
    servers = [ProductServer(env, tmp_path / f"push-{i}.log") for i in (1, 2)]
    try:
        for s in servers:
            s.wait_ready(similar_cases=False, timeout=180)
        clients = [httpx.Client(base_url=s.base, timeout=30) for s in servers]
        users = [f"o-push-{i}" for i in range(3)]
        for i, openid in enumerate(users):
            for text in (None, fx.STORY, "是"):
                ex = send(clients[i % 2], wxc, openid, text)
                assert ex.status == 200 and ex.reply  # the holding text: a budget of 0 never waits for the answer
                time.sleep(0.3)  # let the answer reach the outbox before the person's next message
        retried = next_msg_id()  # one late message that WeChat delivers again, to the other process
        first = send(clients[0], wxc, "o-push-retry", fx.STORY, msg_id=retried)
        assert first.reply == HOLDING_WITH_PUSH
        again = send(clients[1], wxc, "o-push-retry", fx.STORY, msg_id=retried)
        assert again.status == 200 and again.reply  # holding, or the stored answer if it was found within 1 ms
        for c in clients:
            c.close()

        deadline = time.monotonic() + 120  # one user's parts go one after another: ~8 s each here
        while time.monotonic() < deadline:
            with factory() as s:
                statuses = Counter(s.scalars(select(OutboxMessage.status)))
            if statuses and set(statuses) == {"sent"}:
                break
            time.sleep(0.5)
        assert set(statuses) == {"sent"}, statuses
    finally:
        logs = [s.output() for s in servers]
        for s in servers:
            s.stop()

    with factory() as s:
        rows = s.execute(select(OutboxMessage.openid, OutboxMessage.content, OutboxMessage.attempts)).all()
    factory.kw["bind"].dispose()
    expected = sorted((r.openid, r.content) for r in rows)
    assert sorted(api.delivered) == expected  # nothing lost, nothing twice
    assert len(rows) >= 10  # the 10 answers were all late (with a budget of 0 every answer is pushed)
    assert len(expected) == len(set(expected))  # no answer enqueued twice (the retried message included)
    assert any(r.openid == "o-push-retry" for r in rows)
    assert all(r.attempts == FAILURES_BEFORE_SUCCESS + 1 for r in rows)
    policy = RetryPolicy()
    for key, times in api.attempts.items():
        assert len(times) == FAILURES_BEFORE_SUCCESS + 1, key
        for n, (before, after) in enumerate(itertools.pairwise(times), start=1):
            assert after - before >= policy.delay(n) - 0.2, (key, n, after - before)
    for log in logs:
        assert "Traceback" not in log


# ------------------------------------------------------------------------- rate limits, in process, two drainers


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += timedelta(seconds=seconds)


def test_rate_limited_and_refused_pushes_with_two_drainers(tmp_path: Path, fx: SimpleNamespace) -> None:
    factory = fx.migrated_factory(f"sqlite:///{tmp_path / 'rate.sqlite3'}")
    clock = Clock()
    script = {"限流A": [45009, 45009], "限流B": [45047], "忙C": [-1, "http:503"], "拒收D": [43004]}
    attempts: dict[str, list[datetime]] = defaultdict(list)
    delivered: list[str] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/cgi-bin/token":
            return httpx.Response(200, json={"access_token": "T", "expires_in": 7200})
        content = json.loads(request.content)["text"]["content"]
        with lock:
            attempts[content].append(clock())
            plan = script.get(content.split("#")[0], [])
            n = len(attempts[content])
            if n <= len(plan):
                err = plan[n - 1]
                if isinstance(err, str):
                    return httpx.Response(int(err.split(":")[1]))
                return httpx.Response(200, json={"errcode": err, "errmsg": "scripted"})
            delivered.append(content)
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    settings = Settings(app_env="test", wechat_appsecret="s", wechat_api_base_url="https://api.weixin.test")
    client = httpx.Client(base_url=settings.wechat_api_base_url, transport=httpx.MockTransport(handler))
    gateway = WeChatGateway(settings, client=client)
    for i, head in enumerate(["限流A", "限流B", "忙C", "拒收D", "正常E"]):
        enqueue_texts(factory, f"o-rate-{i}", [f"{head}#1", f"{head}#2"], dedupe_prefix=f"k{i}", limit_bytes=2048)
    policy = RetryPolicy()

    for _ in range(400):  # 400 simulated seconds, two drainers racing at every tick
        threads = [threading.Thread(target=drain_outbox, args=(factory, gateway), kwargs={"policy": policy,
                                                                                           "now": clock})
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        clock.advance(1.0)
    client.close()

    assert sorted(delivered) == sorted(f"{h}#{n}" for h in ("限流A", "限流B", "忙C", "正常E") for n in (1, 2))
    assert len(delivered) == len(set(delivered))  # never twice
    for part in ("拒收D#1", "拒收D#2"):  # permanent: tried once, never again, never delivered
        assert part not in delivered and len(attempts[part]) == 1
    a = attempts["限流A#1"]
    assert (a[1] - a[0]).total_seconds() >= policy.rate_limit_floor_s
    assert (a[2] - a[1]).total_seconds() >= policy.rate_limit_floor_s
    b = attempts["限流B#1"]
    assert (b[1] - b[0]).total_seconds() >= policy.rate_limit_floor_s
    c = attempts["忙C#1"]
    assert (c[1] - c[0]).total_seconds() >= policy.delay(1)
    assert (c[2] - c[1]).total_seconds() >= policy.delay(2)
    with factory() as s:
        failed = s.scalars(select(OutboxMessage.content).where(OutboxMessage.status == "failed")).all()
    factory.kw["bind"].dispose()
    assert sorted(failed) == ["拒收D#1", "拒收D#2"]


def test_a_stale_due_list_cannot_skip_the_backoff(
    tmp_path: Path, fx: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two drainers: one reads the due list, the other sends the row (it fails, backoff set), then the first
    claims from its now stale list. The claim must re-check the backoff, or the row is retried at once."""
    import bot.wechat.outbox as outbox

    factory = fx.migrated_factory(f"sqlite:///{tmp_path / 'stale.sqlite3'}")
    sent: list[str] = []

    class Failing:
        def send_text(self, openid: str, text: str) -> None:
            sent.append(text)
            from bot.wechat.errors import TransportError

            raise TransportError("HTTP 503")

    enqueue_texts(factory, "o-stale", ["一条通知"], dedupe_prefix="stale", limit_bytes=2048)
    now = datetime.now(UTC) + timedelta(seconds=1)
    with factory() as s:
        stale = outbox._due_ids(s, now, 50)  # drainer A reads the due list ...
    assert len(stale) == 1
    drain_outbox(factory, Failing(), now=lambda: now)  # ... drainer B sends it first: fails, backs off 2 s
    assert sent == ["一条通知"]
    monkeypatch.setattr(outbox, "_due_ids", lambda session, when, limit: list(stale))
    drain_outbox(factory, Failing(), now=lambda: now)  # A claims from its stale list, 0 s later
    assert sent == ["一条通知"], "retried before the backoff delay"
    factory.kw["bind"].dispose()
