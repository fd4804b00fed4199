from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import bot.models  # noqa: F401 - registers the dialog, outbox and casework tables (records come from a chat)
import web
from app.runtime import Runtime
from bot.engine import DialogEngine, Services
from bot.handoff_casework import CaseworkHandoff
from bot.messages import Channel, IncomingText
from bot.store import SessionKey, SqlDialogStore
from casework.models import CaseRecord
from casework.notify import Notifier, RecordingNotifier
from casework.service import HandoffRequest, create_handoff
from casework.staff import create_staff
from core.db import Base, make_engine, make_sessionmaker
from core.settings import Settings
from knowledge import Knowledge
from retrieval.types import CauseFilter, Hit, SearchResult, TraceEntry, cause_names

PII_KEY = "x8bFqCmW0mC0sP5lqTzN2a3XW6yF4b2cRkL9dS1vE7g="
ID_A = "11010519491231002X"
PHONE_A = "13800138000"
PHONE_B = "13900139000"  # the referral's applicant, left with consent before the hand-off
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


# --- records handed off through a real conversation ------------------------------------------------------------

TODAY = date(2026, 11, 24)
OPENID = "openid-9"
SIMILAR_CASE = "（2021）豫0811民初1号"
# The summary of the loan's records carries markup the page must escape.
LOAN_STORY = "2024年3月借给朋友王五5万元，说好一年还，有借条和转账记录，催了几次一直不还。<script>alert(1)</script>"
TRAFFIC_STORY = "上个月在山阳区被一辆小轿车撞了，腿骨折住院，花了两万医疗费，交警认定对方全责"
FILING_FORM = {
    "plaintiff_name": "李四",
    "plaintiff_id": ID_A,
    "plaintiff_phone": PHONE_A,
    "plaintiff_address": "焦作市山阳区焦东街道",
    "defendant_name": "王五",
    "defendant_address": "焦作市山阳区新城街道",
    "claims": "判令被告归还借款50000元",
}


LOAN_CAUSE = "民间借贷纠纷"


class OneCaseSearcher:
    """Retrieval that always finds one similar judgment of the cause asked for (the record page shows what the
    person was shown)."""

    def search(self, query: str, k: int = 5, cause: CauseFilter = None) -> SearchResult:
        names = sorted(cause_names(cause) or {LOAN_CAUSE})  # one judgment of the cause asked for
        hit = Hit(
            id="c1",
            score=0.03,
            cause=LOAN_CAUSE if LOAN_CAUSE in names else names[0],
            outcome="supported",
            summary="被告借款未还，原告持借条起诉",
            case_number=SIMILAR_CASE,
            court="焦作市山阳区人民法院",
            year=2021,
            claims="判令被告归还借款30000元",
            decision="被告于本判决生效之日起十日内归还原告借款30000元",
            reason="借条和转账记录证明借款关系成立，被告未按约还款",
            laws=("《民法典》第六百七十五条",),
            claimed_yuan=30000,
            granted_yuan=30000,
        )
        trace = TraceEntry("c1", dense_rank=1, dense_score=0.81, bm25_rank=3, bm25_score=7.25, fused_score=0.0323)
        return SearchResult(query=query, hits=[hit], trace=[trace], cause_filter=cause)

    def outcome_distribution(self, query: str, n: int = 20, cause: CauseFilter = None) -> dict[str, int]:
        return {"supported": 7, "rejected": 2}


class Litigant:
    """One person on WeChat, talking to the dialog engine on the test's database."""

    def __init__(self, engine: DialogEngine, user: str = OPENID) -> None:
        self.engine, self.user = engine, user
        self.last = ""

    def say(self, text: str) -> str:
        msg = IncomingText(user_id=self.user, channel=Channel.WECHAT, dedupe_key=uuid.uuid4().hex, text=text)
        self.last = self.engine.handle(msg).text
        return self.last

    @property
    def data(self) -> dict[str, Any]:
        rec = self.engine.store.get(SessionKey(Channel.WECHAT.value, self.user))
        return rec.data if rec else {}

    @property
    def state(self) -> str:
        rec = self.engine.store.get(SessionKey(Channel.WECHAT.value, self.user))
        return rec.state if rec else ""

    def tell(self, story: str, cause: str, answers: dict[str, str] | None = None) -> None:
        """The story, the recognised cause confirmed, each question answered (不知道 where ``answers`` has none)."""
        self.say(story)
        assert self.state == "confirm_cause" and cause in self.last, self.last
        self.say("是")
        while self.state == "intake":
            self.say((answers or {}).get(self.data["asking"], "不知道"))
        assert self.state == "choose_route", self.last

    def handed_off(self) -> str:
        """The reference number the bot just gave."""
        assert self.state == "done", self.last
        found = re.search(r"[A-Z]{2}-\d{4}-\d{4,}", self.last)
        assert found, self.last
        return found.group(0)


def chat_engine(factory: sessionmaker[Session], settings: Settings, notifier: Notifier, kb: Knowledge) -> DialogEngine:
    """The dialog engine as the server builds it, on the test's database and notifier, with one similar case."""
    handoff = CaseworkHandoff(settings, notifier)
    services = Services(knowledge=kb, searcher=OneCaseSearcher(), handoff=handoff, today=lambda: TODAY)
    return DialogEngine(SqlDialogStore(factory), settings, services)


def handoffs_by_chat(
    engine: DialogEngine, names: tuple[str, ...] = ("referral", "filing", "traffic")
) -> dict[str, int]:
    """Each of ``names`` the end of a real conversation: "referral" — a loan taken to people's mediation
    (焦东街道); "filing" — the same loan taken to online filing, the form filled in; "traffic" — an accident taken
    to the traffic committee. Returns their record ids."""
    person = Litigant(engine)
    refs = {}
    if "referral" in names:
        person.tell(LOAN_STORY, "民间借贷纠纷", {"mediation_willing": "愿意"})
        person.say("人民调解")
        person.say("同意 焦东街道")
        person.say(f"赵六 {PHONE_B}")  # how the mediator reaches them, read back before it is sent
        person.say("确认")
        refs["referral"] = person.handed_off()
    if "filing" in names:
        person.tell(LOAN_STORY, "民间借贷纠纷", {"mediation_willing": "不愿意", "defendant_place": "新城街道"})
        person.say("网上立案")
        while person.state == "filing_form":
            person.say(FILING_FORM[person.data["asking"]])
        person.say("确认")
        refs["filing"] = person.handed_off()
    if "traffic" in names:
        person.tell(TRAFFIC_STORY, "机动车交通事故责任纠纷")
        person.say("人民调解")
        person.say("同意")
        person.say("不留")  # no number: the hand-off goes ahead, the person is told through WeChat
        refs["traffic"] = person.handed_off()
    with engine.store.factory() as s:  # type: ignore[attr-defined]
        return {name: s.scalars(select(CaseRecord.id).where(CaseRecord.ref == ref)).one() for name, ref in refs.items()}


HandOff = Callable[[sessionmaker[Session], Settings, Notifier, tuple[str, ...]], dict[str, int]]


@pytest.fixture(scope="session")
def hand_off_by_chat(kb: Knowledge) -> HandOff:
    """``(sessions, settings, notifier, names) -> record ids``: records handed off by conversations (for the
    browser test's server too, which seeds its own database)."""

    def run(
        factory: sessionmaker[Session], settings: Settings, notifier: Notifier, names: tuple[str, ...]
    ) -> dict[str, int]:
        return handoffs_by_chat(chat_engine(factory, settings, notifier, kb), names)

    return run


def petition_request(key: str) -> HandoffRequest:
    """A 12368 petition ticket. The chat never files one (its tickets are consultations): the hotline registers
    petitions, so this record is built directly — and carries no facts."""
    return HandoffRequest(
        kind="ticket",
        user_id=OPENID,
        channel="wechat",
        dedupe_key=key,
        cause="民间借贷纠纷",
        summary="反映某案件承办法官一直联系不上，请求督促。",
        consent=True,
        category="petition",
    )


@pytest.fixture
def records(
    factory: sessionmaker[Session], settings: Settings, notifier: RecordingNotifier, hand_off_by_chat: HandOff
) -> dict[str, int]:
    """One referral (committee sy-jiaodong), one filing, one referral of the traffic committee — each handed off by
    a conversation — and one petition ticket."""
    out = hand_off_by_chat(factory, settings, notifier, ("referral", "filing", "traffic"))
    with factory() as s:
        out["ticket"] = create_handoff(s, petition_request("m-ticket"), notifier, settings=settings).id
        s.commit()
    return out


@pytest.fixture
def litigant(
    factory: sessionmaker[Session], settings: Settings, notifier: RecordingNotifier, kb: Knowledge
) -> Litigant:
    """One person on WeChat talking to the dialog engine as the server builds it, on this test's database (the
    records they hand off are the ones the ``app`` fixture's workbench and download links serve)."""
    return Litigant(chat_engine(factory, settings, notifier, kb))
