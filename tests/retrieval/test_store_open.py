"""Two processes opening a new embedded store at once: the one that loses Chroma's schema race opens it again."""

from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.errors import InternalError

from retrieval import store
from retrieval.errors import StoreError


def test_the_loser_of_the_creation_race_opens_the_store_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = chromadb.PersistentClient
    calls = []

    def racing(**kwargs: Any) -> Any:
        calls.append(kwargs)
        if len(calls) == 1:
            raise InternalError("error returned from database: (code: 1) table collections already exists")
        return real(**kwargs)

    monkeypatch.setattr(store.chromadb, "PersistentClient", racing)
    monkeypatch.setattr(store.time, "sleep", lambda s: None)
    client = store.make_client(tmp_path / "chroma")
    assert len(calls) == 2 and client.heartbeat() > 0


def test_another_failure_is_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def broken(**kwargs: Any) -> Any:
        calls.append(kwargs)
        raise InternalError("disk I/O error")

    monkeypatch.setattr(store.chromadb, "PersistentClient", broken)
    with pytest.raises(StoreError, match="disk I/O error"):
        store.make_client(tmp_path / "chroma")
    assert len(calls) == 1
