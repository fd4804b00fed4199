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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.models import Notification

log = logging.getLogger(__name__)


class Notifier(Protocol):
    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None: ...

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None: ...


class RecordingNotifier:
    """Stores notifications as rows, in the caller's transaction; a key already stored is skipped."""

    def _store(self, session: Session, row: Notification) -> None:
        if session.scalar(select(Notification.id).where(Notification.key == row.key)) is not None:
            return
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            log.info("notification %s already stored by another worker", row.key)

    def notify_person(self, session: Session, user_id: str, text: str, key: str) -> None:
        self._store(session, Notification(key=key, audience="person", user_id=user_id, text=text))

    def notify_staff(self, session: Session, role: str, group: str | None, text: str, key: str) -> None:
        self._store(session, Notification(key=key, audience="staff", role=role, group_id=group, text=text))


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
