from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

import bot.wechat.outbox  # noqa: F401 - registers the outbox table (the record page reads deliveries)
import casework.models  # noqa: F401 - registers the tables
import web
from app.runtime import Runtime
from casework.notify import RecordingNotifier
from casework.service import Applicant, HandoffRequest, Party, create_handoff
from casework.staff import create_staff
from core.db import Base, make_engine, make_sessionmaker
from core.settings import Settings

PII_KEY = "x8bFqCmW0mC0sP5lqTzN2a3XW6yF4b2cRkL9dS1vE7g="
ID_A = "11010519491231002X"
PHONE_A = "13800138000"
PASSWORDS = {
    "med1": "pw-mediator-1",
    "med2": "pw-mediator-2",
    "clerk1": "pw-clerk-001",
    "op1": "pw-operator-1",
    "mgr1": "pw-manager-1",
    "admin1": "pw-admin-0001",
}


@pytest.fixture(autouse=True)
def _fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    import casework.staff

    monkeypatch.setattr(casework.staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        app_env="test",
        database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}",
        session_secret="web-test-secret",
        pii_key=PII_KEY,
    )


@pytest.fixture
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def app(settings: Settings, factory: sessionmaker[Session], notifier: RecordingNotifier) -> FastAPI:
    application = FastAPI()
    application.state.runtime = Runtime(settings=settings, sessions=factory, notifier=notifier)
    web.setup(application, settings)
    return application


@pytest.fixture
def staff_ids(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        users = [
            create_staff(s, "med1", "调解员甲", "mediator", PASSWORDS["med1"], group="sy-jiaodong"),
            create_staff(s, "med2", "调解员乙", "mediator", PASSWORDS["med2"], group="sy-traffic"),
            create_staff(s, "clerk1", "立案员", "clerk", PASSWORDS["clerk1"]),
            create_staff(s, "op1", "话务员", "operator", PASSWORDS["op1"]),
            create_staff(s, "mgr1", "庭长", "manager", PASSWORDS["mgr1"]),
            create_staff(s, "admin1", "管理员", "admin", PASSWORDS["admin1"]),
        ]
        s.commit()
        return {u.username: u.id for u in users}


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def csrf_of(response: Any) -> str:
    field = soup(response).find("input", {"name": "csrf_token"})
    assert field is not None, response.text[:500]
    return str(field["value"])


class Browser:
    """A TestClient signed in as one staff member, with the CSRF token of its session."""

    def __init__(self, app: FastAPI, username: str | None) -> None:
        self.client = TestClient(app, base_url="http://testserver", follow_redirects=False)
        self.csrf = csrf_of(self.client.get("/workbench/login"))
        if username is not None:
            r = self.client.post(
                "/workbench/login",
                data={"username": username, "password": PASSWORDS[username], "csrf_token": self.csrf},
            )
            assert r.status_code == 303, r.text
            self.csrf = csrf_of(
                self.client.get("/workbench/notifications" if username != "admin1" else "/workbench/staff")
            )

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        payload = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=payload, **kw)


@pytest.fixture
def browser(app: FastAPI, staff_ids: dict[str, int]):  # type: ignore[no-untyped-def]
    made: list[Browser] = []

    def _browser(username: str | None) -> Browser:
        b = Browser(app, username)
        made.append(b)
        return b

    yield _browser
    for b in made:
        b.client.close()


def _request(kind: str, key: str, **over: Any) -> HandoffRequest:
    base: dict[str, Any] = {
        "kind": kind,
        "user_id": "openid-9",
        "channel": "wechat",
        "dedupe_key": key,
        "cause": "民间借贷纠纷",
        "summary": "2024年借给王五5万元未还。<script>alert(1)</script>",
        "facts": {"amount": 50000, "evidence": ["借条"]},
        "assessment": {"similar_cases": [{"id": "c1", "title": "（2021）豫0811民初1号", "outcome": "支持原告"}]},
        "consent": True,
        "applicant": Applicant(name="李四", id_number=ID_A, phone=PHONE_A, address="焦东街道"),
        "defendant": Party(name="王五", address="新城街道"),
        "area": "焦东街道",
        "claims": ["判令被告归还借款50000元"],
    }
    base.update(over)
    return HandoffRequest.model_validate(base)


@pytest.fixture
def records(factory: sessionmaker[Session], settings: Settings, notifier: RecordingNotifier) -> dict[str, int]:
    """One referral (committee sy-jiaodong), one filing, one ticket, one referral of another committee."""
    out = {}
    with factory() as s:
        for name, kind, over in (
            ("referral", "referral", {}),
            ("filing", "filing", {}),
            ("ticket", "ticket", {"category": "petition"}),
            ("traffic", "referral", {"cause": "机动车交通事故责任纠纷"}),
        ):
            out[name] = create_handoff(s, _request(kind, f"m-{name}", **over), notifier, settings=settings).id
        s.commit()
    return out
