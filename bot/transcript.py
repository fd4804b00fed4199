"""The chat page's transcript: what the person said and what the bot answered, so that a reload of ``/chat`` shows
the conversation again (WeChat keeps its own history on the phone; the chat page has only this).

One row per exchange, keyed by the chat session (``web:web-<chat id>``, the dialog's own session key) and, for a
typed message, the client's message key (``<chat id>:<message id>``, UNIQUE: a resend is written once). The
person's text is stored masked (ID and phone numbers, :func:`core.pii.mask_text`), as every stored free text is;
each session keeps its latest :data:`KEEP` exchanges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, insert_on_conflict, utcnow
from core.pii import mask_text

KEEP = 60  # exchanges kept per chat session (the page shows the latest ones)


class TranscriptRow(Base):
    __tablename__ = "chat_transcript"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_key: Mapped[str] = mapped_column(String(160), index=True)
    message_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    person: Mapped[str] = mapped_column(Text, default="")  # masked; "" for the page's own "open" event
    reply: Mapped[str] = mapped_column(Text, default="{}")  # JSON: {"parts": [...], "quick": [...]}


@dataclass(frozen=True)
class Exchange:
    person: str
    parts: tuple[str, ...]
    quick_replies: tuple[str, ...]


def record(
    session: Session, session_key: str, *, message_key: str | None, person: str, parts: list[str], quick: list[str]
) -> None:
    """Add one exchange (in the caller's transaction); a message key already written is skipped."""
    row = {
        "session_key": session_key,
        "message_key": message_key,
        "at": utcnow(),
        "person": mask_text(person),
        "reply": json.dumps({"parts": parts, "quick": quick}, ensure_ascii=False),
    }
    stmt = insert_on_conflict(session, TranscriptRow).values(**row)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["message_key"]) if message_key else stmt)
    old = select(TranscriptRow.id).where(TranscriptRow.session_key == session_key).order_by(TranscriptRow.id.desc())
    stale = list(session.scalars(old.offset(KEEP)))
    if stale:
        session.execute(delete(TranscriptRow).where(TranscriptRow.id.in_(stale)))


def recent(session: Session, session_key: str, limit: int = KEEP) -> list[Exchange]:
    """The session's latest exchanges, oldest first."""
    rows = session.scalars(
        select(TranscriptRow).where(TranscriptRow.session_key == session_key).order_by(TranscriptRow.id.desc())
        .limit(limit)
    )
    out = []
    for row in reversed(list(rows)):
        reply = json.loads(row.reply or "{}")
        out.append(Exchange(row.person, tuple(reply.get("parts", ())), tuple(reply.get("quick", ()))))
    return out
