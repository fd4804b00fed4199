"""The database or the Chroma server unreachable for a while, then back, with the server left running.

Each dependency is reached through a loopback TCP relay (``TcpProxy``) that the test cuts (every open
connection dropped, new ones refused) and restores. Required:

* database down: every message gets a clear "稍后再试" answer with the 12368 hotline, quickly (well inside
  WeChat's 5 s), never an HTTP error; once it is back, the same server carries on from where the person was
  (nothing lost) and the hotline ticket path works;
* Chroma down: the conversation still reaches the assessment (without similar cases, saying so) and the
  hotline ticket path works; once it is back, similar cases return — no restart in either case.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from bench.drive import send, talk_until
from bench.server import ChromaServer, ProductServer
from bench.wxclient import WeChatClient

pytestmark = pytest.mark.server
ASSESSED = "【类似案例】"
TICKET_ASK = "需要人工帮您做什么"


def _ticket(http: httpx.Client, wxc: WeChatClient, openid: str) -> str:
    """The hotline path: 转人工 → the question → the ticket's reference."""
    ask = send(http, wxc, openid, "转人工")
    assert ask.status == 200 and TICKET_ASK in ask.reply, ask.reply
    contact = send(http, wxc, openid, "想问立案要带什么材料，请工作人员联系我")
    assert contact.status == 200 and "不留" in contact.reply, contact.reply  # how to reach them, or not
    done = send(http, wxc, openid, "不留")
    assert done.status == 200 and "编号RX-" in done.reply, done.reply
    return done.reply


@pytest.mark.postgres
def test_database_down_then_back(
    tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient, pg_url: str, pg_factory: Any, proxy_factory: Any
) -> None:
    direct = make_url(pg_url)
    factory = fx.migrated_factory(pg_url)
    proxy = proxy_factory(direct.port or 5432)
    via_proxy = direct.set(port=proxy.port).render_as_string(hide_password=False)
    server = ProductServer(fx.server_env(tmp_path, via_proxy, DB_AUTO_MIGRATE="false"), tmp_path / "server.log")
    user = fx.filing_user("o-dbdown-0001")
    try:
        server.wait_ready(similar_cases=False, timeout=180)
        with httpx.Client(base_url=server.base, timeout=30) as http:
            first = send(http, wxc, user.openid, fx.STORY)
            assert first.status == 200 and first.reply
            before = fx.counts(factory, user.openid)

            proxy.cut()
            for text in ("是", "转人工", "1", "查询进度"):
                started = time.monotonic()
                ex = send(http, wxc, user.openid, text)
                assert time.monotonic() - started < 4.0
                assert ex.status == 200
                assert "稍后再试" in ex.reply and "12368" in ex.reply, ex.reply

            proxy.restore()
            again = send(http, wxc, user.openid, "是")  # the person tries again: carried on, nothing lost
            assert again.status == 200 and "稍后" not in again.reply
            assert again.reply != first.reply
            ticket = _ticket(http, wxc, user.openid)
        assert "编号RX-" in ticket
        after = fx.counts(factory, user.openid)
        assert after["records"] == 1
        assert after["processed"] == before["processed"] + 4  # 是, 转人工, the question, 不留
        assert after["half_written"] == 0
    finally:
        log = server.output()
        server.stop()
        factory.kw["bind"].dispose()
    assert "Traceback" not in log or "OperationalError" in log  # tracebacks only for the outage itself


def _small_corpus(folder: Path, n: int = 40) -> Path:
    """A JSONL corpus of ``n`` distinct real CAIL fact sections (民间借贷纠纷) read from shared/data."""
    source = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cail2019-scm" / "sample_triplets.jsonl"
    texts: list[str] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        for key in ("A", "B", "C"):
            text = json.loads(line)[key]
            if text not in texts:
                texts.append(text)
        if len(texts) >= n:
            break
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "small.jsonl"
    path.write_text("\n".join(json.dumps({"text": t, "cause": "民间借贷纠纷"}, ensure_ascii=False) for t in texts),
                    encoding="utf-8")
    return folder


def test_chroma_server_down_then_back(tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient,
                                      proxy_factory: Any) -> None:
    chroma = ChromaServer(tmp_path / "chroma-data", tmp_path / "chroma.log")
    server: ProductServer | None = None
    try:
        chroma.wait_ready()
        proxy = proxy_factory(chroma.port)
        env = fx.server_env(
            tmp_path,
            f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            CHROMA_HOST="127.0.0.1",
            CHROMA_PORT=str(proxy.port),
            AUTO_INGEST="true",
            CORPUS_PATH=str(_small_corpus(tmp_path / "corpus")),
        )
        server = ProductServer(env, tmp_path / "server.log")
        server.wait_ready(similar_cases=True, timeout=180)
        with httpx.Client(base_url=server.base, timeout=30) as http:
            up = talk_until(http, wxc, fx.filing_user("o-chroma-up"), lambda r: ASSESSED in r)
            assert "暂时不可用" not in up

            proxy.cut()
            down_user = fx.filing_user("o-chroma-down")
            down = talk_until(http, wxc, down_user, lambda r: ASSESSED in r)
            assert "类似案例检索暂时不可用" in down
            assert "编号RX-" in _ticket(http, wxc, down_user.openid)

            proxy.restore()
            back = talk_until(http, wxc, fx.filing_user("o-chroma-back"), lambda r: ASSESSED in r)
            assert "暂时不可用" not in back
    finally:
        log = server.output() if server else ""
        if server:
            server.stop()
        chroma.stop()
    assert "--- Logging error ---" not in log
