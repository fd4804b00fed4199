"""The Alembic migrations create exactly the tables the models declare (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session, sessionmaker

import bot.models  # noqa: F401
from core.db import Base


def _diff(factory: sessionmaker[Session]) -> list[object]:
    engine = factory.kw["bind"]
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return list(compare_metadata(ctx, Base.metadata))


def test_sqlite_schema_matches_models(sqlite_factory: sessionmaker[Session]) -> None:
    assert _diff(sqlite_factory) == [], "generate a migration: alembic revision --autogenerate"


import pytest  # noqa: E402


@pytest.mark.postgres
def test_postgres_schema_matches_models(pg_factory: sessionmaker[Session]) -> None:
    assert _diff(pg_factory) == [], "generate a migration: alembic revision --autogenerate"
