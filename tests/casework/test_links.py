"""Complaint download links: the signature, the record's own key, expiry, withdrawal, and the migration that gives
existing filings their key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from casework.errors import RecordNotFound
from casework.links import PATH_PREFIX, download_path, download_token, open_download
from casework.models import CaseRecord
from casework.service import create_handoff, person_action
from core.db import make_engine
from core.migrate import alembic_config
from core.settings import Settings

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _token(path: str | None) -> str:
    assert path and path.startswith(PATH_PREFIX)
    return path[len(PATH_PREFIX):]


def test_a_link_needs_the_secret_and_the_records_own_key(session: Session, notifier, settings: Settings,  # type: ignore[no-untyped-def]
                                                         build) -> None:
    ref = create_handoff(session, build("filing", dedupe_key="f1"), notifier, settings=settings, now=NOW)
    record = session.get(CaseRecord, ref.id)
    assert record is not None
    assert record.download_key and len(record.download_key) >= 22
    assert open_download(session, settings.session_secret, _token(ref.download_path)).id == record.id
    with pytest.raises(RecordNotFound):
        open_download(session, "another-secret", _token(ref.download_path))
    with pytest.raises(RecordNotFound):
        open_download(session, settings.session_secret, download_token(settings.session_secret, record.id, "guess"))
    with pytest.raises(RecordNotFound):
        open_download(session, settings.session_secret, _token(ref.download_path), max_age_s=-1)
    other = create_handoff(session, build("filing", dedupe_key="f2"), notifier, settings=settings, now=NOW)
    other_record = session.get(CaseRecord, other.id)
    assert other_record is not None and other_record.download_key != record.download_key


def test_withdrawal_ends_the_link(session: Session, notifier, settings: Settings, build) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("filing", dedupe_key="w1"), notifier, settings=settings, now=NOW)
    token = _token(ref.download_path)
    after = person_action(session, "openid-1", ref.ref, "withdraw", notifier, settings=settings, now=NOW)
    assert after.download_path is None
    with pytest.raises(RecordNotFound) as info:
        open_download(session, settings.session_secret, token)
    assert "撤回" in info.value.user_message
    record = session.get(CaseRecord, ref.id)
    assert record is not None and download_path(settings.session_secret, record) is None


def test_the_migration_gives_existing_filings_a_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        for i, kind in enumerate(("filing", "ticket", "filing")):
            conn.execute(text(
                "INSERT INTO case_records (ref, kind, state, user_id, channel, dedupe_key, summary, facts, claims,"
                " evidence, facts_and_reasons, consent, correction_count, outcome, created_at, updated_at, version)"
                f" VALUES ('R-{i}', '{kind}', 'submitted', 'u', 'wechat', 'd{i}', '', '{{}}', '[]', '[]', '', 0, 0,"
                " '{}', '2026-11-20 09:00:00', '2026-11-20 09:00:00', 1)"
            ))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        keys = dict(conn.execute(text("SELECT ref, download_key FROM case_records")).all())
    engine.dispose()
    assert keys["R-1"] is None
    assert keys["R-0"] and keys["R-2"] and keys["R-0"] != keys["R-2"]
