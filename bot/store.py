"""Dialog state storage: one small interface, an in-memory and a SQLAlchemy implementation.

The state of a conversation is a ``DialogRecord``: the state name plus a JSON-able ``data`` dict (the facts
taken so far, pending reply pages, …), keyed by a frozen ``SessionKey``. The engine reads it, runs one
pure step, and writes it back together with the processed-message row and any hand-off record, in one
transaction: ``DialogStore.transaction()`` yields a ``DialogTx`` that does exactly that.

``tests/bot/test_store.py`` runs one suite against both implementations (and PostgreSQL when reachable).
"""

from __future__ import annotations

import copy
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db import Base, UTCDateTime, utcnow
from core.pii import PiiCipher


@dataclass(frozen=True, slots=True)
class SessionKey:
    channel: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(slots=True)
class DialogRecord:
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0  # bumped on every save; lets the SQL store detect a concurrent writer


class DialogRow(Base):
    __tablename__ = "dialog_states"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    state: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ProcessedMessage(Base):
    """One row per handled inbound message (MsgId, or FromUserName+CreateTime for events): a retry of the same
    message finds it and gets the same reply, with no side effect repeated."""

    __tablename__ = "processed_messages"

    dedupe_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    session_key: Mapped[str] = mapped_column(String(160), index=True)
    reply: Mapped[str] = mapped_column(Text)  # JSON: {"parts": [...], "quick": [...]}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class DuplicateMessage(Exception):
    """Another worker stored a reply for this message first; ``reply`` is the stored one."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__("message already handled")
        self.reply = reply


class DialogTx(ABC):
    """What one step may do inside its transaction."""

    @abstractmethod
    def load(self, key: SessionKey) -> DialogRecord | None: ...

    @abstractmethod
    def save(self, key: SessionKey, record: DialogRecord) -> None: ...

    @abstractmethod
    def clear(self, key: SessionKey) -> None: ...

    @abstractmethod
    def stored_reply(self, dedupe_key: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def claim_message(self, dedupe_key: str, key: SessionKey) -> None:
        """Claim ``dedupe_key`` at the start of a step; raises ``DuplicateMessage`` if it was handled already or
        another worker holds it (on PostgreSQL the second worker waits for the first to commit, then gets this)."""

    @abstractmethod
    def store_reply(self, dedupe_key: str, reply: dict[str, Any]) -> None:
        """Record the reply of a claimed message (committed with the step)."""

    @property
    @abstractmethod
    def session(self) -> Session | None:
        """The SQLAlchemy session of this transaction (hand-off records join it); None for the memory store."""


class DialogStore(ABC):
    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[DialogTx]: ...

    # Convenience reads/writes outside a step (tests, the CLI, the chat page's history).
    def get(self, key: SessionKey) -> DialogRecord | None:
        with self.transaction() as tx:
            return tx.load(key)

    def set(self, key: SessionKey, record: DialogRecord) -> None:
        with self.transaction() as tx:
            tx.save(key, record)

    def clear(self, key: SessionKey) -> None:
        with self.transaction() as tx:
            tx.clear(key)


# ---------------------------------------------------------------------------------------------- memory


class _MemoryTx(DialogTx):
    def __init__(self, store: MemoryDialogStore) -> None:
        self._store = store
        self._states: dict[SessionKey, DialogRecord | None] = {}
        self._replies: dict[str, tuple[SessionKey, dict[str, Any]]] = {}

    def load(self, key: SessionKey) -> DialogRecord | None:
        rec = self._states[key] if key in self._states else self._store._states.get(key)
        return copy.deepcopy(rec)

    def save(self, key: SessionKey, record: DialogRecord) -> None:
        self._states[key] = copy.deepcopy(record)

    def clear(self, key: SessionKey) -> None:
        self._states[key] = None

    def stored_reply(self, dedupe_key: str) -> dict[str, Any] | None:
        hit = self._replies.get(dedupe_key) or self._store._replies.get(dedupe_key)
        return copy.deepcopy(hit[1]) if hit else None

    def claim_message(self, dedupe_key: str, key: SessionKey) -> None:
        if dedupe_key in self._store._replies:
            raise DuplicateMessage(copy.deepcopy(self._store._replies[dedupe_key][1]))
        self._replies[dedupe_key] = (key, {})

    def store_reply(self, dedupe_key: str, reply: dict[str, Any]) -> None:
        key, _ = self._replies[dedupe_key]
        self._replies[dedupe_key] = (key, copy.deepcopy(reply))

    @property
    def session(self) -> Session | None:
        return None

    def commit(self) -> None:
        for key, rec in self._states.items():
            if rec is None:
                self._store._states.pop(key, None)
            else:
                previous = self._store._states.get(key)
                rec.version = (previous.version if previous else 0) + 1
                self._store._states[key] = rec
        self._store._replies.update(self._replies)


class MemoryDialogStore(DialogStore):
    """For tests and the CLI. One lock serialises transactions, so concurrent steps behave like the SQL store."""

    def __init__(self) -> None:
        self._states: dict[SessionKey, DialogRecord] = {}
        self._replies: dict[str, tuple[SessionKey, dict[str, Any]]] = {}
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[DialogTx]:
        with self._lock:
            tx = _MemoryTx(self)
            yield tx
            tx.commit()


# ------------------------------------------------------------------------------------------ SQLAlchemy


# Dialog state and stored replies are sealed at rest with the PII key (Fernet): a person's story and answers hold ID
# and phone numbers, and nothing in clear may stay in the database (issue 14 §4). Rows written before sealing (plain
# JSON) still load; the next save seals them.
SEALED = "sealed:"


def seal(payload: str, cipher: PiiCipher | None) -> str:
    return SEALED + cipher.encrypt(payload) if cipher is not None else payload


def unseal(stored: str, cipher: PiiCipher | None) -> str:
    """The JSON text of a stored dialog state or reply (sealed or, from before sealing, plain)."""
    if stored.startswith(SEALED):
        if cipher is None:
            raise ValueError("a sealed dialog row and no PII key to open it")
        return cipher.decrypt(stored[len(SEALED) :])
    return stored


class _SqlTx(DialogTx):
    def __init__(self, session: Session, cipher: PiiCipher | None = None) -> None:
        self._session = session
        self._cipher = cipher

    def load(self, key: SessionKey) -> DialogRecord | None:
        row = self._session.get(DialogRow, str(key))
        if row is None:
            return None
        return DialogRecord(state=row.state, data=json.loads(unseal(row.data, self._cipher)), version=row.version)

    def save(self, key: SessionKey, record: DialogRecord) -> None:
        payload = seal(json.dumps(record.data, ensure_ascii=False, default=str), self._cipher)
        row = self._session.get(DialogRow, str(key))
        if row is None:
            self._session.add(DialogRow(key=str(key), state=record.state, data=payload, version=1))
        else:
            row.state = record.state
            row.data = payload
            row.version = row.version + 1
        self._session.flush()

    def clear(self, key: SessionKey) -> None:
        row = self._session.get(DialogRow, str(key))
        if row is not None:
            self._session.delete(row)
            self._session.flush()

    def stored_reply(self, dedupe_key: str) -> dict[str, Any] | None:
        row = self._session.execute(
            select(ProcessedMessage.reply).where(ProcessedMessage.dedupe_key == dedupe_key)
        ).scalar_one_or_none()
        return json.loads(unseal(row, self._cipher)) if row is not None else None

    def claim_message(self, dedupe_key: str, key: SessionKey) -> None:
        stored = self.stored_reply(dedupe_key)
        if stored is not None:
            raise DuplicateMessage(stored)
        self._session.add(ProcessedMessage(dedupe_key=dedupe_key, session_key=str(key), reply="{}"))
        try:
            self._session.flush()
        except IntegrityError as exc:
            # Another worker committed this message first: this step is discarded (the caller rolls back and
            # reads the stored reply in a fresh transaction).
            raise DuplicateMessage({}) from exc

    def store_reply(self, dedupe_key: str, reply: dict[str, Any]) -> None:
        row = self._session.get(ProcessedMessage, dedupe_key)
        if row is None:  # pragma: no cover - claim_message always runs first
            raise KeyError(dedupe_key)
        row.reply = seal(json.dumps(reply, ensure_ascii=False), self._cipher)
        self._session.flush()

    @property
    def session(self) -> Session:
        return self._session


class SqlDialogStore(DialogStore):
    def __init__(self, factory: sessionmaker[Session], cipher: PiiCipher | None = None) -> None:
        self._factory = factory
        self._cipher = cipher

    @property
    def factory(self) -> sessionmaker[Session]:
        return self._factory

    @contextmanager
    def transaction(self) -> Iterator[DialogTx]:
        session = self._factory()
        try:
            yield _SqlTx(session, self._cipher)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
