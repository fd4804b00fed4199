"""§9: /healthz reports each dependency (the database by a SELECT 1 through the runtime's sessions, the
similar-case searcher) and answers 503 while the database is down."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from core.db import make_sessionmaker


def test_healthz_reports_each_dependency(product: TestClient) -> None:
    r = product.get("/healthz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True
    assert body["database"] is True
    assert isinstance(body["similar_cases"], bool)


def test_healthz_is_503_while_the_database_is_down(product: TestClient, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    down = create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'bot.sqlite3'}")
    runtime = product.app.state.runtime  # type: ignore[attr-defined]
    monkeypatch.setattr(runtime, "sessions", make_sessionmaker(down))
    r = product.get("/healthz")
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["ok"] is False
    assert body["database"] is False
    assert "no-such-dir" not in r.text  # no internals
    monkeypatch.undo()
    assert product.get("/healthz").status_code == 200


def test_healthz_is_503_without_a_database(product: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(product.app.state.runtime, "sessions", None)  # type: ignore[attr-defined]
    r = product.get("/healthz")
    assert r.status_code == 503
    assert r.json()["database"] is False
