"""Shared fixtures: test settings, SQLite and PostgreSQL databases.

PostgreSQL: ``TEST_DATABASE_URL`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test) names a server;
each test session creates its own fresh database there (``suqian_test_<pid>``), migrates it, and drops it at
the end. If the server does not answer, PostgreSQL tests are skipped — unless ``REQUIRE_POSTGRES=1`` (CI), which
turns that into a failure, so CI can never pass with them silently skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from core.db import make_engine, make_sessionmaker
from core.migrate import upgrade_to_head
from core.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from knowledge import Knowledge

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SHARED = REPO_ROOT.parent / "shared"


def make_test_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "test",
        "database_url": f"sqlite:///{tmp / 'bot.sqlite3'}",
        "chroma_path": tmp / "chroma",
        "bm25_path": tmp / "bm25",
        "embedding_model": "fake",
        "auto_ingest": False,
        "corpus_path": SHARED / "data",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_test_settings(tmp_path)


@pytest.fixture(scope="session")
def product_settings() -> Callable[..., Settings]:
    """:func:`make_test_settings` as a fixture — ``product_settings(tmp, **overrides)`` — for the tests that run the
    project's own app (``server.create_app``) from a module-scoped fixture with a folder of their own."""
    return make_test_settings


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The real knowledge tables with keyword recognition (no embedding model), built once per test session."""
    from knowledge import build_knowledge

    return build_knowledge(Settings(app_env="test"), embedder=None)


@pytest.fixture(scope="session")
def knowledge(kb: Knowledge) -> Knowledge:
    """The same tables under the name the knowledge and bot tests use (built once, not once per module)."""
    return kb


@pytest.fixture
def sqlite_factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade_to_head(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def _pg_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    server = make_url(_pg_server_url())
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL at {server.render_as_string()} is unreachable: {exc}")
        pytest.skip(f"no PostgreSQL at {server.render_as_string()}")
    name = f"suqian_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_factory(pg_url: str) -> Iterator[sessionmaker[Session]]:
    """A sessionmaker on the session's PostgreSQL database; every table is emptied after the test."""
    import bot.models  # noqa: F401
    from core.db import Base

    engine = make_engine(pg_url)
    yield make_sessionmaker(engine)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
