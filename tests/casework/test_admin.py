"""The staff CLI, run as a real process against a temporary SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.models import StaffUser
from core.db import Base, make_engine, make_sessionmaker

ROOT = Path(__file__).resolve().parents[2]


def _run(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "APP_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "casework.admin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.slow  # three interpreter start-ups
def test_create_and_list_staff(tmp_path: Path) -> None:
    db = tmp_path / "admin.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    Base.metadata.create_all(engine)
    ok = _run(
        db,
        "create-staff",
        "--username",
        "boss",
        "--role",
        "admin",
        "--name",
        "管理员",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert ok.returncode == 0, ok.stderr
    assert "created staff" in ok.stdout
    refused = _run(
        db,
        "create-staff",
        "--username",
        "med1",
        "--role",
        "mediator",
        "--name",
        "调解员",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert refused.returncode == 2 and "调解委员会" in refused.stderr
    short = _run(
        db,
        "create-staff",
        "--username",
        "clerk1",
        "--role",
        "clerk",
        "--name",
        "立案员",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.returncode == 2
    listed = _run(db, "list-staff")
    assert listed.returncode == 0 and "boss\tadmin" in listed.stdout
    with make_sessionmaker(engine)() as s:
        users = s.scalars(select(StaffUser)).all()
        assert [u.username for u in users] == ["boss"]
        assert users[0].password_hash.startswith("$argon2id$") and "a-long-password" not in users[0].password_hash
    engine.dispose()
