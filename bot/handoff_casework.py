"""The real hand-off port (``bot.handoff.HandoffPort``): casework's service, called inside the dialog step's
transaction with casework's own shapes (``HandoffRequest`` in, ``RecordRef`` out).

Creating takes no savepoint of its own: casework refuses a hand-off (a refiling of a dispute that people's
mediation closed and that was performed, a missing party, no consent) before it writes anything, and its one
savepoint around the insert makes a duplicate of the message's dedupe key roll back only itself. So a refused
hand-off leaves the step's transaction clean, the person is told why, and the dialog state is still saved. A
person's action on a record (resubmit, withdraw) writes before it can be refused (a concurrent staff change),
so that one runs in a savepoint.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.handoff import HandoffRefusedError, RecordAction
from casework.errors import CaseworkError, HandoffError
from casework.notify import Notifier
from casework.service import (
    HandoffRequest,
    RecordRef,
    create_handoff,
    person_action,
    records_for_user,
    unseen_notices,
)
from core.settings import Settings

log = logging.getLogger(__name__)


class CaseworkHandoff:
    def __init__(self, settings: Settings, notifier: Notifier) -> None:
        self._settings = settings
        self._notifier = notifier

    def create(self, session: Session, request: HandoffRequest) -> RecordRef:
        try:
            return create_handoff(session, request, self._notifier, settings=self._settings)
        except HandoffError as err:
            log.info("hand-off refused: %s", type(err).__name__)
            raise HandoffRefusedError(err.user_message) from err

    def act(self, session: Session, user_id: str, channel: str, reference: str, action: RecordAction) -> RecordRef:
        try:
            with session.begin_nested():
                return person_action(
                    session, user_id, reference, action, self._notifier, channel=channel, settings=self._settings
                )
        except CaseworkError as err:
            raise HandoffRefusedError(err.user_message) from err

    def records(self, session: Session, user_id: str) -> list[RecordRef]:
        try:
            return records_for_user(session, user_id, settings=self._settings)
        except CaseworkError:
            log.exception("progress query failed")
            return []

    def unseen_notices(self, session: Session, user_id: str) -> list[str]:
        return unseen_notices(session, user_id)
