"""Tables of the casework package: records, their parties, their event history, staff, notifications.

- ``case_records``: one row per referral / filing / ticket. ``dedupe_key`` is UNIQUE (a retried or doubled chat
  message creates one record); ``ref`` is UNIQUE (the number the person quotes); ``version`` is an optimistic
  lock so two staff acting at once cannot both move the same record.
- ``case_parties``: plaintiff/defendant details. ID and phone numbers are stored only encrypted (``*_enc``,
  Fernet with ``PII_KEY``) plus a masked copy for display (``*_masked``).
- ``case_events``: the history; every create and every transition is one row. The dashboard figures are computed
  from these rows only (docs/kpis.md). ``data`` never holds an ID or phone number in clear.
- ``dispute_keys``: keyed hashes of (cause, plaintiff, defendant) per record, to find a dispute that people's
  mediation closed and that was performed (refiling is refused).
- ``ref_counters``: the per-prefix, per-month sequence behind reference numbers.
- ``notifications``: what the ``RecordingNotifier`` recorded (and the workbench's staff notification list);
  ``key`` is UNIQUE so a repeated step never notifies twice; ``seen_at`` is when a person's notice was shown in
  their chat (people on the chat page have no push: a notice waits for their next message).
- ``staff_users``: workbench accounts (argon2 password hashes; ``session_epoch`` ends old sessions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow

_BigId = BigInteger().with_variant(Integer, "sqlite")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), index=True)
    group_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)  # committee id (mediators)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # carried in the signed session cookie: sign-out, a password change and (de)activation raise it, which ends
    # every session signed in before (a copied cookie included)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"


class CaseRecord(Base):
    __tablename__ = "case_records"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    ref: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    cause: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    category: Mapped[str | None] = mapped_column(String(32), default=None)  # ticket category
    summary: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    claims: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    facts_and_reasons: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    area: Mapped[str | None] = mapped_column(String(64), default=None)
    group_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)  # committee / department
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    assignee_label: Mapped[str | None] = mapped_column(String(64), default=None)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case_records.id"), default=None)
    correction_count: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[bool | None] = mapped_column(Boolean, default=None)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # last values of transition fields
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # filings: the random half of the person's download link (casework.links); only the database holds it
    download_key: Mapped[str | None] = mapped_column(String(32), default=None)

    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="record", order_by="CaseParty.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="record", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative hook

    def party(self, role: str) -> CaseParty | None:
        return next((p for p in self.parties if p.role == role), None)


class CaseParty(Base):
    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("case_records.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # plaintiff | defendant
    kind: Mapped[str] = mapped_column(String(16), default="person")  # person | company
    name: Mapped[str] = mapped_column(String(128))
    gender: Mapped[str | None] = mapped_column(String(8), default=None)
    birth_date: Mapped[str | None] = mapped_column(String(10), default=None)  # ISO date, from the ID number
    ethnicity: Mapped[str | None] = mapped_column(String(32), default=None)
    occupation: Mapped[str | None] = mapped_column(String(64), default=None)
    work_unit: Mapped[str | None] = mapped_column(String(128), default=None)
    address: Mapped[str | None] = mapped_column(Text, default=None)
    legal_rep: Mapped[str | None] = mapped_column(String(64), default=None)
    legal_rep_title: Mapped[str | None] = mapped_column(String(64), default=None)
    id_enc: Mapped[str | None] = mapped_column(Text, default=None)
    id_masked: Mapped[str | None] = mapped_column(String(32), default=None)
    phone_enc: Mapped[str | None] = mapped_column(Text, default=None)
    phone_masked: Mapped[str | None] = mapped_column(String(32), default=None)

    record: Mapped[CaseRecord] = relationship(back_populates="parties")


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("case_records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    cause: Mapped[str | None] = mapped_column(String(64), default=None)
    category: Mapped[str | None] = mapped_column(String(32), default=None)
    action: Mapped[str] = mapped_column(String(32))  # "create" or a transition name
    from_state: Mapped[str | None] = mapped_column(String(32), default=None)
    to_state: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)  # due time of the state left
    new_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)  # due time of the state entered
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    record: Mapped[CaseRecord] = relationship(back_populates="events")


class DisputeKey(Base):
    __tablename__ = "dispute_keys"
    __table_args__ = (UniqueConstraint("record_id", "key"),)

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("case_records.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), index=True)


class RefCounter(Base):
    __tablename__ = "ref_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    period: Mapped[str] = mapped_column(String(4), primary_key=True)  # YYMM, court local time
    value: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    audience: Mapped[str] = mapped_column(String(8))  # person | staff
    user_id: Mapped[str | None] = mapped_column(String(128), default=None, index=True)
    role: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    group_id: Mapped[str | None] = mapped_column(String(64), default=None)
    text: Mapped[str] = mapped_column(Text)
    # a person's notice shown in their chat (web chat and CLI have no push: it waits here for their next message)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
