"""kill -9 of the server in the middle of creating a hand-off, then a restart: never half a hand-off.

The server (``pausing_app``: the product's app whose notifier blocks right after casework inserted the filing
record, inside the step's transaction) is killed with SIGKILL while the "确认" that creates the filing is being
handled. The person's client sees the connection die, so WeChat retries the same message (same MsgId) once the
server is back. Required:

* after the kill: no record, no processed-message row for that MsgId, the dialog still at the read-back (the
  uncommitted transaction is gone whole) — and every answer given before it (the filing form) still there;
* after the restart and the retry: exactly one filing, with both parties, and the dialog done.

On SQLite (the file's WAL) and on PostgreSQL (the dropped connection's transaction).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bench.drive import send, talk_until
from bench.server import ProductServer
from bench.wxclient import WeChatClient, next_msg_id
from bot.store import SEALED, DialogRow, ProcessedMessage, unseal
from casework.models import CaseParty, CaseRecord
from core.pii import PiiCipher
from core.settings import Settings

pytestmark = pytest.mark.server
DEFAULT_PII_KEY = Settings.model_fields["pii_key"].default
HERE = Path(__file__).resolve().parent
CONFIRM = "请核对起诉状"


def _crash_and_retry(tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient, url: str) -> None:
    factory = fx.migrated_factory(url)
    marker = tmp_path / "paused"
    env = fx.server_env(tmp_path, url, DB_AUTO_MIGRATE="false", PAUSE_MARKER=str(marker))
    paused = ProductServer(env, tmp_path / "paused.log", app="pausing_app:create_app",
                           extra_args=("--app-dir", str(HERE)))
    user = fx.filing_user(f"o-crash-{int(time.time() * 1000) % 10**9}")
    msg_id = next_msg_id()
    outcome: dict[str, Any] = {}
    try:
        paused.wait_ready(similar_cases=False, timeout=180)
        with httpx.Client(base_url=paused.base, timeout=30) as http:
            assert CONFIRM in talk_until(http, wxc, user, lambda r: CONFIRM in r)

        def deliver() -> None:
            try:
                with httpx.Client(base_url=paused.base, timeout=30) as http:
                    outcome["first"] = send(http, wxc, user.openid, "确认", msg_id=msg_id)
            except httpx.HTTPError as exc:  # the server dies under this request: that is the point
                outcome["error"] = type(exc).__name__

        sender = threading.Thread(target=deliver)
        sender.start()
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), paused.output()[-3000:]
        paused.kill9()
        sender.join(30)
    finally:
        if paused.proc.poll() is None:
            paused.kill9()
    assert "first" not in outcome, "the first delivery must not have been answered"

    with factory() as s:  # the kill left nothing of the hand-off, and lost nothing accepted before it
        assert s.scalars(select(CaseRecord).where(CaseRecord.user_id == user.openid)).all() == []
        assert s.get(ProcessedMessage, f"wechat:MsgId={msg_id}") is None
        row = s.get(DialogRow, f"wechat:{user.openid}")
        assert row is not None and row.state == "filing_confirm"
        assert row.data.startswith(SEALED) and "张三" not in row.data  # sealed at rest (issue 14 §4)
        opened = unseal(row.data, PiiCipher(fx.server_env(tmp_path, url).get("PII_KEY") or DEFAULT_PII_KEY))
        assert "plaintiff_id" in opened and "张三" in opened  # the form answered before the crash

    restarted = ProductServer(fx.server_env(tmp_path, url, DB_AUTO_MIGRATE="false"), tmp_path / "restarted.log")
    try:
        restarted.wait_ready(similar_cases=False, timeout=180)
        with httpx.Client(base_url=restarted.base, timeout=30) as http:
            retry = send(http, wxc, user.openid, "确认", msg_id=msg_id)  # WeChat's retry of the same message
            again = send(http, wxc, user.openid, "确认", msg_id=msg_id)
        assert retry.status == 200 and "编号LA-" in retry.reply
        assert again.reply == retry.reply
    finally:
        log = restarted.output()
        restarted.stop()
    assert "Traceback" not in log, log[-3000:]
    with factory() as s:
        records = s.scalars(select(CaseRecord).where(CaseRecord.user_id == user.openid)).all()
        assert len(records) == 1
        parties = s.scalars(select(CaseParty).where(CaseParty.record_id == records[0].id)).all()
        assert sorted(p.role for p in parties) == ["defendant", "plaintiff"]
        row = s.get(DialogRow, f"wechat:{user.openid}")
        assert row is not None and row.state == "done"
    assert fx.counts(factory, user.openid)["half_written"] == 0
    factory.kw["bind"].dispose()


def test_kill_9_mid_handoff_on_sqlite(tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient) -> None:
    _crash_and_retry(tmp_path, fx, wxc, f"sqlite:///{tmp_path / 'crash.sqlite3'}")


@pytest.mark.postgres
def test_kill_9_mid_handoff_on_postgresql(
    tmp_path: Path, fx: SimpleNamespace, wxc: WeChatClient, pg_url: str, pg_factory: Any
) -> None:
    _crash_and_retry(tmp_path, fx, wxc, pg_url)
