"""The one hand-off interface the conversation talks to.

A step builds a ``HandoffDraft`` (what the person chose and the data it needs); the engine passes it to a
``HandoffPort`` inside the step's transaction. ``CaseworkHandoff`` is the real port: it turns the draft into
a ``casework.service.HandoffRequest`` and creates the referral, filing or 12368 ticket there (idempotent on
the message's dedupe key). Notifications to the person go through the WeChat outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session


class HandoffRefusedError(Exception):
    """The hand-off service refused the draft; ``user_message`` tells the person why, in plain Chinese."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True)
class HandoffDraft:
    kind: Literal["referral", "filing", "ticket"]
    user_id: str
    channel: str
    dedupe_key: str
    cause: str | None
    summary: str
    facts: dict[str, Any] = field(default_factory=dict)
    assessment: dict[str, Any] | None = None
    consent: bool = False
    form: dict[str, Any] = field(default_factory=dict)  # filing: plaintiff and defendant fields
    area: str | None = None
    question: str | None = None  # ticket: what the person asks a human for


@dataclass(frozen=True)
class HandoffRef:
    reference: str  # the short number the person quotes
    kind: str
    state: str  # the state's name in Chinese, for the person
    created: bool = True  # False when a retry found the record already there
    detail: str = ""


class HandoffPort(Protocol):
    def create(self, session: Session, draft: HandoffDraft) -> HandoffRef: ...

    def records(self, session: Session, user_id: str) -> list[HandoffRef]: ...

    def act(self, session: Session, user_id: str, channel: str, reference: str, action: str) -> HandoffRef:
        """The person's own action on a record ("resubmit" after corrections, "withdraw");
        raises ``HandoffRefusedError`` with the reason when it is not allowed."""
        ...
