from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import casework.models  # noqa: F401 - registers the tables
from casework.notify import RecordingNotifier
from casework.staff import create_staff
from core.db import Base, make_engine, make_sessionmaker
from core.settings import Settings

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 2026-11-20 10:00 in 焦作


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        app_env="test",
        database_url=f"sqlite:///{tmp_path / 'cw.sqlite3'}",
        session_secret="test-secret",
        pii_key=PII_KEY,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    eng = make_engine("sqlite:///:memory:")  # one connection per thread: fast, isolated per test
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def staff(session: Session):  # type: ignore[no-untyped-def]
    """One account per role (mediators of two committees), committed."""
    people = {
        "mediator": create_staff(session, "med1", "调解员甲", "mediator", "pw-mediator-1", group="sy-jiaodong"),
        "mediator_other": create_staff(session, "med2", "调解员乙", "mediator", "pw-mediator-2", group="sy-traffic"),
        "clerk": create_staff(session, "clerk1", "立案员", "clerk", "pw-clerk-1"),
        "operator": create_staff(session, "op1", "话务员", "operator", "pw-operator-1"),
        "manager": create_staff(session, "mgr1", "庭长", "manager", "pw-manager-1"),
        "admin": create_staff(session, "admin1", "管理员", "admin", "pw-admin-1"),
    }
    session.commit()
    return people


@pytest.fixture(autouse=True)
def _fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with tiny parameters: the tests check behaviour, not hashing cost."""
    from argon2 import PasswordHasher

    import casework.staff

    monkeypatch.setattr(casework.staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


PII_KEY = "x8bFqCmW0mC0sP5lqTzN2a3XW6yF4b2cRkL9dS1vE7g="  # a throwaway Fernet key for tests
ID_A = "11010519491231002X"  # domain-facts §8.1 worked example (female)
PHONE_A = "13800138000"


def request(kind: str = "referral", **over: object):  # type: ignore[no-untyped-def]
    from casework.service import Applicant, HandoffRequest, Party

    base: dict[str, object] = {
        "kind": kind,
        "user_id": "openid-1",
        "channel": "wechat",
        "dedupe_key": f"msg-{kind}-1",
        "cause": "民间借贷纠纷",
        "summary": "2024年3月借给王五5万元，约定一年归还，至今未还。",
        "facts": {"amount": 50000, "evidence": ["借条", "转账记录"]},
        "assessment": {"similar_cases": [{"id": "c1", "title": "（2021）豫0811民初123号", "outcome": "支持"}]},
        "consent": True,
        "applicant": Applicant(name="李四", id_number=ID_A, phone=PHONE_A, address="焦作市山阳区焦东街道"),
        "defendant": Party(name="王五", address="焦作市山阳区新城街道"),
        "area": "焦东街道",
        "claims": ["判令被告归还借款50000元"],
    }
    base.update(over)
    return HandoffRequest.model_validate(base)


@pytest.fixture
def make(session: Session, notifier: RecordingNotifier, settings: Settings):  # type: ignore[no-untyped-def]
    """make(kind, state=None, **request overrides) → the CaseRecord (state forced for lifecycle tests)."""
    from casework.machine import lifecycle
    from casework.models import CaseRecord
    from casework.service import create_handoff

    counter = iter(range(1, 10_000))

    def _make(kind: str = "referral", state: str | None = None, **over: object) -> CaseRecord:
        over.setdefault("dedupe_key", f"auto-{kind}-{next(counter)}")
        ref = create_handoff(session, request(kind, **over), notifier, settings=settings, now=NOW)
        record = session.get(CaseRecord, ref.id)
        assert record is not None
        if state is not None:
            lc = lifecycle(kind)
            assert state in lc.states
            record.state = state
            spec = lc.states[state]
            record.due_at = None if spec.terminal else NOW + (spec.due or lc.states[lc.initial].due)  # type: ignore[operator]
            session.flush()
        return record

    return _make


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def build():  # type: ignore[no-untyped-def]
    """build(kind, **overrides) → a HandoffRequest with sensible defaults."""
    return request
