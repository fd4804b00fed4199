"""Shared pieces of the fault tests: the test account, server environments, database counts, a TCP proxy.

``bench/`` (the simulated litigant, the WeChat request builder, the server subprocess) is a folder of the
repository, not an installed package, so the repository root is put on ``sys.path`` here.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.user import Persona, SimUser  # noqa: E402
from bench.wxclient import Account, WeChatClient  # noqa: E402
from bot.store import DialogRow, ProcessedMessage  # noqa: E402
from casework.models import CaseRecord  # noqa: E402
from core.db import make_engine, make_sessionmaker  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402

ACCOUNT = Account(token="fault-token", aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", appid="wxfault0000000000")
STORY = "朋友借我三万块钱一直不还，有借条"
ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def server_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "CHROMA_PATH": str(tmp / "chroma"),
        "BM25_PATH": str(tmp / "bm25"),
        "EMBEDDING_MODEL": "fake",
        "AUTO_INGEST": "false",
        "WECHAT_TOKEN": ACCOUNT.token,
        "WECHAT_ENCODING_AES_KEY": ACCOUNT.aes_key,
        "WECHAT_APPID": ACCOUNT.appid,
        "WECHAT_MESSAGE_MODE": "plain",  # the tests send both plaintext and encrypted callbacks
        "WECHAT_APPSECRET": "change-me",
        "LOG_LEVEL": "INFO",
        **extra,
    }


def filing_user(openid: str, route: str = "filing") -> SimUser:
    persona = Persona(story=STORY, route=route, name="张三", id_number=ID_NUMBER, phone=PHONE)  # type: ignore[arg-type]
    return SimUser(openid, persona)


def counts(factory: sessionmaker[Session], openid: str) -> dict[str, Any]:
    """What the database holds for one person: records, processed messages, the dialog state."""
    with factory() as s:
        records = s.scalar(select(func.count()).select_from(CaseRecord).where(CaseRecord.user_id == openid))
        processed = s.scalar(
            select(func.count()).select_from(ProcessedMessage).where(ProcessedMessage.session_key == f"wechat:{openid}")
        )
        half = s.scalar(
            select(func.count()).select_from(ProcessedMessage).where(ProcessedMessage.reply == "{}")
        )
        row = s.get(DialogRow, f"wechat:{openid}")
        return {"records": records, "processed": processed, "half_written": half, "state": row.state if row else None}


def migrated_factory(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    upgrade_to_head(engine)
    return make_sessionmaker(engine)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class TcpProxy:
    """A loopback TCP relay to ``target`` that the test can cut (drops every connection and refuses new ones)
    and restore: a database or Chroma server that becomes unreachable for a while, then comes back."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._up.is_set():
                client.close()  # refused while cut
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)  # idle keep-alive connections stay open, as with a direct connection
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass  # the other side or cut() closed it; closing both below ends the relay
        finally:
            for sock in (src, dst):
                _close(sock)

    def cut(self) -> None:
        self._up.clear()
        with self._lock:
            conns, self._conns = self._conns, []
        for sock in conns:
            _close(sock)

    def restore(self) -> None:
        self._up.set()

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self._listener.close()


@pytest.fixture
def proxy_factory() -> Iterator[Any]:
    made: list[TcpProxy] = []

    def make(port: int) -> TcpProxy:
        made.append(TcpProxy(port))
        return made[-1]

    yield make
    for p in made:
        p.close()


@pytest.fixture
def wxc() -> WeChatClient:
    return WeChatClient(ACCOUNT)


@pytest.fixture(scope="session")
def fx() -> SimpleNamespace:
    """The module-level helpers for test modules (conftest modules are not importable under importlib mode)."""
    return SimpleNamespace(
        ACCOUNT=ACCOUNT,
        STORY=STORY,
        ID_NUMBER=ID_NUMBER,
        PHONE=PHONE,
        server_env=server_env,
        filing_user=filing_user,
        counts=counts,
        migrated_factory=migrated_factory,
        text=text,
    )
