"""The whole product in process (``server.create_app`` with its lifespan, fake embedder, a fresh SQLite file),
shared by a module's tests, with staff accounts and a signed-in workbench browser.

``bench/`` (the WeChat request builder and the simulated litigant) is a folder of the repository, not an
installed package, so the repository root is put on ``sys.path`` here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.wxclient import Account, WeChatClient  # noqa: E402
from bot.store import ProcessedMessage  # noqa: E402
from core.settings import Settings  # noqa: E402

ACCOUNT = Account(token="badinput-token", aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                  appid="wxbadinput0000000")
PASSWORDS = {"clerk1": "pw-clerk-0001", "op1": "pw-operator-01", "mgr1": "pw-manager-01", "admin1": "pw-admin-0001",
             "med1": "pw-mediator-01"}


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    """The whole product's settings for ``ACCOUNT``: plain mode by default (the tests send both plaintext and
    encrypted callbacks); ``overrides`` replace any field (``wechat_message_mode=None`` leaves the default)."""
    values: dict[str, Any] = {
        "app_env": "test",
        "database_url": f"sqlite:///{tmp / 'bot.sqlite3'}",
        "chroma_path": tmp / "chroma",
        "bm25_path": tmp / "bm25",
        "embedding_model": "fake",
        "auto_ingest": False,
        "wechat_token": ACCOUNT.token,
        "wechat_encoding_aes_key": ACCOUNT.aes_key,
        "wechat_appid": ACCOUNT.appid,
        "wechat_message_mode": "plain",
        "session_secret": "badinput-session-secret",
    }
    values.update(overrides)
    return Settings(**{k: v for k, v in values.items() if v is not None})


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with its lifespan running, and staff accounts (a fast password hash, for the tests' speed)."""
    from argon2 import PasswordHasher

    import casework.staff
    from server import create_app

    tmp = tmp_path_factory.mktemp("badinput")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(casework.staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        app = create_app(make_settings(tmp))
        with TestClient(app, follow_redirects=False) as client:
            factory = app.state.runtime.sessions
            with factory() as s:
                for username, role, group in (("clerk1", "clerk", None), ("op1", "operator", None),
                                              ("mgr1", "manager", None), ("admin1", "admin", None)):
                    casework.staff.create_staff(s, username, username, role, PASSWORDS[username], group=group)
                s.commit()
            yield client


def csrf_of(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", {"name": "csrf_token"})
    assert field is not None, html[:300]
    return str(field["value"])


class Staff:
    """A workbench session of one staff member (its own cookie jar) on the product app."""

    def __init__(self, product: TestClient, username: str) -> None:
        self.client = TestClient(product.app, follow_redirects=False)  # no "with": the lifespan runs once
        csrf = csrf_of(self.client.get("/workbench/login").text)
        r = self.client.post("/workbench/login",
                             data={"username": username, "password": PASSWORDS[username], "csrf_token": csrf})
        assert r.status_code == 303, r.text[:300]
        self.csrf = csrf_of(self.client.get("/workbench/notifications").text)

    def get(self, url: str) -> Any:
        return self.client.get(url)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data={"csrf_token": self.csrf, **data})


def half_written(product: TestClient) -> int:
    """Processed messages claimed but never given their reply: a step that was cut in half."""
    factory = product.app.state.runtime.sessions  # type: ignore[attr-defined]
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(ProcessedMessage).where(ProcessedMessage.reply == "{}"))
                   or 0)


@pytest.fixture(scope="session")
def bx() -> SimpleNamespace:
    """Helpers for test modules (conftest modules are not importable under importlib mode)."""
    return SimpleNamespace(
        ACCOUNT=ACCOUNT,
        Staff=Staff,
        half_written=half_written,
        client=WeChatClient(ACCOUNT),
        make_settings=make_settings,
    )
