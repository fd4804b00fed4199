"""How casework tells people about records: the ``Notifier`` protocol and the recording implementation.

The server wires a notifier that writes into the WeChat outbox (durable, retried) for ``notify_person``.
:class:`RecordingNotifier` stores every notification in the ``notifications`` table: tests read it, and the
workbench shows the staff ones as each role's notification list. :class:`FanoutNotifier` sends to several.

``key`` identifies one notification (``<ref>:<event id>:person``); a notifier must deliver each key at most once,
so a repeated step never notifies twice.

People on the chat page (and the CLI) have no push: :func:`take_unseen` hands the chat their notices not shown yet
(once: it marks them seen in the caller's transaction), and :func:`person_notices` lists each record's notices for
查询进度.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.models import Notification
from core.db import insert_on_conflict, utcnow

log = logging.getLogger(__name__)


class Notifier(Protocol):
    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None: ...

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None: ...


class RecordingNotifier:
    """Stores notifications as rows, in the caller's transaction; a key already stored (by this step before,
    or by a racing worker) is skipped by the UNIQUE ``key`` itself (``INSERT … ON CONFLICT DO NOTHING``)."""

    def _store(self, session: Session, **row: str | None) -> None:
        insert = insert_on_conflict(session, Notification).values(**row)
        stmt = insert.on_conflict_do_nothing(index_elements=["key"]).returning(Notification.id)
        if session.execute(stmt).first() is None:
            log.info("notification %s already stored", row["key"])

    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None:
        self._store(session, key=key, audience="person", user_id=user_id, text=text)

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None:
        self._store(session, key=key, audience="staff", role=role, group_id=group, text=text)


class FanoutNotifier:
    """Sends every notification to each of ``notifiers`` in order (e.g. the WeChat outbox, then the recorder)."""

    def __init__(self, *notifiers: Notifier) -> None:
        self._notifiers = notifiers

    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None:
        for n in self._notifiers:
            n.notify_person(session, user_id, text, key)

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None:
        for n in self._notifiers:
            n.notify_staff(session, role, group, text, key)


def record_ref(key: str) -> str:
    """The record a notification key names (``<ref>:<event id>:person``)."""
    return key.split(":", 1)[0]


def take_unseen(session: Session, user_id: str, *, now: datetime | None = None) -> list[Notification]:
    """The person's notices not shown yet, oldest first, marked seen in the caller's transaction (a step that is
    rolled back leaves them unseen)."""
    rows = list(
        session.scalars(
            select(Notification)
            .where(Notification.audience == "person", Notification.user_id == user_id, Notification.seen_at.is_(None))
            .order_by(Notification.at, Notification.id)
        )
    )
    if rows:
        session.execute(
            update(Notification).where(Notification.id.in_([n.id for n in rows])).values(seen_at=now or utcnow())
        )
    return rows


def person_notices(session: Session, user_id: str) -> dict[str, list[Notification]]:
    """Every notice sent to the person, by the record it is about, oldest first."""
    out: dict[str, list[Notification]] = {}
    rows = session.scalars(
        select(Notification)
        .where(Notification.audience == "person", Notification.user_id == user_id)
        .order_by(Notification.at, Notification.id)
    )
    for n in rows:
        out.setdefault(record_ref(n.key), []).append(n)
    return out


def record_notices(session: Session, ref: str) -> list[Notification]:
    """The notices sent to the person about one record, oldest first (the workbench shows whether each was seen)."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.audience == "person", Notification.key.startswith(f"{ref}:", autoescape=True))
            .order_by(Notification.at, Notification.id)
        )
    )
