"""The whole product in process for the hand-off conversations (``server.create_app`` with its lifespan, fake
embedder, a fresh SQLite file, WeChat in safe mode), shared by a module's tests: litigants on the chat page
(``POST /api/chat``, each with their own cookie jar) and on WeChat (signed, encrypted callbacks), and staff signed
in to the workbench.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(REPO))

from bench.wxclient import Account, WeChatClient  # noqa: E402
from core.settings import Settings  # noqa: E402

ACCOUNT = Account(token="reach-token", aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                  appid="wxreach00000000000")
PII_KEY = "x8bFqCmW0mC0sP5lqTzN2a3XW6yF4b2cRkL9dS1vE7g="
LOAN = "去年三月朋友王五借了我五万块钱，写了借条，到期一直不还"
ROUTES = "请回复数字 1、2 或 3"
_ids = itertools.count(1)


def make_settings(tmp: Path, make: Callable[..., Settings], **overrides: Any) -> Settings:
    return make(
        tmp,
        wechat_token=ACCOUNT.token,
        wechat_encoding_aes_key=ACCOUNT.aes_key,
        wechat_appid=ACCOUNT.appid,
        wechat_message_mode="safe",
        session_secret="reach-session-secret",
        pii_key=PII_KEY,
        **overrides,
    )


@pytest.fixture(scope="module")
def product(
    tmp_path_factory: pytest.TempPathFactory, product_settings: Callable[..., Settings]
) -> Iterator[TestClient]:
    """The app with its lifespan running (a fast password hash for the staff accounts the tests make)."""
    from argon2 import PasswordHasher

    import casework.staff
    from server import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(casework.staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        app = create_app(make_settings(tmp_path_factory.mktemp("reach"), product_settings))
        with TestClient(app, follow_redirects=False) as client:
            yield client


class ChatPerson:
    """One person on the chat page: their own cookie jar, a fresh message id per message."""

    def __init__(self, product: TestClient, **kw: Any) -> None:
        self.client = TestClient(product.app, follow_redirects=False, **kw)  # no "with": the lifespan runs once
        self.last: dict[str, Any] = self.client.post("/api/chat", json={"event": "open"}).json()

    def say(self, text: str, message_id: str | None = None) -> str:
        r = self.client.post("/api/chat", json={"text": text, "message_id": message_id or f"m{next(_ids)}"})
        assert r.status_code == 200, r.text
        self.last = r.json()
        return "\n".join(self.last["parts"])

    @property
    def user_id(self) -> str:
        return "web-" + str(self.client.cookies.get("chat_id"))


class WxPerson:
    """One person on WeChat (safe mode: signed and encrypted), pages followed with "1"."""

    def __init__(self, product: TestClient, openid: str) -> None:
        self.product, self.openid, self.wx = product, openid, WeChatClient(ACCOUNT)
        self.user_id = openid

    def say(self, text: str) -> str:
        pages = []
        while True:
            req = self.wx.text(self.openid, text, "aes", msg_id=str(9_000_000 + next(_ids)))
            resp = self.product.post("/wechat", params=req.params, content=req.body,
                                     headers={"Content-Type": "text/xml"})
            assert resp.status_code == 200, resp.text
            page = self.wx.read_reply(resp.text, "aes", self.openid)
            pages.append(page)
            if "回复 1 继续" not in page:
                return "\n".join(pages)
            text = "1"


def to_routes(person: ChatPerson | WxPerson, story: str = LOAN) -> str:
    """The story told, the cause confirmed, every question answered "不知道": the routes' reply."""
    reply = person.say(story)
    reply = person.say("是" if "【" in reply else "1")
    for _ in range(8):
        if ROUTES in reply:
            return reply
        reply = person.say("不知道")
    raise AssertionError(reply)


FORM = {"姓名": "赵敏", "身份证": "11010519491231002X", "手机": "13912345678", "住址": "焦作市山阳区焦东街道1号",
        "名字": "王五", "要求": "判令被告归还借款5万元", "对方的住址": "焦作市山阳区新城街道"}


def file_by_chat(person: ChatPerson | WxPerson) -> str:
    """The loan taken to online filing, the form filled in and confirmed: the filing's reference."""
    to_routes(person)
    reply = person.say("2")
    for _ in range(10):
        if "请核对" in reply:
            return ref_in(person.say("确认"))
        key = next(k for k in sorted(FORM, key=len, reverse=True) if k in reply.splitlines()[-1])
        reply = person.say(FORM[key])
    raise AssertionError(reply)


def record_id(product: TestClient, ref: str) -> int:
    from sqlalchemy import select

    from casework.models import CaseRecord

    with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        found = s.scalar(select(CaseRecord.id).where(CaseRecord.ref == ref))
        assert found is not None, ref
        return int(found)


def csrf_of(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", {"name": "csrf_token"})
    assert field is not None, html[:300]
    return str(field["value"])


class Staff:
    """A workbench session of one staff member, made on the fly (its own cookie jar)."""

    PASSWORD = "pw-reach-staff-01"

    def __init__(self, product: TestClient, role: str, group: str | None = None) -> None:
        import casework.staff

        username = f"{role}-{group or 'all'}-{next(_ids)}"
        with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
            casework.staff.create_staff(s, username, username, role, self.PASSWORD, group=group)
            s.commit()
        self.client = TestClient(product.app, follow_redirects=False)
        csrf = csrf_of(self.client.get("/workbench/login").text)
        r = self.client.post("/workbench/login",
                             data={"username": username, "password": self.PASSWORD, "csrf_token": csrf})
        assert r.status_code == 303, r.text[:300]
        self.csrf = csrf_of(self.client.get("/workbench/notifications").text)

    def get(self, url: str) -> Any:
        return self.client.get(url)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data={"csrf_token": self.csrf, **data})


def ref_in(text: str) -> str:
    found = re.search(r"[A-Z]{2}-\d{4}-\d{4,}", text)
    assert found, text
    return found.group(0)


@pytest.fixture(scope="session")
def reach() -> SimpleNamespace:
    """Helpers for test modules (conftest modules are not importable under importlib mode)."""
    return SimpleNamespace(ChatPerson=ChatPerson, WxPerson=WxPerson, Staff=Staff, to_routes=to_routes, ref_in=ref_in,
                           LOAN=LOAN, PII_KEY=PII_KEY, make_settings=make_settings, file_by_chat=file_by_chat,
                           record_id=record_id)
