"""The audit log: who did what, when, for every state change with side effects and every view of a
clear ID or phone number. Rows are only ever inserted.

``actor`` is ``wechat:<openid>`` / ``web:<session>`` for litigants, ``staff:<id>`` for staff and
``system`` for the server itself. ``detail`` must never hold an ID or phone number in clear: pass masked
values (``core.pii.mask_text``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(128), default="", index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")


def audit(session: Session, actor: str, action: str, subject: str = "", **detail: Any) -> AuditEvent:
    """Add an audit row to ``session`` (committed with the change it records)."""
    row = AuditEvent(
        actor=actor[:128],
        action=action[:64],
        subject=subject[:128],
        detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
    )
    session.add(row)
    return row
