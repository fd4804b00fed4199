"""How casework tells people about records: the ``Notifier`` protocol and the recording implementation.

The server wires a notifier that writes into the WeChat outbox (durable, retried) for ``notify_person``.
:class:`RecordingNotifier` stores every notification in the ``notifications`` table: tests read it, and the
workbench shows the staff ones as each role's notification list. :class:`FanoutNotifier` sends to several.

``key`` identifies one notification (``<ref>:<event id>:person``); a notifier must deliver each key at most once,
so a repeated step never notifies twice.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.orm import Session

from casework.models import Notification
from core.db import insert_on_conflict

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
